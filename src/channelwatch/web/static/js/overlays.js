// Drift and search-plan overlays for the selected case: run a drift (particle cloud: hull,
// density regions, centroid) or plan a search (probability cells, datum, unit areas, routes),
// or show one the case already has. The server runs the models; the page only draws.

import { ApiError, get, post } from './api.js';
import { $, field, fill, h, select } from './dom.js';
import { fmtDateTime, fmtM, fmtPct, humanise } from './format.js';
import { bboxOf } from './geometry.js';
import { can, clockNowMs, emit, on, state } from './state.js';

const UNIT_TYPES = [
  'rnli_alb',
  'rnli_ilb',
  'snsm_lifeboat',
  'state_vessel',
  'helicopter',
  'aircraft',
];
const SEARCH_OBJECTS = ['small_boat_10m', 'small_boat_6m', 'person_in_water', 'raft_25'];
let view = null;
const inputs = {};
const shown = { drift: null, search: null };

function errText(err) {
  return err instanceof ApiError ? err.detail : String(err);
}

function caseId() {
  return state.selectedCaseId;
}

/** The case's last positioned report: where a search starts when nothing better is known. */
function lastFix(c) {
  const fixes = (c?.reports || []).filter((r) => r.lat !== null && r.lon !== null);
  fixes.sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
  const last = fixes[fixes.length - 1];
  if (last) return { lat: last.lat, lon: last.lon, time: last.time };
  const t = c?.track_id ? state.tracks.get(c.track_id) : null;
  return t ? { lat: t.lat, lon: t.lon, time: t.last_update } : null;
}

/** Show a document (drift run or search plan) on the map and its summary in the panel. */
export function showDocument(doc) {
  const name = doc.kind === 'search_plan' ? 'search' : 'drift';
  const fc = doc.geojson || { type: 'FeatureCollection', features: [] };
  if (name === 'search') {
    // Cells are shaded by probability relative to the likeliest cell.
    const cells = fc.features.filter((f) => f.properties?.kind === 'cell');
    const max = Math.max(0, ...cells.map((f) => Number(f.properties.poc) || 0));
    for (const f of cells)
      f.properties.poc_norm = max > 0 ? (Number(f.properties.poc) || 0) / max : 0;
  }
  shown[name] = doc;
  view?.setOverlay(name, fc);
  // Fit the overlay and the boat it is about, so both stay in view.
  let bbox = bboxOf(fc);
  const c = state.cases.get(doc.case_id);
  const t = c?.track_id ? state.tracks.get(c.track_id) : null;
  for (const p of [lastFix(c), t].filter(Boolean)) {
    bbox = bbox
      ? [
          Math.min(bbox[0], p.lon),
          Math.min(bbox[1], p.lat),
          Math.max(bbox[2], p.lon),
          Math.max(bbox[3], p.lat),
        ]
      : [p.lon, p.lat, p.lon, p.lat];
  }
  if (bbox) emit('fit-bounds', bbox);
  renderShown();
}

function clear(name) {
  shown[name] = null;
  view?.setOverlay(name, null);
  renderShown();
}

function summaryList(summary) {
  const rows = Object.entries(summary || {})
    .filter(([, v]) => v === null || typeof v !== 'object')
    .slice(0, 14);
  return h(
    'dl',
    { class: 'kv' },
    rows.map(([k, v]) => [
      h('dt', { text: humanise(k) }),
      h('dd', {
        text:
          typeof v === 'number'
            ? k.endsWith('_m')
              ? fmtM(v)
              : k.startsWith('pos') || k.startsWith('prob')
                ? fmtPct(v)
                : String(Math.round(v * 1000) / 1000)
            : String(v),
      }),
    ]),
  );
}

function renderShown() {
  const box = $('#overlay-shown');
  const parts = [];
  for (const name of ['drift', 'search']) {
    const doc = shown[name];
    if (!doc) continue;
    parts.push(
      h(
        'section',
        { class: `overlay-doc overlay-${name}`, dataset: { docId: doc.doc_id } },
        h(
          'h4',
          {},
          `${name === 'drift' ? 'Drift' : 'Search plan'} ${doc.doc_id} `,
          h('button', {
            type: 'button',
            text: 'Hide',
            'aria-label': `Hide ${name} overlay`,
            onclick: () => clear(name),
          }),
        ),
        h('p', {
          class: 'muted',
          text: `${fmtDateTime(doc.created_at)}${doc.created_by ? ` by ${doc.created_by}` : ''} · ledger #${doc.ledger_index ?? '—'}`,
        }),
        summaryList(doc.summary),
      ),
    );
  }
  fill(box, ...parts);
}

