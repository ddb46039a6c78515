// The doctrine panel: for the selected boat and a proposed action, the verdict of the chosen
// policy (with safety of life always in force), its reasons and their citations; then the
// decision actually taken is recorded with the advice that was shown (its advice_id).

import { ApiError, get, post } from './api.js';
import { $, field, fill, h, select, toast } from './dom.js';
import { fmtLatLon, fmtM, humanise } from './format.js';
import { can, clockNowMs, on, state } from './state.js';
import { trackName } from './tracks.js';

const ACTIONS = [
  'monitor',
  'escort',
  'stop_before_boarding',
  'divert',
  'disable_propulsion',
  'tow',
  'rescue',
];
const DEFAULT_POLICY = 'fr-2025-11-framework';
const TRI = [
  ['', 'unknown'],
  ['true', 'yes'],
  ['false', 'no'],
];

let lastAdvice = null; // {advice_id, verdict, action, case_id}
const inputs = {};

function tri(value) {
  return value === '' ? null : value === 'true';
}

function num(value) {
  return value === '' || value === null || value === undefined ? null : Number(value);
}

function enumOrNull(value) {
  return value === '' || value === 'unknown' ? null : value;
}

/** The situation document (doctrine/schemas/situation.schema.json) from the form. */
export function situationFromForm() {
  return {
    time: new Date(clockNowMs()).toISOString(),
    position: { lat: num(inputs.lat.value), lon: num(inputs.lon.value) },
    boat: {
      kind: enumOrNull(inputs.kind.value),
      length_m: num(inputs.length.value),
      persons_aboard: num(inputs.persons.value),
      boarding: enumOrNull(inputs.boarding.value),
      engine: enumOrNull(inputs.engine.value),
      lifejackets: enumOrNull(inputs.lifejackets.value),
      taking_water: tri(inputs.water.value),
      person_in_water: tri(inputs.piw.value),
      children_aboard: tri(inputs.children.value),
    },
    environment: {
      wind_kn: num(inputs.wind.value),
      wave_m: num(inputs.wave.value),
      water_temp_c: num(inputs.sst.value),
    },
    request_for_assistance: tri(inputs.rfa.value),
    action: inputs.action.value,
  };
}

/** Advice is linked to the selected case only for the staff of the case's centre. */
function renderCaseLink() {
  const c = state.cases.get(state.selectedCaseId);
  const box = $('#doctrine-case');
  const mine = !!c && c.centre === state.user?.centre;
  inputs.linkCase.checked = mine;
  inputs.linkCase.disabled = !mine;
  box.hidden = !c;
  $('#doctrine-case-text').textContent = c
    ? mine
      ? ` record the advice and decision in case ${c.case_id}`
      : ` case ${c.case_id} is coordinated by ${c.centre_name}: advice not linked to it`
    : '';
}

function fillFromTrack() {
  const t = state.tracks.get(state.selectedTrackId);
  const who = $('#doctrine-boat');
  if (!t) {
    who.textContent = state.selectedTrackId
      ? `${state.selectedTrackId} is not in the picture: enter a position.`
      : 'No boat selected: select one, or enter a position.';
    return;
  }
  who.textContent = `${trackName(t)} (${humanise(t.kind)}) at ${fmtLatLon(t.lat, t.lon)}`;
  inputs.lat.value = t.lat.toFixed(5);
  inputs.lon.value = t.lon.toFixed(5);
  if (t.persons_estimate !== null && t.persons_estimate !== undefined) {
    inputs.persons.value = String(t.persons_estimate);
  } else if (t.kind !== 'small_boat') inputs.persons.value = '';
  if (t.kind === 'small_boat' && !inputs.kind.value) inputs.kind.value = 'inflatable';
  if (t.length_m && t.kind === 'small_boat') inputs.length.value = String(t.length_m);
}

function reasonItem(r) {
  return h(
    'li',
    { class: `reason effect-${r.effect}` },
    h('span', { class: 'effect', text: r.effect }),
    h('span', { class: 'rule', text: r.rule }),
    h('p', { class: 'reason-text', text: r.text }),
    r.unknown ? h('p', { class: 'unknown', text: `Unknown: ${r.unknown}` }) : null,
    h('cite', { class: 'citation', text: r.citation }),
  );
}

