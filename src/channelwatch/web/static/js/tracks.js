// Live tracks: the picture from the stream, a local history for the replay slider, the track
// list (keyboard: arrows move, Enter selects, Escape clears), the detail card and the map data.

import { get } from './api.js';
import { $, fill, h } from './dom.js';
import { centreName, itemOrigin, localId, originSuffix } from './federation.js';
import { fmtDeg, fmtKn, fmtLatLon, fmtM, fmtTime, humanise, KIND_LABEL } from './format.js';
import { ROTATING } from './icons.js';
import { clockNowMs, emit, on, state } from './state.js';
import { TRACK_COLOURS } from './style.js';

export const TRAIL_POINTS = 30;
const HISTORY_POINTS = 5000; // per track: about 1.4 h at one fix a second
const STALE_AFTER_MS = 10 * 60 * 1000; // a replayed track not seen for 10 min is not drawn
// Before the page's own history the slider asks the server (GET /api/tracks?at=): back to the
// replay's start, or this far in live mode.
const SERVER_REACH_MS = 6 * 60 * 60 * 1000;
const PAST_MAX_AGE_S = 120; // a track is in the past picture if seen this long before the time
const PAST_DEBOUNCE_MS = 200; // one request when the slider stops, not one per pixel dragged

// track_id -> {kind, name, points: [[time_ms, lat, lon, sog_kn, cog_deg], ...]} (time order)
const history = new Map();
// The time of the first picture this page received: from then on it has every picture; before,
// only the trails of the tracks it saw first, so the server's history is asked instead.
let firstPictureMs = null;
let activeId = null; // the keyboard cursor in the list (not necessarily selected)

const KIND_ORDER = { small_boat: 0, rescue: 1, patrol: 2, unknown: 3, ship: 4 };

/** A full picture from GET /api/tracks or a `tracks` message replaces the current one. */
export function applyPicture(msg) {
  const tracks = msg.tracks || msg.items || [];
  state.tracks = new Map(tracks.map((t) => [t.track_id, t]));
  state.pictureTime = msg.time || state.pictureTime;
  if (firstPictureMs === null && msg.time) firstPictureMs = Date.parse(msg.time);
  for (const t of tracks) remember(t);
  emit('tracks');
}

function remember(t) {
  let rec = history.get(t.track_id);
  if (!rec) {
    rec = { kind: t.kind, name: t.name, points: [] };
    history.set(t.track_id, rec);
    for (const [time, lat, lon] of t.trail || []) push(rec, Date.parse(time), lat, lon, null, null);
  }
  rec.kind = t.kind;
  rec.name = t.name;
  const time = Date.parse(t.last_update || state.pictureTime);
  push(rec, time, t.lat, t.lon, t.sog_kn, t.cog_deg);
}

function push(rec, time, lat, lon, sog, cog) {
  if (!Number.isFinite(time)) return;
  const last = rec.points[rec.points.length - 1];
  if (last && time <= last[0]) {
    if (time === last[0]) rec.points[rec.points.length - 1] = [time, lat, lon, sog, cog];
    return; // out of order: keep the series monotonic
  }
  rec.points.push([time, lat, lon, sog, cog]);
  if (rec.points.length > HISTORY_POINTS) rec.points.splice(0, rec.points.length - HISTORY_POINTS);
}

/** The earliest time the local history can show (ms), or null. */
export function historyStart() {
  let t0 = null;
  for (const rec of history.values()) {
    const first = rec.points[0];
    if (first && (t0 === null || first[0] < t0)) t0 = first[0];
  }
  return t0;
}

/** The earliest time the slider offers (ms): the server's history reaches further back. */
export function historyReach() {
  const local = historyStart();
  const start = state.clock?.start ? Date.parse(state.clock.start) : NaN;
  const server = Number.isFinite(start) ? start : clockNowMs() - SERVER_REACH_MS;
  return local === null ? server : Math.min(local, server);
}

/** Whether a time is before the page's first picture (the server answers for it). */
export function beforeLocalHistory(tMs) {
  return tMs !== null && (firstPictureMs === null || tMs < firstPictureMs);
}

// state.pastPicture: {timeMs, tracks} as the server answered for the slider's time
let pastTimer = null;

