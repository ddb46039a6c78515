// The picture clock (live or scenario replay time from the API) and the time slider: drag back
// to replay what this page has seen (its local history of the stream) or, before that, the
// server's stored history (GET /api/tracks?at=); L returns to live.

import { $ } from './dom.js';
import { fmtDateTime, fmtTime } from './format.js';
import { clockNowMs, emit, on, state } from './state.js';
import { beforeLocalHistory, historyReach } from './tracks.js';

export function setClock(clock) {
  state.clock = { ...clock, receivedAt: performance.now() };
  renderClock();
}

function renderClock() {
  const c = state.clock;
  $('#clock-time').textContent = c || state.pictureTime ? fmtDateTime(clockNowMs()) : '--:--:--';
  if (!c) {
    $('#clock-mode').textContent = '';
    return;
  }
  const speed = Number(c.speed) || 1;
  const parts = [c.mode === 'replay' ? 'REPLAY' : 'LIVE'];
  if (c.mode === 'replay' || speed !== 1) parts.push(`×${speed}`);
  if (!c.running) parts.push('paused');
  $('#clock-mode').textContent = parts.join(' ');
  $('#clock').dataset.mode = c.mode;
}

function renderSlider() {
  const slider = $('#time-slider');
  const now = clockNowMs();
  const start = historyReach();
  // Whole seconds, so "live" (the maximum) is a valid step of the 1 s slider.
  slider.min = String(Math.floor(Math.min(start, now) / 1000) * 1000);
  slider.max = String(Math.ceil(now / 1000) * 1000);
  const live = state.viewTime === null;
  if (live) slider.value = slider.max;
  const text = live ? 'live' : `${fmtDateTime(state.viewTime)} (history)`;
  $('#time-view').textContent = text;
  slider.setAttribute('aria-valuetext', text);
  $('#btn-live').disabled = live;
  const msg = $('#map-message');
  if (!live) {
    msg.hidden = false;
    const source = beforeLocalHistory(state.viewTime) ? ' (from the server)' : '';
    msg.textContent = `Viewing history at ${fmtTime(state.viewTime)} UTC${source} — press L for live`;
    msg.dataset.kind = 'history';
  } else if (msg.dataset.kind === 'history') {
    msg.hidden = true;
    msg.dataset.kind = '';
  }
}

export function goLive() {
  state.viewTime = null;
  renderSlider();
  emit('view-time', null);
}

export function initClock() {
  const slider = $('#time-slider');
  slider.addEventListener('input', () => {
    const v = Number(slider.value);
    state.viewTime = v >= Number(slider.max) - 1000 ? null : v;
    renderSlider();
    emit('view-time', state.viewTime);
  });
  $('#btn-live').addEventListener('click', goLive);
  on('tracks', renderSlider);
  setInterval(() => {
    renderClock();
    renderSlider();
  }, 500);
  renderClock();
  renderSlider();
}