function renderVerdict(res, situation) {
  const advice = res.advice || {};
  const verdicts = advice.verdicts || {};
  const v = verdicts[situation.action] || Object.values(verdicts)[0] || advice;
  const a = advice.assessment || v.assessment || {};
  const place = advice.place || {};
  lastAdvice = {
    advice_id: res.advice_id,
    verdict: v.verdict,
    action: v.action,
    case_id: inputs.linkCase.checked ? state.selectedCaseId : null,
  };
  const policy = state.policies.find((p) => p.id === v.policy);
  fill(
    $('#verdict'),
    h(
      'div',
      { class: `verdict-head verdict-${v.verdict}`, role: 'status' },
      h('span', {
        class: 'verdict-word',
        id: 'verdict-word',
        text: String(v.verdict).toUpperCase(),
      }),
      h('span', { text: ` ${humanise(v.action)}` }),
    ),
    h('p', {
      class: 'muted',
      text: `${policy?.title || v.policy} v${v.policy_version} (${v.policy_status}) with safety of life · advice #${res.advice_id}`,
    }),
    h(
      'p',
      { class: `phase phase-${v.distress_phase}` },
      h('strong', { text: `Phase: ${v.distress_phase}` }),
      a.summary ? ` — ${a.summary}` : '',
    ),
    v.required_actions?.length
      ? h('p', {
          class: 'required',
          text: `Required: ${v.required_actions.map(humanise).join(', ')}`,
        })
      : null,
    h('h4', { text: 'Reasons and authority' }),
    h('ol', { class: 'reasons', id: 'verdict-reasons' }, (v.reasons || []).map(reasonItem)),
    place.distance_to_coast_m !== undefined
      ? h('p', {
          class: 'muted',
          text: `Place: ${fmtM(place.distance_to_coast_m)} from the ${place.coast_country || ''} coast; 200 m strip ${yn(place.in_strip_200m)}, 300 m strip ${yn(place.in_strip_300m)}; territorial sea ${place.territorial_sea || '—'}; SAR region ${place.sar_region || '—'}; ${place.daylight ? 'daylight' : 'dark'}.`,
        })
      : null,
    [...(v.assumptions || []), ...(a.assumptions || [])].length
      ? h(
          'details',
          {},
          h('summary', { text: 'Assumptions (unknown facts, taken on the safe side)' }),
          h(
            'ul',
            {},
            [...new Set([...(v.assumptions || []), ...(a.assumptions || [])])].map((x) =>
              h('li', { text: x }),
            ),
          ),
        )
      : null,
  );
  $('#decision-form').hidden = false;
  const taken = $('#decision-action');
  taken.value = v.verdict === 'prohibited' ? v.required_actions?.[0] || 'monitor' : v.action;
  $('#decision-result').textContent = '';
}

function yn(v) {
  return v === true ? 'yes' : v === false ? 'no' : 'unknown';
}

async function evaluate(e) {
  e.preventDefault();
  const out = $('#doctrine-error');
  out.textContent = '';
  const situation = situationFromForm();
  if (situation.position.lat === null || situation.position.lon === null) {
    out.textContent = 'Select a boat or enter a position first.';
    return;
  }
  const body = { situation, policy: inputs.policy.value };
  if (inputs.linkCase.checked && state.selectedCaseId) body.case_id = state.selectedCaseId;
  $('#doctrine-evaluate').disabled = true;
  try {
    const res = await post('/api/doctrine/evaluate', body);
    renderVerdict(res, situation);
  } catch (err) {
    out.textContent = `Not evaluated: ${err instanceof ApiError ? err.detail : err}`;
  } finally {
    $('#doctrine-evaluate').disabled = false;
  }
}

async function recordDecision(e) {
  e.preventDefault();
  const out = $('#decision-result');
  if (!lastAdvice) return;
  const body = {
    advice_id: lastAdvice.advice_id,
    action: $('#decision-action').value,
    note: $('#decision-note').value.trim() || undefined,
  };
  if (lastAdvice.case_id) body.case_id = lastAdvice.case_id;
  try {
    const res = await post('/api/doctrine/decisions', body);
    const against = res.decision?.against_advice || res.decision?.payload?.against_advice;
    out.className = `result ${against ? 'warn' : 'ok'}`;
    out.textContent = `Decision recorded (ledger #${res.ledger_index}): ${humanise(body.action)}${against ? ' — AGAINST the advice shown' : ''}.`;
  } catch (err) {
    out.className = 'result error';
    out.textContent = `Not recorded: ${err instanceof ApiError ? err.detail : err}`;
  }
}

export async function loadPolicies() {
  try {
    const res = await get('/api/doctrine/policies');
    state.policies = res.items || [];
  } catch (err) {
    toast(`Policies not loaded: ${err instanceof ApiError ? err.detail : err}`, 'error');
  }
  const choices = state.policies
    .filter((p) => p.id !== 'safety-of-life')
    .map((p) => [p.id, `${p.title || p.id} (${p.status})`]);
  const sel = inputs.policy;
  const keep = sel.value || DEFAULT_POLICY;
  fill(sel, ...choices.map(([v, t]) => h('option', { value: v, text: t })));
  if (choices.some(([v]) => v === keep)) sel.value = keep;
}