async function loadDocuments() {
  const list = $('#overlay-docs');
  const id = caseId();
  if (!id) {
    fill(list, h('p', { class: 'muted', text: 'Select a case to run a drift or a search plan.' }));
    return;
  }
  if (!can.internal()) {
    fill(list);
    return;
  }
  try {
    const res = await get(`/api/cases/${encodeURIComponent(id)}/documents`);
    const items = res.items || [];
    fill(
      list,
      items.length
        ? h(
            'ul',
            { class: 'docs' },
            items.map((d) =>
              h(
                'li',
                {},
                h('button', {
                  type: 'button',
                  text: `${humanise(d.kind)} ${d.doc_id} · ${fmtDateTime(d.created_at)}`,
                  onclick: async () => {
                    try {
                      showDocument(await get(`/api/documents/${encodeURIComponent(d.doc_id)}`));
                    } catch (err) {
                      $('#overlay-result').textContent = errText(err);
                    }
                  },
                }),
              ),
            ),
          )
        : h('p', { class: 'muted', text: 'No drift run or search plan for this case yet.' }),
    );
  } catch (err) {
    list.textContent = `Documents: ${errText(err)}`;
  }
}

async function runDrift(e) {
  e.preventDefault();
  const out = $('#overlay-result');
  const id = caseId();
  if (!id) {
    out.textContent = 'Select a case first.';
    return;
  }
  const body = {
    object_class: inputs.objectClass.value.trim() || 'CHANNEL-INFLATABLE-10M',
    hours: Number(inputs.hours.value),
    particles: Number(inputs.particles.value),
    radius_m: Number(inputs.radius.value),
    seed: Number(inputs.seed.value),
  };
  const wind = [inputs.windU.value, inputs.windV.value];
  const cur = [inputs.curU.value, inputs.curV.value];
  if (wind.every((v) => v !== '')) body.wind_ms = wind.map(Number);
  if (cur.every((v) => v !== '')) body.current_ms = cur.map(Number);
  out.className = 'result';
  out.textContent = 'Running the drift…';
  $('#drift-run').disabled = true;
  try {
    const doc = await post(`/api/cases/${encodeURIComponent(id)}/drift`, body);
    out.textContent = `Drift ${doc.doc_id} ready.`;
    showDocument(doc);
    loadDocuments();
  } catch (err) {
    out.className = 'result error';
    out.textContent = `Drift not run: ${errText(err)}`;
  } finally {
    $('#drift-run').disabled = false;
  }
}

/** The nearest lifeboat station of the region layers: where the unit starts. */
function nearestStation(fix) {
  let best = null;
  let bestD = Infinity;
  for (const f of state.regionLayers?.stations?.features || []) {
    if (f.properties?.kind !== 'lifeboat_station') continue;
    const [lon, lat] = f.geometry.coordinates;
    const d = (lat - fix.lat) ** 2 + ((lon - fix.lon) * Math.cos((fix.lat * Math.PI) / 180)) ** 2;
    if (d < bestD) {
      bestD = d;
      best = { lat, lon };
    }
  }
  return best;
}

/** A search case document (docs/search.md) from the case's last fix and the form. */
function searchRequest(c) {
  const fix = lastFix(c);
  if (!fix) return null;
  const now = new Date(clockNowMs()).toISOString();
  const station = nearestStation(fix);
  return {
    case: {
      case_id: c.case_id,
      search_time: now,
      search_number: 1,
      search_object: inputs.object.value,
      scenarios: [
        {
          id: 'last-fix',
          kind: 'gaussian',
          weight: 1,
          object: inputs.object.value,
          lkp: {
            lat: fix.lat,
            lon: fix.lon,
            time: fix.time || now,
            radius_m: Number(inputs.error.value),
          },
        },
      ],
    },
    units: [
      {
        id: inputs.unitId.value.trim() || 'Unit 1',
        type: inputs.unitType.value,
        speed_kn: Number(inputs.unitSpeed.value),
        endurance_h: Number(inputs.unitEndurance.value),
        start: station || { lat: fix.lat, lon: fix.lon },
      },
    ],
  };
}