function requestPast() {
  const tMs = state.viewTime;
  clearTimeout(pastTimer);
  if (!beforeLocalHistory(tMs) || state.pastPicture?.timeMs === tMs) return;
  pastTimer = setTimeout(async () => {
    let body;
    try {
      body = await get('/api/tracks', {
        at: new Date(tMs).toISOString(),
        max_age_s: PAST_MAX_AGE_S,
      });
    } catch (err) {
      $('#map-message').textContent = `History at that time unavailable: ${err.message}`;
      return;
    }
    if (state.viewTime !== tMs) return; // the slider has moved on meanwhile
    state.pastPicture = { timeMs: tMs, tracks: body.items || [] };
    emit('view-time', tMs);
  }, PAST_DEBOUNCE_MS);
}

function pastTracks() {
  // Until the answer comes, the previous one stays drawn (the banner says which time it is).
  return (state.pastPicture?.tracks || []).map((t) => ({
    ...t,
    trailCoords: (t.trail || []).slice(-TRAIL_POINTS).map(([, lat, lon]) => [lon, lat]),
  }));
}

const RAD = Math.PI / 180;

function bearingDeg(a, b) {
  const dy = b[1] - a[1];
  const dx = (b[2] - a[2]) * Math.cos(a[1] * RAD);
  if (dx === 0 && dy === 0) return null;
  return (Math.atan2(dx, dy) / RAD + 360) % 360;
}

function speedKn(a, b) {
  const dy = (b[1] - a[1]) * 111320;
  const dx = (b[2] - a[2]) * 111320 * Math.cos(a[1] * RAD);
  const dt = (b[0] - a[0]) / 1000;
  return dt > 0 ? Math.hypot(dx, dy) / dt / 0.514444 : null;
}

function interpolate(points, tMs) {
  let lo = 0;
  let hi = points.length - 1;
  if (hi < 0 || tMs < points[0][0] || tMs > points[hi][0] + STALE_AFTER_MS) return null;
  if (tMs >= points[hi][0]) return { at: points[hi], index: hi };
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (points[mid][0] <= tMs) lo = mid;
    else hi = mid;
  }
  const a = points[lo];
  const b = points[hi];
  const f = (tMs - a[0]) / Math.max(b[0] - a[0], 1);
  // Trail points carry no course or speed: take them from the two fixes around the time.
  const course = b[4] ?? a[4] ?? bearingDeg(a, b);
  const speed = b[3] ?? a[3] ?? speedKn(a, b);
  const at = [tMs, a[1] + f * (b[1] - a[1]), a[2] + f * (b[2] - a[2]), speed, course];
  return { at, index: lo };
}

/** The tracks to draw: the live picture, or the history at the slider's time. */
export function displayedTracks() {
  if (state.viewTime === null) {
    return [...state.tracks.values()].map((t) => ({
      ...t,
      trailCoords: (t.trail || []).slice(-TRAIL_POINTS).map(([, lat, lon]) => [lon, lat]),
    }));
  }
  if (beforeLocalHistory(state.viewTime)) return pastTracks();
  const out = [];
  for (const [id, rec] of history) {
    const hit = interpolate(rec.points, state.viewTime);
    if (!hit) continue;
    const [, lat, lon, sog, cog] = hit.at;
    const past = rec.points.slice(Math.max(0, hit.index - TRAIL_POINTS + 1), hit.index + 1);
    const live = state.tracks.get(id) || {};
    out.push({
      ...live,
      track_id: id,
      kind: rec.kind,
      name: rec.name,
      lat,
      lon,
      sog_kn: sog,
      cog_deg: cog,
      trailCoords: [...past.map((q) => [q[2], q[1]]), [lon, lat]],
    });
  }
  return out;
}

export function mapData(tracks) {
  const features = tracks.map((t) => ({
    type: 'Feature',
    geometry: { type: 'Point', coordinates: [t.lon, t.lat] },
    properties: {
      track_id: t.track_id,
      kind: KIND_LABEL[t.kind] ? t.kind : 'unknown',
      rotate_deg: ROTATING.has(t.kind) ? (t.cog_deg ?? 0) : 0,
      selected: t.track_id === state.selectedTrackId,
    },
  }));
  const trails = tracks
    .filter((t) => t.trailCoords && t.trailCoords.length > 1)
    .map((t) => ({
      type: 'Feature',
      geometry: { type: 'LineString', coordinates: t.trailCoords },
      properties: { track_id: t.track_id, kind: KIND_LABEL[t.kind] ? t.kind : 'unknown' },
    }));
  return [
    { type: 'FeatureCollection', features },
    { type: 'FeatureCollection', features: trails },
  ];
}

