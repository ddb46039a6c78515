// The case panel: open a case for the selected boat, its timeline, the calls correlated to it
// (with the suggestion and the operator's decision), handover, tasks, outcomes and closure.
// The server (and the cases package behind it) decides what is allowed; refusals are shown.
// A partner centre's case (federation) is kept by its home centre: only the handover commands
// are offered, they are sent there, and the page says so until the decision comes back.

import { ApiError, get, getAll, post } from './api.js';
import { $, field, fill, h, select, toast } from './dom.js';
import { caseOrigin, centreName, OTHER_CENTRE } from './federation.js';
import { fmtDateTime, fmtLatLon, fmtPct, fmtTime, humanise } from './format.js';
import { can, clockNowMs, emit, on, state } from './state.js';

const TASK_KINDS = ['search', 'rescue', 'escort', 'standby'];
const TASK_STATUSES = ['under_way', 'on_scene', 'complete', 'cancelled'];
const ACTIVE_TASK = new Set(['assigned', 'under_way', 'on_scene']);

let timelineTimer = null;
const decided = new Set(); // call ids the operator decided in this page
// Partner cases with a handover command sent from this page and no decision back yet:
// case_id -> {kind, request_id, before (the pending request when sent), at_ms, home}.
const awaiting = new Map();
const SENT_WORD = {
  accept: 'Acceptance',
  reject: 'Rejection',
  request: 'Handover request',
  withdraw: 'Withdrawal',
};

function caseUrl(id, tail = '') {
  return `/api/cases/${encodeURIComponent(id)}${tail}`;
}

function errText(err) {
  return err instanceof ApiError ? err.detail : String(err);
}

/** Run a case command; show the refusal in `out` (409: the rules said no, and it is recorded).
 * `keepCase`: do not take the answer's case (a partner's: it is the case as it was, and the
 * decision may already have come back on the stream). */
async function command(path, body, out, okText, { keepCase = false } = {}) {
  out.textContent = '';
  out.className = 'result';
  try {
    const res = await post(path, body);
    const c = res?.case || (res && res.case_id ? res : null);
    if (c && !keepCase) upsertCase(c);
    if (okText) {
      out.textContent = okText;
      out.classList.add('ok');
    }
    return res;
  } catch (err) {
    out.textContent = err.status === 409 ? `Refused: ${errText(err)}` : `Error: ${errText(err)}`;
    out.classList.add('error');
    return null;
  }
}

/** A handover command on a case: on a partner's case it goes to the home centre, whose book
 * decides; the answer is the case unchanged, so say where it went and wait for the decision. */
async function handoverCommand(c, kind, body, okText) {
  const out = $('#handover-result');
  const home = caseOrigin(c);
  const path = caseUrl(c.case_id, `/handover/${kind}`);
  if (!home) return command(path, body, out, okText);
  const res = await command(path, body, out, null, { keepCase: true });
  if (!res) return null;
  const sent = {
    kind,
    request_id: body.request_id ?? null,
    before: c.pending_handover ?? null,
    at_ms: clockNowMs(),
    home,
  };
  awaiting.set(c.case_id, sent);
  out.textContent = `${SENT_WORD[kind]} sent to ${centreName(home)} at ${fmtTime(sent.at_ms)}: waiting for its decision.`;
  out.className = 'result waiting';
  settle(state.cases.get(c.case_id) || c); // the decision may have come back already
  if (awaiting.has(c.case_id) && c.case_id === state.selectedCaseId) renderCase();
  return res;
}

/** The home centre's decision on a command this page sent, if the case shows it. */
function settle(c) {
  const w = awaiting.get(c.case_id);
  if (!w) return;
  let text = null;
  if (w.kind === 'request') {
    if (c.pending_handover && c.pending_handover !== w.before) {
      const req = (c.handovers || []).find((x) => x.request_id === c.pending_handover);
      text = `${centreName(w.home)} recorded the handover request${req ? ` ${req.from_centre} → ${req.to_centre}` : ''}.`;
    }
  } else if (c.pending_handover !== w.request_id) {
    const req = (c.handovers || []).find((x) => x.request_id === w.request_id);
    text = `${centreName(w.home)} recorded the handover as ${req ? req.status : 'decided'}: ${centreName(c.centre)} coordinates case ${c.case_id}.`;
  }
  if (text) finish(c.case_id, text, 'ok');
}