async function planSearch(e) {
  e.preventDefault();
  const out = $('#overlay-result');
  const c = state.cases.get(caseId());
  if (!c) {
    out.textContent = 'Select a case first.';
    return;
  }
  const body = searchRequest(c);
  if (!body) {
    out.textContent = 'The case has no position to search from.';
    return;
  }
  out.className = 'result';
  out.textContent = 'Planning the search…';
  $('#search-run').disabled = true;
  try {
    const doc = await post(`/api/cases/${encodeURIComponent(c.case_id)}/search-plans`, body);
    out.textContent = `Search plan ${doc.doc_id} ready.`;
    showDocument(doc);
    loadDocuments();
  } catch (err) {
    out.className = 'result error';
    out.textContent = `Search not planned: ${errText(err)}`;
  } finally {
    $('#search-run').disabled = false;
  }
}

function build() {
  const panel = $('#panel-overlays');
  // step 'any' for measured values: a step that does not divide the value would silently block
  // the form's submission.
  const n = (value, step, min, max) => h('input', { type: 'number', value, step, min, max });
  inputs.objectClass = h('input', { type: 'text', value: 'CHANNEL-INFLATABLE-10M' });
  inputs.hours = n('6', '1', '1', '72');
  inputs.particles = n('2000', '1', '100', '10000');
  inputs.radius = n('300', 'any', '0', '20000');
  inputs.seed = n('1', '1', '0', null);
  inputs.windU = n('', 'any', '-40', '40');
  inputs.windV = n('', 'any', '-40', '40');
  inputs.curU = n('', 'any', '-5', '5');
  inputs.curV = n('', 'any', '-5', '5');
  inputs.object = select(SEARCH_OBJECTS, 'small_boat_10m');
  inputs.error = n('1000', 'any', '50', '50000');
  inputs.unitId = h('input', { type: 'text', value: 'Lifeboat 1' });
  inputs.unitType = select(UNIT_TYPES, 'rnli_alb');
  inputs.unitSpeed = n('15', 'any', '1', '200');
  inputs.unitEndurance = n('4', 'any', '0.5', '48');
  fill(
    panel,
    h('h2', { class: 'sr', text: 'Drift and search' }),
    h('p', { id: 'overlay-case', class: 'boat-line' }),
    h(
      'form',
      { class: 'form', id: 'drift-form', onsubmit: runDrift },
      h('h4', { text: 'Drift from the last fix' }),
      h(
        'div',
        { class: 'grid2' },
        field('drift-class', 'Leeway class', inputs.objectClass),
        field('drift-hours', 'Hours', inputs.hours),
        field('drift-particles', 'Particles', inputs.particles),
        field('drift-radius', 'Start radius (m)', inputs.radius),
        field('drift-seed', 'Seed', inputs.seed),
        field('drift-wind-u', 'Wind east (m/s)', inputs.windU),
        field('drift-wind-v', 'Wind north (m/s)', inputs.windV),
        field('drift-cur-u', 'Current east (m/s)', inputs.curU),
        field('drift-cur-v', 'Current north (m/s)', inputs.curV),
      ),
      h('p', {
        class: 'hint',
        text: 'Forcing files configured on the server are used when they cover the run; otherwise the constant wind and current given here.',
      }),
      h('button', { type: 'submit', id: 'drift-run', text: 'Run drift' }),
    ),
    h(
      'form',
      { class: 'form', id: 'search-form', onsubmit: planSearch },
      h('h4', { text: 'Search plan' }),
      h(
        'div',
        { class: 'grid2' },
        field('search-object', 'Search object', inputs.object),
        field('search-error', 'Probable error (m)', inputs.error),
        field('search-unit', 'Unit', inputs.unitId),
        field('search-unit-type', 'Unit type', inputs.unitType),
        field('search-speed', 'Search speed (kn)', inputs.unitSpeed),
        field('search-endurance', 'Endurance (h)', inputs.unitEndurance),
      ),
      h('button', { type: 'submit', id: 'search-run', text: 'Plan search' }),
    ),
    h('p', { id: 'overlay-result', class: 'result', role: 'status' }),
    h('div', { id: 'overlay-shown' }),
    h('h4', { text: 'Documents of the case' }),
    h('div', { id: 'overlay-docs' }),
  );
}

function renderCaseLine() {
  const c = state.cases.get(caseId());
  $('#overlay-case').textContent = c
    ? `Case ${c.case_id} (${c.centre}) · ${c.status}`
    : 'No case selected (Case panel).';
  const allowed = !!c && can.drift();
  $('#drift-run').disabled = !allowed;
  $('#search-run').disabled = !allowed;
}

export function initOverlays(mapView) {
  view = mapView;
  build();
  renderCaseLine();
  loadDocuments();
  on('case-selected', () => {
    renderCaseLine();
    loadDocuments();
  });
  on('user', renderCaseLine);
  on('document', (msg) => {
    if (msg.case_id === caseId()) loadDocuments();
  });
}
