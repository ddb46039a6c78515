// Partner centres (docs/federation.md): their tracks, contacts and cases arrive in the same
// messages as ours, marked with `origin`. This module tells them apart, names them for people,
// and keeps the partner link's state in the status line.

import { get } from './api.js';
import { $ } from './dom.js';

export const CENTRE_NAME = { FR: 'CROSS Gris-Nez', GB: 'HM Coastguard Dover' };
export const OTHER_CENTRE = { FR: 'GB', GB: 'FR' };

const HEALTH_EVERY_MS = 15000;
let healthTimer = null;

export function centreName(code) {
  return CENTRE_NAME[code] || code;
}

/** The partner centre a track or contact comes from, or null for this centre's own. */
export function itemOrigin(item) {
  return item && typeof item.origin === 'string' && item.origin ? item.origin : null;
}

/** The partner centre that keeps a case, or null for a case of this server's own book.
 * Own cases have an `origin` too (the kind of their first report: call, sighting, operator),
 * so a partner's case is told by the `home_case_id` the server adds to it. */
export function caseOrigin(c) {
  if (!c || !c.home_case_id) return null;
  return c.origin || String(c.case_id).split(':')[0];
}

/** The suffix of a partner item's map label (" [FR]"), the style of "[not verified]". */
export function originSuffix(code) {
  return code ? ` [${code}]` : '';
}

/** A partner id without its centre prefix (FR:AIS-1 → AIS-1), for labels that carry the
 * suffix; anything else unchanged. */
export function localId(id, code) {
  const s = String(id ?? '');
  return code && s.startsWith(`${code}:`) ? s.slice(code.length + 1) : s;
}

/** The key of a contact in the page's state: a partner's call ids may repeat ours. */
export function contactKey(c) {
  const id = c.call_id || c.id;
  const code = itemOrigin(c);
  return code ? `${code}:${id}` : id;
}

/** The status line's federation part from GET /api/health: nothing when no federation is
 * configured; else the link to the partners, connected or not. */
export function federationStatus(health) {
  const fed = health && health.federation;
  if (!fed) return null;
  const codes = Object.keys(fed.partners || {});
  // Short on the header line; the centres' names and the counts in the tooltip.
  const who = codes.length ? codes.join(', ') : 'partner';
  const names = codes.map((c) => `${centreName(c)} (${c})`).join(', ');
  const link = fed.link;
  if (!link) return { status: 'off', text: `Link to ${who}: not running`, title: names };
  const received = codes.map((c) => `${c}: ${fed.partners[c].received ?? 0} received`);
  const title = [names, ...received, link.last_error ? `last error: ${link.last_error}` : '']
    .filter(Boolean)
    .join(' · ');
  return link.connected
    ? { status: 'up', text: `Link to ${who}: connected`, title }
    : { status: 'down', text: `Link to ${who}: DISCONNECTED`, title };
}

function renderFederation(health) {
  const el = $('#fed');
  const s = federationStatus(health);
  el.hidden = !s;
  el.textContent = s ? s.text : '';
  el.dataset.status = s ? s.status : '';
  el.title = s ? s.title : '';
}

/** Show the link state now and every 15 s while a federation is configured. */
export function watchFederation(health) {
  renderFederation(health);
  clearInterval(healthTimer);
  if (!health?.federation) return;
  healthTimer = setInterval(async () => {
    try {
      renderFederation(await get('/api/health'));
    } catch {
      const el = $('#fed');
      el.dataset.status = 'down';
      el.textContent = 'Link state unknown: the server does not answer';
    }
  }, HEALTH_EVERY_MS);
}