function finish(caseId, text, kind) {
  awaiting.delete(caseId);
  if (caseId === state.selectedCaseId) {
    const out = $('#handover-result');
    out.textContent = text;
    out.className = `result ${kind}`;
  } else {
    toast(`Case ${caseId}: ${text}`, kind === 'ok' ? 'info' : 'warn');
  }
}

export function upsertCase(c) {
  state.cases.set(c.case_id, c);
  settle(c);
  emit('case-updated', c);
  renderSelect();
  renderSuggestions();
  if (c.case_id === state.selectedCaseId) {
    renderCase();
    scheduleTimeline();
  }
}

export async function loadCases() {
  try {
    const items = await getAll('/api/cases');
    for (const c of items) state.cases.set(c.case_id, c);
  } catch (err) {
    toast(`Cases not loaded: ${errText(err)}`, 'error');
  }
  renderSelect();
  renderCase();
  // A suggestion that arrived before the cases did may be about a call a case already holds.
  renderSuggestions();
}

function selectCase(id) {
  state.selectedCaseId = id || null;
  const sel = $('#case-select');
  if (sel && sel.value !== (id || '')) sel.value = id || '';
  renderCase();
  scheduleTimeline(0);
  emit('case-selected', state.selectedCaseId);
}

function renderSelect() {
  const sel = $('#case-select');
  if (!sel) return;
  const cases = [...state.cases.values()].sort(
    (a, b) =>
      (a.status === 'open' ? 0 : 1) - (b.status === 'open' ? 0 : 1) ||
      Date.parse(b.opened_at) - Date.parse(a.opened_at),
  );
  const opts = [h('option', { value: '', text: cases.length ? '— choose a case —' : 'no cases' })];
  const option = (c) =>
    h('option', {
      value: c.case_id,
      text: `${c.case_id} · ${c.status} · ${c.centre} · ${c.phase || 'no phase'}`,
    });
  opts.push(...cases.filter((c) => !caseOrigin(c)).map(option));
  // A partner's cases in a group named for the centre that keeps them.
  const homes = [...new Set(cases.map(caseOrigin).filter(Boolean))].sort();
  for (const home of homes) {
    opts.push(
      h(
        'optgroup',
        { label: `Kept by ${centreName(home)} (${home}, partner)` },
        cases.filter((c) => caseOrigin(c) === home).map(option),
      ),
    );
  }
  fill(sel, ...opts);
  sel.value = state.selectedCaseId || '';
}

/** The report an operator makes when opening a case from a track in the picture. */
function reportFromTrack(t) {
  return {
    report_id: `pic-${t.track_id}-${Math.round(clockNowMs() / 1000)}`,
    kind: 'operator',
    time: new Date(clockNowMs()).toISOString(),
    lat: t.lat,
    lon: t.lon,
    accuracy_m: t.position_sigma_m ?? null,
    persons: t.persons_estimate ?? null,
    description: `${humanise(t.kind)} ${t.name || t.track_id} in the picture`,
  };
}

async function openForTrack() {
  const out = $('#case-open-result');
  const t = state.tracks.get(state.selectedTrackId);
  if (!t) {
    out.textContent = 'Select a boat first (click it, or Enter in the track list).';
    out.className = 'result error';
    return;
  }
  const report = reportFromTrack(t);
  out.className = 'result';
  out.textContent = 'Checking the open cases for the same boat…';
  let suggestion;
  try {
    suggestion = await post('/api/cases/suggest', { report });
  } catch (err) {
    out.textContent = `Error: ${errText(err)}`;
    out.className = 'result error';
    return;
  }
  const advice = suggestion.advice;
  const open = async () => {
    const res = await command(
      '/api/cases',
      { report, advice_index: suggestion.advice_index, reason: 'opened from the picture' },
      out,
    );
    if (!res) return;
    const id = res.case.case_id;
    await command(caseUrl(id, '/track'), { track_id: t.track_id }, out);
    out.textContent = `Case ${id} opened for ${t.track_id}.`;
    out.className = 'result ok';
    selectCase(id);
  };
  if (advice.verdict === 'new' || !advice.case_id) {
    await open();
    return;
  }
  // The advice says this may be a known boat: the operator decides, with the advice shown.
  fill(
    out,
    h('p', {
      text: `Correlation: ${advice.verdict.toUpperCase()} as case ${advice.case_id} (p(new) = ${fmtPct(advice.p_new)}).`,
    }),
    h('button', {
      type: 'button',
      text: `Attach to ${advice.case_id}`,
      onclick: async () => {
        const res = await command(
          caseUrl(advice.case_id, '/reports'),
          { report, advice_index: suggestion.advice_index, reason: 'same boat as the case' },
          out,
          `Attached to ${advice.case_id}.`,
        );
        if (res) selectCase(advice.case_id);
      },
    }),
    h('button', { type: 'button', text: 'Open a new case anyway', onclick: open }),
  );
}

