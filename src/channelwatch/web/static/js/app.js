// Start-up: sign-in, the region's layers, the map, the panels, then the live stream.

import { addAlert, initAlerts } from './alerts.js';
import { ApiError, get, getAll, post, setToken, getToken } from './api.js';
import { initCases, loadCases, upsertCase } from './cases.js';
import { goLive, initClock, setClock } from './clock.js';
import { $, fill, h, toast } from './dom.js';
import { initDoctrine, loadPolicies } from './doctrine.js';
import { contactKey, watchFederation } from './federation.js';
import { bboxOf, laneArrows } from './geometry.js';
import { initHelp, showTab } from './help.js';
import { LabelLayer, regionLabels } from './labels.js';
import { createMapView } from './map.js';
import { initOverlays } from './overlays.js';
import { can, clockNowMs, emit, on, state } from './state.js';
import { PALETTES, REGION_LAYERS, TRACK_COLOURS } from './style.js';
import {
  applyPicture,
  displayedTracks,
  historyReach,
  initTracks,
  mapData,
  selectTrack,
  trackLabels,
} from './tracks.js';
import { connectStream } from './ws.js';

const display = {
  wall: localStorage.getItem('channelwatch.wall') === '1',
  contrast: localStorage.getItem('channelwatch.contrast') === '1',
};
let view = null;
let labels = null;
let stream = null;
let started = false;
let drawPending = false;
let homeBbox = null;
let health = null; // GET /api/health at start (federation configured or not)

/** The operating area to open on: the traffic scheme and the beaches, not the whole box. */
function operatingArea(data) {
  const boxes = [bboxOf(data.tss), bboxOf(data.beaches)].filter(Boolean);
  if (!boxes.length) return null;
  return [
    Math.min(...boxes.map((b) => b[0])),
    Math.min(...boxes.map((b) => b[1])),
    Math.max(...boxes.map((b) => b[2])),
    Math.max(...boxes.map((b) => b[3])),
  ];
}

function displayParams() {
  const wall = display.wall || window.matchMedia('(min-width: 2400px)').matches;
  return { palette: PALETTES[display.contrast ? 'contrast' : 'normal'], scale: wall ? 1.6 : 1 };
}

function applyDisplay() {
  const root = document.documentElement;
  root.classList.toggle('wall', display.wall);
  root.classList.toggle('contrast', display.contrast);
  $('#btn-wall').setAttribute('aria-pressed', String(display.wall));
  $('#btn-contrast').setAttribute('aria-pressed', String(display.contrast));
  localStorage.setItem('channelwatch.wall', display.wall ? '1' : '0');
  localStorage.setItem('channelwatch.contrast', display.contrast ? '1' : '0');
  if (view) {
    view.setDisplay(displayParams());
    view.resize();
  }
  labels?.schedule();
}

/** Redraw the tracks on the map at most once a frame. */
function drawTracks() {
  if (drawPending || !view) return;
  drawPending = true;
  requestAnimationFrame(() => {
    drawPending = false;
    const [points, trails] = mapData(displayedTracks());
    view.setTracks(points, trails);
    labels?.schedule();
  });
}

function renderLegend() {
  const kinds = [
    ['small_boat', 'Small boat'],
    ['rescue', 'Rescue asset'],
    ['patrol', 'Patrol'],
    ['ship', 'Ship (AIS)'],
    ['unknown', 'Unknown'],
  ];
  fill(
    $('#legend'),
    h(
      'ul',
      {},
      kinds.map(([k, text]) =>
        h(
          'li',
          {},
          h('span', { class: `swatch kind-${k}`, style: `--c:${TRACK_COLOURS[k]}` }),
          text,
        ),
      ),
      h('li', {}, h('span', { class: 'line solid' }), 'SAR line, published 1988'),
      h('li', {}, h('span', { class: 'line dashed' }), 'SAR line, derived'),
      h('li', {}, h('span', { class: 'box strip' }), 'FR/BE 200 m / 300 m strips'),
      h('li', {}, h('span', { class: 'box lane' }), 'Traffic lanes (approximate), zones'),
    ),
  );
}

async function loadLayers(region) {
  const listed = new Set((region.layers || []).map((l) => (typeof l === 'string' ? l : l.name)));
  const wanted = REGION_LAYERS.filter((n) => !listed.size || listed.has(n));
  const data = {};
  const missing = [];
  await Promise.all(
    wanted.map(async (name) => {
      try {
        data[name] = await get(`/api/region/layers/${name}`);
      } catch (err) {
        missing.push(name);
        console.warn(`layer ${name}:`, err);
      }
    }),
  );
  for (const name of REGION_LAYERS) if (!listed.has(name) && listed.size) missing.push(name);
  data.tss_arrows = laneArrows(data.tss);
  return { data, missing };
}