// Above the region's own labels (SAR line 35-36, centres 30), except ships.
const LABEL_PRIORITY = { small_boat: 50, rescue: 45, patrol: 45, unknown: 40, ship: 25 };

/** A track's name for people: its name or id; a partner's with its centre as a suffix
 * ("AIS-227000001 [FR]"), since the same ship may be in both centres' pictures. */
export function trackName(t) {
  const code = itemOrigin(t);
  return `${t.name || localId(t.track_id, code)}${originSuffix(code)}`;
}

/** Map labels: name or id and speed; ships only when zoomed in, the selected one always. */
export function trackLabels(tracks) {
  return tracks.map((t) => {
    const selected = t.track_id === state.selectedTrackId;
    return {
      lon: t.lon,
      lat: t.lat,
      text: trackName(t),
      sub: fmtKn(t.sog_kn),
      priority: selected ? 100 : LABEL_PRIORITY[t.kind] || 20,
      minZoom: selected || t.kind !== 'ship' ? 0 : 10.5,
      colour: TRACK_COLOURS[t.kind],
      bold: selected,
      force: selected,
    };
  });
}

export function selectTrack(id) {
  state.selectedTrackId = id;
  if (id) activeId = id;
  emit('select-track', id);
  const t = id ? state.tracks.get(id) : null;
  if (t && t.case_id) emit('select-case', t.case_id);
}

function domId(trackId) {
  return `trk-${String(trackId).replace(/[^A-Za-z0-9_-]/g, '_')}`;
}

function filtered() {
  const text = $('#track-filter').value.trim().toLowerCase();
  const kind = $('#track-kind').value;
  const list = [...state.tracks.values()].filter((t) => {
    if (kind && t.kind !== kind) return false;
    if (!text) return true;
    return [t.track_id, t.name, t.kind, t.mmsi, t.case_id, t.origin]
      .filter(Boolean)
      .some((v) => String(v).toLowerCase().includes(text));
  });
  list.sort(
    (a, b) =>
      (KIND_ORDER[a.kind] ?? 9) - (KIND_ORDER[b.kind] ?? 9) ||
      String(a.track_id).localeCompare(String(b.track_id)),
  );
  return list;
}

// List items are kept and updated in place (keyed by track id): replacing them every second
// would drop clicks and screen-reader focus.
const items = new Map(); // track_id -> li

function makeItem(t) {
  const ul = $('#track-list');
  const li = h(
    'li',
    {
      id: domId(t.track_id),
      role: 'option',
      dataset: { trackId: t.track_id },
      onclick: () => {
        selectTrack(t.track_id);
        ul.focus();
      },
    },
    h('span', { class: 'swatch', 'aria-hidden': 'true' }),
    h('span', { class: 'track-name' }, h('span', { class: 'track-label' }), h('span')),
    h('span', { class: 'track-kind' }),
    h('span', { class: 'track-speed' }),
    h('span', { class: 'badge case' }),
    h('span', { class: 'badge tentative', text: 'tentative' }),
  );
  return li;
}

function updateItem(li, t) {
  const selected = t.track_id === state.selectedTrackId;
  li.className = `track-item kind-${t.kind}${t.track_id === activeId ? ' active' : ''}`;
  li.setAttribute('aria-selected', selected ? 'true' : 'false');
  li.dataset.lat = String(t.lat);
  li.dataset.lon = String(t.lon);
  li.dataset.kind = t.kind;
  li.dataset.sar = t.sar_region || '';
  li.dataset.case = t.case_id || '';
  const [swatch, name, kind, speed, caseBadge, tentative] = li.children;
  swatch.className = `swatch kind-${t.kind}`;
  const code = itemOrigin(t);
  const [label, origin] = name.children;
  label.textContent = t.name || localId(t.track_id, code);
  // The origin badge: a partner centre's track, shown as it shared it.
  origin.className = code ? 'badge origin' : '';
  if (code) origin.replaceChildren(h('span', { class: 'sr', text: 'from ' }), code);
  else origin.replaceChildren();
  origin.hidden = !code;
  if (code) origin.title = `From the partner centre ${centreName(code)}`;
  li.dataset.origin = code || '';
  kind.textContent = KIND_LABEL[t.kind] || t.kind;
  speed.textContent = fmtKn(t.sog_kn);
  caseBadge.textContent = t.case_id || '';
  caseBadge.hidden = !t.case_id;
  tentative.hidden = t.confirmed !== false;
}