function kv(pairs) {
  return h(
    'dl',
    { class: 'kv' },
    pairs.filter(Boolean).map(([k, v]) => [h('dt', { text: k }), h('dd', { text: v ?? '—' })]),
  );
}

function personsBlock(p) {
  if (!p) return null;
  const range =
    p.reported_low === null || p.reported_low === undefined
      ? 'none reported'
      : p.reported_low === p.reported_high
        ? String(p.reported_low)
        : `${p.reported_low}–${p.reported_high} (best ${p.reported_best})`;
  return h(
    'div',
    { class: 'persons', id: 'case-persons' },
    h('h4', { text: 'Persons' }),
    kv([
      ['Reported', range],
      ['Figure to account for', p.figure === null ? 'unknown' : String(p.figure)],
      ['Rescued', String(p.rescued ?? 0)],
      ['Landed', String(p.landed ?? 0)],
      ['Deceased', String(p.deceased ?? 0)],
      ['Missing', p.missing === null ? 'unknown' : String(p.missing)],
      p.claimed_unverified ? ['Claimed, unverified', String(p.claimed_unverified)] : null,
    ]),
  );
}

function handoverBlock(c) {
  const pending = (c.handovers || []).find((x) => x.request_id === c.pending_handover);
  const me = state.user?.centre;
  const items = [];
  const sent = awaiting.get(c.case_id);
  const waiting = sent
    ? h('p', {
        class: 'waiting',
        id: 'handover-waiting',
        text: `${SENT_WORD[sent.kind]} sent to ${centreName(sent.home)} at ${fmtTime(sent.at_ms)}: waiting for its decision (the case changes here when it comes back).`,
      })
    : null;
  if (waiting && !pending) items.push(waiting);
  if (pending) {
    // Nothing to decide again while this page's answer is on its way to the home centre.
    const mayDecide = can.caseCommands() && me === pending.to_centre && !sent;
    const mayWithdraw = can.caseCommands() && me === pending.from_centre && !sent;
    items.push(
      h(
        'div',
        {
          class: 'pending-handover',
          id: 'pending-handover',
          role: 'group',
          'aria-label': 'Pending handover',
        },
        h('p', {
          class: 'warn',
          text: `Handover requested ${pending.from_centre} → ${pending.to_centre} at ${fmtTime(pending.requested_at)} by ${pending.requested_by || 'the system'}${pending.reason ? `: ${pending.reason}` : ''}. Expires ${fmtTime(pending.expires_at)}.`,
        }),
        mayDecide
          ? [
              h('button', {
                type: 'button',
                id: 'handover-accept',
                class: 'primary',
                text: `Accept coordination for ${centreName(me)}`,
                onclick: () =>
                  handoverCommand(
                    c,
                    'accept',
                    { request_id: pending.request_id },
                    'Handover accepted.',
                  ),
              }),
              h('button', {
                type: 'button',
                id: 'handover-reject',
                text: 'Reject…',
                onclick: () => {
                  const reason = $('#handover-reason').value.trim();
                  if (!reason) {
                    $('#handover-result').textContent =
                      'Give the reason for rejecting in the field below.';
                    $('#handover-reason').focus();
                    return;
                  }
                  handoverCommand(
                    c,
                    'reject',
                    { reason, request_id: pending.request_id },
                    'Handover rejected.',
                  );
                },
              }),
            ]
          : sent
            ? waiting
            : h('p', {
                class: 'muted',
                text: `Only a user of ${centreName(pending.to_centre)} can accept.`,
              }),
        mayWithdraw
          ? h('button', {
              type: 'button',
              text: 'Withdraw',
              onclick: () =>
                handoverCommand(
                  c,
                  'withdraw',
                  {
                    reason: $('#handover-reason').value.trim() || 'withdrawn',
                    request_id: pending.request_id,
                  },
                  'Request withdrawn.',
                ),
            })
          : null,
      ),
    );
  }
  const past = (c.handovers || []).filter((x) => x.request_id !== c.pending_handover);
  if (past.length) {
    items.push(
      h(
        'ul',
        { class: 'handover-history' },
        past.map((x) =>
          h('li', {
            text: `${fmtTime(x.requested_at)} ${x.from_centre} → ${x.to_centre}: ${x.status}${x.resolved_by ? ` by ${x.resolved_by}` : ''}${x.reason ? ` (${x.reason})` : ''}`,
          }),
        ),
      ),
    );
  }
  return items;
}