function renderUser() {
  const u = state.user;
  fill(
    $('#user-info'),
    u
      ? h(
          'span',
          {},
          h('strong', { text: u.display_name || u.username }),
          ` · ${u.role}${u.centre ? ` · ${u.centre}` : ''}`,
        )
      : '',
  );
  document.body.dataset.role = u?.role || '';
  document.body.dataset.centre = u?.centre || '';
}

function onMessage(msg) {
  switch (msg.type) {
    case 'hello':
      if (msg.clock) setClock(msg.clock);
      break;
    case 'tracks':
      applyPicture(msg);
      break;
    case 'contact':
    case 'contacts': {
      // Radar plots arrive many times a second; only calls matter to the page.
      const calls = (msg.contacts || [msg.contact]).filter((c) => c && c.kind === 'call');
      for (const c of calls) state.contacts.set(contactKey(c), c);
      if (calls.length) emit('contacts');
      break;
    }
    case 'document':
      emit('document', msg);
      break;
    case 'case_refused':
      if (msg.case_id === state.selectedCaseId) toast(`Refused: ${msg.error}`, 'warn');
      emit('case-refused', msg);
      break;
    case 'alert':
      if (msg.alert) addAlert(msg.alert, { fresh: true });
      break;
    case 'case':
      if (msg.case) upsertCase(msg.case);
      break;
    case 'suggestion':
      // Keep what the page already knew of the call (its report, from GET /api/suggestions).
      state.suggestions.set(msg.call_id, { ...state.suggestions.get(msg.call_id), ...msg });
      emit('suggestion', msg);
      break;
    case 'note':
      emit('note', msg);
      break;
    case 'clock':
      setClock(msg.clock || msg);
      break;
    default:
      break; // pong and anything newer than this page
  }
}

/** The calls still to place, with the advice recorded when each came in: a page opened (or
 * reconnected) after a call still offers the suggested case. Internal roles only. */
async function loadSuggestions() {
  if (!can.internal()) return;
  try {
    const { items } = await get('/api/suggestions', { pending: true, limit: 200 });
    for (const s of items || []) {
      state.suggestions.set(s.call_id, { ...state.suggestions.get(s.call_id), ...s });
    }
    emit('suggestion');
  } catch (err) {
    // 403: the role has no advice (the server decides); say nothing.
    if (err.status !== 403) throw err;
  }
}

async function loadInitial() {
  const tasks = [
    loadSuggestions(),
    get('/api/clock').then(setClock),
    get('/api/tracks').then(applyPicture),
    getAll('/api/alerts', {}, 300).then((items) => items.forEach((a) => addAlert(a))),
    loadCases(),
    loadPolicies(),
    getAll('/api/contacts', { kind: 'call' }, 500).then((items) => {
      for (const c of items) state.contacts.set(contactKey(c), c);
      emit('contacts');
    }),
  ];
  const results = await Promise.allSettled(tasks);
  for (const r of results) {
    if (r.status === 'rejected') toast(`Not loaded: ${r.reason?.detail || r.reason}`, 'error');
  }
}

async function start(user) {
  started = true;
  state.user = user;
  renderUser();
  emit('user', user);
  let region;
  try {
    region = await get('/api/region');
  } catch (err) {
    showMapMessage(`Region not loaded: ${err instanceof ApiError ? err.detail : err}`);
    return;
  }
  state.region = region;
  $('#region-title').textContent = region.title || region.name || '';
  const { data, missing } = await loadLayers(region);
  state.regionLayers = data;
  view = createMapView($('#map'), region, data, displayParams());
  try {
    await view.ready;
  } catch (err) {
    showMapMessage(`Map failed: ${err?.message || err}`);
  }
  homeBbox = operatingArea(data) || region.bbox;
  view.fitBounds(homeBbox, { animate: false });
  document.body.dataset.map = view.kind;
  document.body.dataset.layers = Object.keys(data)
    .filter((k) => data[k]?.features?.length)
    .join(' ');
  if (view.kind === 'canvas') {
    showMapMessage('No WebGL here: 2D map (same layers, plainer drawing).', 15000);
  }
  if (missing.length) toast(`Layers missing from the server: ${missing.join(', ')}`, 'warn');
  labels = new LabelLayer($('#map'), view);
  const fixed = regionLabels(data);
  labels.addProvider(() => fixed);
  labels.addProvider(() => trackLabels(displayedTracks()));
  view.onTrackClick((id) => {
    if (id) selectTrack(id);
  });
  initOverlays(view);
  on('tracks', drawTracks);
  on('select-track', drawTracks);
  on('view-time', drawTracks);
  await loadInitial();
  drawTracks();
  watchFederation(health);
  let dropped = false;
  stream = connectStream(getToken(), {
    onMessage,
    onStatus: (s) => {
      $('#conn').textContent = s;
      $('#conn').dataset.status = s;
      // Back after a drop: fetch what the stream may have carried meanwhile.
      if (s === 'reconnecting') dropped = true;
      if (s === 'live' && dropped) {
        dropped = false;
        loadCases();
        loadSuggestions().catch((err) => toast(`Calls not loaded: ${err.detail || err}`, 'warn'));
      }
    },
    onUnauthorized: () => showLogin('Your session has ended: sign in again.'),
  });
  document.body.dataset.ready = 'true';
}