function build() {
  const panel = $('#panel-doctrine');
  inputs.policy = h('select');
  inputs.linkCase = h('input', { type: 'checkbox', id: 'doctrine-link-case' });
  inputs.action = select(
    ACTIONS.map((a) => [a, humanise(a)]),
    'stop_before_boarding',
  );
  inputs.lat = h('input', { type: 'number', step: 'any', min: '-90', max: '90' });
  inputs.lon = h('input', { type: 'number', step: 'any', min: '-180', max: '180' });
  inputs.kind = select([['', 'unknown'], 'inflatable', 'rib', 'rigid', 'kayak', 'other'], '');
  inputs.length = h('input', { type: 'number', step: 'any', min: '1', max: '100' });
  inputs.persons = h('input', { type: 'number', step: '1', min: '0', max: '1000' });
  inputs.boarding = select(['unknown', 'empty', 'boarding', 'loaded'], 'unknown');
  inputs.engine = select(['unknown', 'running', 'failed'], 'unknown');
  inputs.lifejackets = select(['unknown', 'all', 'some', 'none'], 'unknown');
  inputs.water = select(TRI, '');
  inputs.piw = select(TRI, '');
  inputs.children = select(TRI, '');
  inputs.rfa = select(TRI, '');
  inputs.wind = h('input', { type: 'number', step: 'any', min: '0', max: '200' });
  inputs.wave = h('input', { type: 'number', step: 'any', min: '0', max: '30' });
  inputs.sst = h('input', { type: 'number', step: 'any', min: '-2.5', max: '35' });
  const decisionAction = select(
    ACTIONS.map((a) => [a, humanise(a)]),
    'monitor',
  );
  // Evaluate and the verdict come first; the boat's facts (filled from the track, editable)
  // follow, so the answer is on screen without scrolling.
  fill(
    panel,
    h('h2', { class: 'sr', text: 'Doctrine' }),
    h('p', { id: 'doctrine-boat', class: 'boat-line' }),
    h(
      'form',
      { class: 'form', id: 'doctrine-form', onsubmit: evaluate },
      field('doctrine-policy', 'Policy', inputs.policy),
      field('doctrine-action', 'Proposed action', inputs.action),
      h(
        'label',
        { class: 'inline', id: 'doctrine-case', hidden: true },
        inputs.linkCase,
        h('span', { id: 'doctrine-case-text' }),
      ),
      h('button', { type: 'submit', id: 'doctrine-evaluate', class: 'primary', text: 'Evaluate' }),
      h('p', { id: 'doctrine-error', class: 'error', role: 'alert' }),
    ),
    h('div', { id: 'verdict', class: 'verdict', 'aria-live': 'polite' }),
    h(
      'form',
      { class: 'form', id: 'decision-form', hidden: true, onsubmit: recordDecision },
      h('h4', { text: 'Record the decision taken' }),
      field('decision-action', 'Decision', decisionAction),
      field('decision-note', 'Note', h('textarea', { rows: '2' })),
      h('button', { type: 'submit', id: 'decision-record', text: 'Record decision' }),
      h('p', { id: 'decision-result', class: 'result', role: 'status' }),
    ),
    h(
      'details',
      { class: 'facts', open: true },
      h('summary', {
        text: 'Boat and weather (blank or unknown = not known, taken on the safe side)',
      }),
      h(
        'div',
        { class: 'grid2' },
        field('doctrine-lat', 'Latitude', inputs.lat),
        field('doctrine-lon', 'Longitude', inputs.lon),
        field('doctrine-kind', 'Kind', inputs.kind),
        field('doctrine-length', 'Length (m)', inputs.length),
        field('doctrine-persons', 'Persons aboard', inputs.persons),
        field('doctrine-boarding', 'Boarding', inputs.boarding),
        field('doctrine-engine', 'Engine', inputs.engine),
        field('doctrine-lifejackets', 'Lifejackets', inputs.lifejackets),
        field('doctrine-water', 'Taking water', inputs.water),
        field('doctrine-piw', 'Person in water', inputs.piw),
        field('doctrine-children', 'Children aboard', inputs.children),
        field('doctrine-rfa', 'Asked for help', inputs.rfa),
        field('doctrine-wind', 'Wind (kn)', inputs.wind),
        field('doctrine-wave', 'Waves (m)', inputs.wave),
        field('doctrine-sst', 'Water (°C)', inputs.sst),
      ),
    ),
  );
}

export function initDoctrine() {
  build();
  fillFromTrack();
  on('case-selected', renderCaseLink);
  on('case-updated', (c) => {
    if (c.case_id === state.selectedCaseId) renderCaseLink();
  });
  on('select-track', () => {
    fillFromTrack();
    fill($('#verdict'));
    $('#decision-form').hidden = true;
    lastAdvice = null;
  });
  on('user', () => {
    renderCaseLink();
    const allowed = can.doctrine();
    $('#doctrine-evaluate').disabled = !allowed;
    $('#doctrine-error').textContent = allowed ? '' : 'Your role cannot request doctrine advice.';
  });
}