function tasksBlock(c) {
  if (!(c.tasks || []).length) return h('p', { class: 'muted', text: 'No task.' });
  const mayUpdate = can.caseCommands() && !caseOrigin(c);
  return h(
    'table',
    { class: 'tasks' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ['Asset', 'Task', 'Status', ''].map((t) => h('th', { text: t })),
      ),
    ),
    h(
      'tbody',
      {},
      c.tasks.map((k) => {
        const sel = select([['', 'update…'], ...TASK_STATUSES.map((s) => [s, humanise(s)])], '');
        sel.setAttribute('aria-label', `New status of ${k.asset}`);
        sel.addEventListener('change', () => {
          if (sel.value) {
            command(
              caseUrl(c.case_id, `/tasks/${encodeURIComponent(k.task_id)}`),
              { status: sel.value },
              $('#task-result'),
              `${k.asset}: ${humanise(sel.value)}.`,
            );
          }
        });
        return h(
          'tr',
          {},
          h('td', { text: k.asset }),
          h('td', { text: k.kind }),
          h('td', { text: humanise(k.status) }),
          h('td', {}, mayUpdate && ACTIVE_TASK.has(k.status) ? sel : null),
        );
      }),
    ),
  );
}

function outcomesBlock(c) {
  const list = c.outcomes || [];
  if (!list.length) return h('p', { class: 'muted', text: 'No outcome recorded.' });
  return h(
    'ul',
    { class: 'outcomes' },
    list.map((o) =>
      h(
        'li',
        { class: o.retracted ? 'retracted' : '' },
        `${o.count} ${o.kind}${o.by ? ` by ${o.by}` : ''}${o.where ? ` at ${o.where}` : ''} — ${o.source}, `,
        o.verified
          ? `verified (${o.evidence_ref || 'evidence'})`
          : h('strong', { text: 'unverified' }),
        o.retracted ? ` — retracted: ${o.retraction_reason || ''}` : '',
        !o.verified && !o.retracted && can.caseCommands() && !caseOrigin(c)
          ? h('button', {
              type: 'button',
              text: 'Verify…',
              onclick: () => {
                const ref = $('#outcome-evidence').value.trim();
                if (!ref) {
                  $('#outcome-result').textContent = 'Enter the evidence reference first.';
                  $('#outcome-evidence').focus();
                  return;
                }
                command(
                  caseUrl(c.case_id, `/outcomes/${encodeURIComponent(o.outcome_id)}/verify`),
                  { evidence_ref: ref },
                  $('#outcome-result'),
                  'Verified.',
                );
              },
            })
          : null,
      ),
    ),
  );
}

function reportsBlock(c) {
  const reports = c.reports || [];
  if (!reports.length) return h('p', { class: 'muted', text: 'No report.' });
  return h(
    'ol',
    { class: 'reports', id: 'case-reports' },
    reports.map((r) =>
      h(
        'li',
        {},
        h('strong', { text: `${r.kind} ${r.report_id}` }),
        ` ${fmtTime(r.time)} · ${fmtLatLon(r.lat, r.lon)}`,
        r.persons !== null && r.persons !== undefined ? ` · ${r.persons} persons` : '',
        r.water_coming_in ? ' · water coming in' : '',
        r.engine && r.engine !== 'unknown' ? ` · engine ${r.engine}` : '',
        r.description ? h('div', { class: 'muted', text: r.description }) : null,
      ),
    ),
  );
}

function trackOfCase(caseId) {
  for (const t of state.tracks.values()) if (t.case_id === caseId) return t.track_id;
  return null;
}