function showMapMessage(text, hideAfterMs = 0) {
  const msg = $('#map-message');
  msg.hidden = false;
  msg.dataset.kind = 'info';
  msg.textContent = text;
  if (hideAfterMs) {
    setTimeout(() => {
      if (msg.dataset.kind === 'info' && msg.textContent === text) msg.hidden = true;
    }, hideAfterMs);
  }
}

function showLogin(message = '') {
  const dlg = $('#login');
  $('#login-error').textContent = message;
  if (!dlg.open) dlg.showModal();
  $('#login-user').focus();
}

async function login(e) {
  e.preventDefault();
  const username = $('#login-user').value.trim();
  const password = $('#login-pass').value;
  $('#login-submit').disabled = true;
  try {
    const res = await post('/api/auth/login', { username, password });
    setToken(res.access_token);
    $('#login-pass').value = '';
    $('#login').close();
    if (started) window.location.reload();
    else await start(res.user);
  } catch (err) {
    $('#login-error').textContent =
      err.status === 401 || err.status === 400 || err.status === 422
        ? 'User name or password not accepted.'
        : `Sign-in failed: ${err instanceof ApiError ? err.detail : err}`;
  } finally {
    $('#login-submit').disabled = false;
  }
}

async function logout() {
  try {
    await post('/api/auth/logout');
  } catch {
    // the token is dropped here whatever the server says
  }
  stream?.close();
  setToken(null);
  window.location.reload();
}

const actions = {
  clearSelection: () => selectTrack(null),
  focusMap: () => view?.focus(),
  centreSelected: () => {
    const t = state.tracks.get(state.selectedTrackId);
    if (t && view) view.flyTo(t.lon, t.lat);
  },
  stepTime: (deltaMs) => {
    const now = clockNowMs();
    const start = historyReach();
    const t = Math.max(start, Math.min(now, (state.viewTime ?? now) + deltaMs));
    state.viewTime = t >= now - 1000 ? null : t;
    emit('view-time', state.viewTime);
  },
  goLive,
  home: () => homeBbox && view?.fitBounds(homeBbox),
  toggleWall: () => {
    display.wall = !display.wall;
    applyDisplay();
  },
  toggleContrast: () => {
    display.contrast = !display.contrast;
    applyDisplay();
  },
};

async function main() {
  applyDisplay();
  renderLegend();
  initHelp(actions);
  initClock();
  initTracks();
  initAlerts();
  initCases();
  initDoctrine();
  showTab('case');
  $('#btn-wall').addEventListener('click', actions.toggleWall);
  $('#btn-contrast').addEventListener('click', actions.toggleContrast);
  $('#btn-logout').addEventListener('click', logout);
  $('#login-form').addEventListener('submit', login);
  // The sign-in dialog cannot be dismissed with Escape: there is nothing behind it yet.
  $('#login').addEventListener('cancel', (e) => {
    if (!state.user) e.preventDefault();
  });
  on('unauthorized', () => showLogin('Please sign in.'));
  // A field the browser refuses (out of range, wrong step) blocks its form: say which and why.
  document.addEventListener(
    'invalid',
    (e) => {
      const label = e.target.labels?.[0]?.textContent || e.target.name || e.target.id;
      toast(`${label}: ${e.target.validationMessage}`, 'error');
    },
    true,
  );
  on('select-track-request', (id) => selectTrack(id));
  on('fly-to', ({ lon, lat }) => view?.flyTo(lon, lat));
  on('fit-bounds', (bbox) => view?.fitBounds(bbox));
  // Expose the state for debugging in the console (read-only use).
  window.channelwatch = {
    state,
    get view() {
      return view;
    },
  };
  try {
    health = await get('/api/health');
    if (health.env === 'development') {
      const hint = $('#login-hint');
      hint.hidden = false;
      hint.textContent =
        'Development server: demo users gn-operator, gn-supervisor, dover-operator, dover-supervisor, fr-police, auditor, partner-be; password <user>-demo.';
    }
  } catch {
    // health is informative only
  }
  if (getToken()) {
    try {
      const user = await get('/api/auth/me');
      await start(user);
      return;
    } catch {
      setToken(null);
    }
  }
  showLogin();
}

main();
