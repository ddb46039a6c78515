// The alerts list: newest first, severity by colour and word, acknowledge (recorded by the API).

import { ApiError, post } from './api.js';
import { $, announce, fill, h, toast } from './dom.js';
import { fmtTime, humanise } from './format.js';
import { can, emit, on, state } from './state.js';

const MAX_ALERTS = 300;

const KIND_TEXT = {
  new_small_boat: 'New small boat',
  distress_phase: 'Distress phase raised',
  sar_line_crossed: 'Crossed the SAR line',
  ais_gap: 'AIS gap',
  taxi_boat_pickup: 'Likely taxi-boat pick-up',
  track_lost: 'Track lost',
  handover_requested: 'Handover requested',
  correlation_suggested: 'Call to place',
};

export function addAlert(alert, { fresh = false } = {}) {
  const known = state.alerts.has(alert.id);
  state.alerts.set(alert.id, alert);
  if (state.alerts.size > MAX_ALERTS) {
    const oldest = [...state.alerts.values()].sort((a, b) => byTime(b, a)).slice(MAX_ALERTS);
    for (const a of oldest) state.alerts.delete(a.id);
  }
  // A call alert names the suggestion recorded for it: list it with the calls to place even
  // when the page was not connected when the suggestion itself was sent.
  const d = alert.details || {};
  if (d.call_id && d.advice_index !== undefined && !state.suggestions.has(d.call_id)) {
    state.suggestions.set(d.call_id, {
      call_id: d.call_id,
      advice_index: d.advice_index,
      advice: null,
      message: alert.message,
    });
    emit('suggestion', state.suggestions.get(d.call_id));
  }
  if (fresh && !known && alert.severity === 'critical') {
    announce(`Critical alert: ${KIND_TEXT[alert.kind] || alert.kind}. ${alert.message || ''}`);
  }
  render();
}

function byTime(a, b) {
  return Date.parse(a.time) - Date.parse(b.time) || String(a.id).localeCompare(String(b.id));
}

async function acknowledge(alert, button) {
  button.disabled = true;
  try {
    const updated = await post(`/api/alerts/${encodeURIComponent(alert.id)}/ack`);
    addAlert(updated || { ...alert, acknowledged_by: state.user?.username });
  } catch (err) {
    button.disabled = false;
    toast(`Acknowledge failed: ${err instanceof ApiError ? err.detail : err}`, 'error');
  }
}

function open(alert) {
  if (alert.track_id) {
    emit('select-track-request', alert.track_id);
  }
  if (alert.case_id) emit('select-case', alert.case_id);
  if (alert.lat !== null && alert.lat !== undefined)
    emit('fly-to', { lon: alert.lon, lat: alert.lat });
}

function render() {
  const showAcked = $('#alerts-show-acked').checked;
  const list = [...state.alerts.values()].sort((a, b) => byTime(b, a));
  const unacked = list.filter((a) => !a.acknowledged_by);
  $('#alert-count').textContent = String(unacked.length);
  const items = list
    .filter((a) => showAcked || !a.acknowledged_by)
    .map((a) => {
      const label = KIND_TEXT[a.kind] || humanise(a.kind);
      return h(
        'li',
        {
          class: `alert sev-${a.severity}${a.acknowledged_by ? ' acked' : ''}`,
          dataset: { alertId: a.id, kind: a.kind },
        },
        h(
          'button',
          {
            type: 'button',
            class: 'alert-open',
            'aria-label': `${a.severity} ${label} at ${fmtTime(a.time)}: ${a.message || ''}`,
            onclick: () => open(a),
          },
          h('span', { class: 'sev', text: a.severity }),
          h('span', { class: 'alert-time', text: fmtTime(a.time) }),
          h('strong', { text: label }),
          h('span', { class: 'alert-msg', text: a.message || '' }),
        ),
        a.acknowledged_by
          ? h('span', { class: 'acked-by', text: `ack ${a.acknowledged_by}` })
          : can.ack()
            ? h('button', {
                type: 'button',
                class: 'ack',
                text: 'Ack',
                'aria-label': `Acknowledge ${label} at ${fmtTime(a.time)}`,
                onclick: (e) => acknowledge(a, e.currentTarget),
              })
            : null,
      );
    });
  fill($('#alert-list'), ...items);
}

export function initAlerts() {
  $('#alerts-show-acked').addEventListener('change', render);
  on('user', render);
}