function renderCase() {
  const body = $('#case-body');
  if (!body) return;
  const c = state.cases.get(state.selectedCaseId);
  $('#case-actions').hidden = !c || !can.caseCommands();
  $('#note-form').hidden = !c || !can.doctrine();
  $('#case-open-for-track').disabled = !can.caseCommands() || !state.selectedTrackId;
  if (!c) {
    fill(
      body,
      h('p', {
        class: 'hint',
        text: 'No case selected. Choose one above, or select a boat and open a case for it.',
      }),
    );
    return;
  }
  const closed = c.status !== 'open';
  const home = caseOrigin(c);
  fill(
    body,
    h(
      'h3',
      { id: 'case-title' },
      `Case ${c.case_id} `,
      home
        ? [
            h('span', {
              class: 'badge origin',
              id: 'case-origin',
              text: `partner ${home}`,
              title: `Kept by ${centreName(home)}`,
            }),
            ' ',
          ]
        : null,
      h('span', { class: `badge status-${c.status}`, text: c.status }),
      ' ',
      h('span', { class: `badge phase-${c.phase || 'none'}`, text: c.phase || 'no phase' }),
    ),
    home
      ? h('p', {
          class: 'partner-note',
          id: 'case-partner-note',
          text: `Kept by ${centreName(home)} (its case ${c.home_case_id}): its book decides. From here you can accept, reject, request or withdraw a handover, which is sent there, and add internal notes, which stay here.`,
        })
      : null,
    kv([
      ['Coordinating centre', `${c.centre_name} (${c.centre})`],
      ['Opened', `${fmtDateTime(c.opened_at)}${c.opened_by ? ` by ${c.opened_by}` : ''}`],
      home ? ['Kept by', `${centreName(home)} (${home}), partner centre`] : ['Opened from', c.origin],
      // A partner's case comes without its track; the partner's picture may show it.
      ['Track', c.track_id || trackOfCase(c.case_id) || 'none'],
      c.possibly_same_as?.length ? ['Possibly same boat as', c.possibly_same_as.join(', ')] : null,
      c.closure ? ['Closure', `${c.closure.kind} at ${fmtTime(c.closure.time)}`] : null,
      c.closure?.evidence_refs?.length ? ['Evidence', c.closure.evidence_refs.join(', ')] : null,
    ]),
    personsBlock(c.persons),
    h('h4', { text: 'Coordination' }),
    h('div', { id: 'case-coordination', 'data-centre': c.centre }, handoverBlock(c)),
    h('h4', { text: 'Calls and sightings' }),
    reportsBlock(c),
    h('h4', { text: 'Tasks' }),
    tasksBlock(c),
    h('h4', { text: 'Outcomes' }),
    outcomesBlock(c),
    c.notes?.length
      ? [
          h('h4', { text: 'Internal notes' }),
          h(
            'ul',
            { class: 'notes' },
            c.notes.map((n) => h('li', { text: `${fmtTime(n.time)} ${n.by}: ${n.text}` })),
          ),
        ]
      : null,
  );
  const waiting = awaiting.has(c.case_id);
  // Only the coordinating centre hands a case over (the server refuses anyone else).
  $('#handover-request').hidden =
    !!c.pending_handover || closed || waiting || state.user?.centre !== c.centre;
  const other = OTHER_CENTRE[c.centre];
  $('#handover-request').textContent = other
    ? `Request handover to ${centreName(other)}${home && home !== other ? ` (sent to ${centreName(home)})` : ''}`
    : 'Request handover';
  // A partner's case takes only handover commands (the server refuses the rest with 409).
  $('#task-form').hidden = !!home;
  $('#outcome-form').hidden = !!home;
  $('#close-form').hidden = closed || !!home;
  $('#reopen-form').hidden = !closed || !!home;
  $('#suspend-case').hidden = closed || !can.supervisor() || !!home;
}

function renderTimeline(events) {
  const box = $('#case-timeline');
  if (!events) {
    fill(box, h('p', { class: 'muted', text: 'Timeline not available for this role.' }));
    return;
  }
  fill(
    box,
    h(
      'ol',
      { class: 'timeline', 'aria-label': 'Case timeline, oldest first' },
      events.map((e) =>
        h(
          'li',
          {},
          h('time', { datetime: e.time, text: fmtTime(e.time) }),
          h('strong', { text: ` ${humanise(e.type)}` }),
          e.actor ? h('span', { class: 'muted', text: ` · ${e.actor}` }) : null,
          h('span', { class: 'muted', text: ` · #${e.index}` }),
          summary(e) ? h('div', { class: 'event-summary', text: summary(e) }) : null,
        ),
      ),
    ),
  );
}