function renderList() {
  const ul = $('#track-list');
  const list = filtered();
  $('#track-count').textContent = String(state.tracks.size);
  if (activeId && !list.some((t) => t.track_id === activeId)) activeId = null;
  const keep = new Set(list.map((t) => t.track_id));
  for (const [id, li] of items) {
    if (!keep.has(id)) {
      li.remove();
      items.delete(id);
    }
  }
  let previous = null;
  for (const t of list) {
    let li = items.get(t.track_id);
    if (!li) {
      li = makeItem(t);
      items.set(t.track_id, li);
    }
    updateItem(li, t);
    // Move only when out of place, so a stable list causes no DOM churn.
    const expected = previous ? previous.nextSibling : ul.firstChild;
    if (expected !== li) ul.insertBefore(li, expected);
    previous = li;
  }
  if (activeId) ul.setAttribute('aria-activedescendant', domId(activeId));
  else ul.removeAttribute('aria-activedescendant');
}

function moveActive(delta) {
  const list = filtered();
  if (!list.length) return;
  let i = list.findIndex((t) => t.track_id === activeId);
  if (delta === 'home') i = 0;
  else if (delta === 'end') i = list.length - 1;
  else i = i < 0 ? 0 : Math.max(0, Math.min(list.length - 1, i + delta));
  activeId = list[i].track_id;
  renderList();
  document.getElementById(domId(activeId))?.scrollIntoView({ block: 'nearest' });
}

function row(label, value) {
  return [h('dt', { text: label }), h('dd', { text: String(value ?? '—') })];
}

function renderDetail() {
  const box = $('#track-detail');
  const id = state.selectedTrackId;
  if (!id) {
    fill(box, h('p', { class: 'hint', text: 'No boat selected. Click a symbol or use the list.' }));
    return;
  }
  const t = state.tracks.get(id);
  if (!t) {
    fill(box, h('p', { class: 'hint', text: `${id}: not in the current picture.` }));
    return;
  }
  fill(
    box,
    h(
      'h3',
      {},
      h('span', { class: `swatch kind-${t.kind}`, 'aria-hidden': 'true' }),
      ` ${t.name || localId(t.track_id, itemOrigin(t))} `,
      itemOrigin(t)
        ? [h('span', { class: 'badge origin', text: itemOrigin(t) }), ' ']
        : null,
      h('span', { class: 'muted', text: KIND_LABEL[t.kind] || t.kind }),
    ),
    h(
      'dl',
      { class: 'kv', id: 'selected-track-facts' },
      row('Position', fmtLatLon(t.lat, t.lon)),
      row('Track', t.track_id),
      itemOrigin(t) ? row('From', `${centreName(itemOrigin(t))} (partner)`) : null,
      row('Speed', fmtKn(t.sog_kn)),
      row('Course', fmtDeg(t.cog_deg)),
      row('Persons (est.)', t.persons_estimate ?? '—'),
      row('Accuracy', fmtM(t.position_sigma_m)),
      row('SAR region', t.sar_region),
      row('Case', t.case_id || 'none'),
      row('Sensors', (t.sensors || []).map(humanise).join(', ') || '—'),
      row('Updated', fmtTime(t.last_update)),
      t.mmsi ? row('MMSI', String(t.mmsi)) : null,
      t.length_m ? row('Length', fmtM(t.length_m)) : null,
    ),
  );
}

export function initTracks() {
  const ul = $('#track-list');
  ul.addEventListener('keydown', (e) => {
    const keys = { ArrowDown: 1, ArrowUp: -1, PageDown: 10, PageUp: -10, Home: 'home', End: 'end' };
    if (e.key in keys) {
      moveActive(keys[e.key]);
      e.preventDefault();
    } else if (e.key === 'Enter' || e.key === ' ') {
      if (activeId) selectTrack(activeId);
      e.preventDefault();
    }
  });
  ul.addEventListener('focus', () => {
    if (!activeId) moveActive(0);
  });
  $('#track-filter').addEventListener('input', renderList);
  $('#track-kind').addEventListener('change', renderList);
  on('tracks', () => {
    renderList();
    renderDetail();
  });
  on('select-track', () => {
    renderList();
    renderDetail();
  });
  on('view-time', requestPast);
  renderDetail();
}