function summary(e) {
  const p = e.payload || {};
  const bits = [];
  for (const key of [
    'reason',
    'to_centre',
    'from_centre',
    'status',
    'decision',
    'verdict',
    'phase',
  ]) {
    if (p[key] !== undefined && p[key] !== null && typeof p[key] !== 'object') {
      bits.push(`${humanise(key)}: ${p[key]}`);
    }
  }
  if (p.report?.report_id) bits.push(`report ${p.report.report_id}`);
  if (p.advice?.verdict) bits.push(`advice ${p.advice.verdict}`);
  if (p.against_advice) bits.push('AGAINST ADVICE');
  return bits.join(' · ');
}

function scheduleTimeline(delay = 400) {
  clearTimeout(timelineTimer);
  timelineTimer = setTimeout(loadTimeline, delay);
}

async function loadTimeline() {
  const id = state.selectedCaseId;
  if (!id) {
    fill($('#case-timeline'));
    return;
  }
  if (!can.internal()) {
    renderTimeline(null);
    return;
  }
  try {
    const res = await get(caseUrl(id, '/events'));
    if (state.selectedCaseId !== id) return;
    renderTimeline(res.items || []);
  } catch (err) {
    if (err.status === 403) renderTimeline(null);
    else $('#case-timeline').textContent = `Timeline: ${errText(err)}`;
  }
}

/** The report behind a call suggestion: the one the server made of the call (GET
 * /api/suggestions), else from the contacts the stream brought. */
function reportForCall(callId) {
  const s = state.suggestions.get(callId);
  if (s?.report) return s.report;
  const c = state.contacts.get(callId);
  if (!c) return { report_id: callId, kind: 'call', time: new Date(clockNowMs()).toISOString() };
  return {
    report_id: callId,
    kind: 'call',
    time: c.time,
    lat: c.lat,
    lon: c.lon,
    accuracy_m: c.accuracy_m ?? null,
    persons: c.persons_reported ?? null,
    water_coming_in: c.water_coming_in ?? null,
    engine: c.engine ?? null,
    received_by: c.received_by ?? null,
  };
}

function placedCalls() {
  const ids = new Set(decided);
  for (const c of state.cases.values()) for (const r of c.reports || []) ids.add(r.report_id);
  return ids;
}

function suggestionItem(s) {
  const a = s.advice || {};
  const out = h('p', { class: 'result', role: 'status' });
  const report = reportForCall(s.call_id);
  const decide = async (path, body, text) => {
    const res = await command(path, body, out, text);
    if (res) {
      decided.add(s.call_id);
      renderSuggestions();
      if (res.case) selectCase(res.case.case_id);
    }
  };
  const attach = (caseId) =>
    decide(
      caseUrl(caseId, '/reports'),
      { report, advice_index: s.advice_index },
      `Attached to ${caseId}.`,
    );
  // A call can join only a case of this centre's book (a partner's case takes no report).
  const openCases = [...state.cases.values()].filter(
    (c) => c.status === 'open' && !caseOrigin(c),
  );
  const other = select(
    [
      ['', 'attach to another case…'],
      ...openCases.map((c) => [c.case_id, `${c.case_id} (${c.centre})`]),
    ],
    '',
  );
  other.setAttribute('aria-label', `Attach call ${s.call_id} to a case of my choice`);
  other.addEventListener('change', () => other.value && attach(other.value));
  const advice = s.advice
    ? `Suggestion: ${String(a.verdict || '?').toUpperCase()}${a.case_id ? ` — case ${a.case_id}` : ''} (p(new boat) = ${fmtPct(a.p_new)})`
    : `Suggestion recorded (#${s.advice_index}): ${s.message || 'see the alert'}`;
  return h(
    'li',
    { dataset: { callId: s.call_id } },
    h('strong', { text: `Call ${s.call_id}` }),
    ` ${fmtTime(report.time)} · ${fmtLatLon(report.lat, report.lon)}`,
    report.persons ? ` · ${report.persons} persons` : '',
    h('div', { text: advice }),
    (a.candidates || []).length
      ? h(
          'div',
          { class: 'muted' },
          a.candidates
            .map(
              (k) =>
                `${k.case_id}: ${fmtPct(k.probability)}${k.distance_m !== null ? `, ${Math.round(k.distance_m)} m` : ''}`,
            )
            .join(' · '),
        )
      : null,
    can.caseCommands() && a.case_id
      ? h('button', {
          type: 'button',
          text: `Attach to ${a.case_id}`,
          onclick: () => attach(a.case_id),
        })
      : null,
    can.caseCommands()
      ? h('button', {
          type: 'button',
          text: 'Open a new case',
          onclick: () =>
            decide(
              '/api/cases',
              {
                report,
                advice_index: s.advice_index,
                possibly_same_as: a.possibly_same_as || [],
              },
              'New case opened.',
            ),
        })
      : null,
    can.caseCommands() && openCases.length ? other : null,
    out,
  );
}

function renderSuggestions() {
  const box = $('#case-calls');
  if (!box) return;
  const placed = placedCalls();
  const pending = [...state.suggestions.values()].filter((s) => !placed.has(s.call_id));
  if (!pending.length) {
    fill(box, h('p', { class: 'muted', text: 'No call waiting to be placed.' }));
    return;
  }
  fill(box, h('ul', { class: 'suggestions' }, pending.map(suggestionItem)));
}

function buildPanel() {
  const panel = $('#panel-case');
  const sel = h('select', { id: 'case-select', 'aria-label': 'Case' });
  sel.addEventListener('change', () => selectCase(sel.value));
  const reason = h('input', { type: 'text', placeholder: 'reason (required to reject)' });
  const taskAsset = h('input', { type: 'text', placeholder: 'e.g. RNLI Dover ALB' });
  const taskKind = select(TASK_KINDS, 'rescue');
  const outKind = select(['rescued', 'landed', 'deceased'], 'rescued');
  const outCount = h('input', { type: 'number', min: '0', step: '1', value: '1' });
  const outSource = h('input', { type: 'text', placeholder: 'who reports it' });
  const outBy = h('input', { type: 'text', placeholder: 'rescue unit (rescued)' });
  const outVerified = h('input', { type: 'checkbox' });
  const outEvidence = h('input', { type: 'text', placeholder: 'e.g. unit report id' });
  const closeReason = h('input', { type: 'text', placeholder: 'reason' });
  const closeEvidence = h('input', { type: 'text', placeholder: 'evidence refs, comma separated' });
  const reopenReason = h('input', { type: 'text', placeholder: 'reason' });
  const noteText = h('textarea', {
    rows: '2',
    placeholder: 'internal note (never shared with partners)',
  });
  const current = () => state.selectedCaseId;

  fill(
    panel,
    h('h2', { class: 'sr', text: 'Case' }),
    h(
      'div',
      { class: 'row' },
      sel,
      h('button', {
        type: 'button',
        id: 'case-open-for-track',
        class: 'primary',
        text: 'Open case for selected boat',
        onclick: openForTrack,
      }),
    ),
    h('div', { id: 'case-open-result', class: 'result', role: 'status' }),
    h('div', { id: 'case-body' }),
    h(
      'div',
      { id: 'case-actions' },
      h(
        'form',
        {
          class: 'form',
          id: 'handover-form',
          onsubmit: (e) => {
            e.preventDefault();
            const c = state.cases.get(current());
            if (!c) return;
            handoverCommand(
              c,
              'request',
              {
                reason: reason.value.trim() || 'coordination by the other centre',
                to_centre: OTHER_CENTRE[c.centre],
              },
              'Handover requested.',
            );
          },
        },
        field('handover-reason', 'Handover reason', reason),
        h('button', { type: 'submit', id: 'handover-request', text: 'Request handover' }),
        h('p', { id: 'handover-result', class: 'result', role: 'status' }),
      ),
      h(
        'form',
        {
          class: 'form',
          id: 'task-form',
          onsubmit: (e) => {
            e.preventDefault();
            if (!taskAsset.value.trim()) return;
            command(
              caseUrl(current(), '/tasks'),
              { asset: taskAsset.value.trim(), kind: taskKind.value },
              $('#task-result'),
              'Task assigned.',
            );
          },
        },
        h('h4', { text: 'Assign a task' }),
        field('task-asset', 'Asset', taskAsset),
        field('task-kind', 'Task', taskKind),
        h('button', { type: 'submit', text: 'Assign' }),
        h('p', { id: 'task-result', class: 'result', role: 'status' }),
      ),
      h(
        'form',
        {
          class: 'form',
          id: 'outcome-form',
          onsubmit: (e) => {
            e.preventDefault();
            const body = {
              kind: outKind.value,
              count: Number(outCount.value),
              source: outSource.value.trim() || state.user?.username,
              verified: outVerified.checked,
            };
            if (outEvidence.value.trim()) body.evidence_ref = outEvidence.value.trim();
            if (outBy.value.trim()) body.by = outBy.value.trim();
            if (!body.verified) body.refers_to = current();
            command(
              caseUrl(current(), '/outcomes'),
              body,
              $('#outcome-result'),
              'Outcome recorded.',
            );
          },
        },
        h('h4', { text: 'Record an outcome' }),
        field('outcome-kind', 'Outcome', outKind),
        field('outcome-count', 'Persons', outCount),
        field('outcome-source', 'Source', outSource),
        field('outcome-by', 'By', outBy),
        h('label', { class: 'inline' }, outVerified, ' verified'),
        field('outcome-evidence', 'Evidence reference', outEvidence),
        h('button', { type: 'submit', text: 'Record' }),
        h('p', { id: 'outcome-result', class: 'result', role: 'status' }),
      ),
      h(
        'form',
        {
          class: 'form',
          id: 'close-form',
          onsubmit: (e) => {
            e.preventDefault();
            command(
              caseUrl(current(), '/close'),
              {
                reason: closeReason.value.trim() || 'all persons accounted for',
                evidence_refs: closeEvidence.value
                  .split(',')
                  .map((x) => x.trim())
                  .filter(Boolean),
              },
              $('#close-result'),
              'Case closed.',
            );
          },
        },
        h('h4', { text: 'Close (every person accounted for)' }),
        field('close-reason', 'Reason', closeReason),
        field('close-evidence', 'Evidence', closeEvidence),
        h('button', { type: 'submit', text: 'Close case' }),
        h('button', {
          type: 'button',
          id: 'suspend-case',
          text: 'Suspend search (supervisor)',
          onclick: () => {
            if (!closeReason.value.trim()) {
              $('#close-result').textContent = 'Give the reason for suspending.';
              closeReason.focus();
              return;
            }
            command(
              caseUrl(current(), '/suspend'),
              { reason: closeReason.value.trim() },
              $('#close-result'),
              'Search suspended.',
            );
          },
        }),
        h('p', { id: 'close-result', class: 'result', role: 'status' }),
      ),
      h(
        'form',
        {
          class: 'form',
          id: 'reopen-form',
          onsubmit: (e) => {
            e.preventDefault();
            command(
              caseUrl(current(), '/reopen'),
              { reason: reopenReason.value.trim() || 'reopened' },
              $('#reopen-result'),
              'Case reopened.',
            );
          },
        },
        field('reopen-reason', 'Reopen: reason', reopenReason),
        h('button', { type: 'submit', text: 'Reopen' }),
        h('p', { id: 'reopen-result', class: 'result', role: 'status' }),
      ),
    ),
    h(
      'form',
      {
        class: 'form',
        id: 'note-form',
        onsubmit: (e) => {
          e.preventDefault();
          if (!noteText.value.trim() || !current()) return;
          command(
            caseUrl(current(), '/notes'),
            { text: noteText.value.trim() },
            $('#note-result'),
            'Note added.',
          ).then((res) => {
            if (res) noteText.value = '';
          });
        },
      },
      field('note-text', 'Internal note', noteText),
      h('button', { type: 'submit', text: 'Add note' }),
      h('p', { id: 'note-result', class: 'result', role: 'status' }),
    ),
    h('h3', { text: 'Timeline' }),
    h('div', { id: 'case-timeline' }),
    h('h3', { text: 'Calls to place' }),
    h('div', { id: 'case-calls' }),
  );
}

export function initCases() {
  buildPanel();
  renderSelect();
  renderCase();
  renderSuggestions();
  on('select-case', (id) => {
    if (id && id !== state.selectedCaseId) selectCase(id);
  });
  on('select-track', (id) => {
    $('#case-open-for-track').disabled = !can.caseCommands() || !id;
    const t = id ? state.tracks.get(id) : null;
    if (t?.case_id && t.case_id !== state.selectedCaseId) selectCase(t.case_id);
  });
  on('user', () => {
    buildPanel();
    renderSelect();
    renderCase();
    renderSuggestions();
  });
  on('suggestion', renderSuggestions);
  // The home centre refused a command this page sent about its case.
  on('case-refused', (msg) => {
    const w = awaiting.get(msg.case_id);
    if (!w) return;
    finish(msg.case_id, `Refused by ${centreName(w.home)}: ${msg.error}`, 'error');
    if (msg.case_id === state.selectedCaseId) renderCase();
  });
  on('contacts', renderSuggestions);
  on('note', (msg) => {
    const c = state.cases.get(msg.case_id);
    if (!c) return;
    c.notes = [...(c.notes || []), msg.note];
    if (msg.case_id === state.selectedCaseId) renderCase();
  });
}
