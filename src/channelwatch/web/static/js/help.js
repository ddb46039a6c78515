// Keyboard shortcuts (listed in the "?" overlay) and the tab panels.

import { $, fill, isTyping } from './dom.js';

export const SHORTCUTS = [
  ['?', 'Show this help'],
  ['T', 'Go to the track list (then ↑ ↓ Home End, Enter selects)'],
  ['Esc', 'Clear the selection / close a dialog'],
  ['M', 'Go to the map (arrows pan, + and - zoom)'],
  ['F', 'Centre the map on the selected boat'],
  ['H', 'Map back to the whole operating area'],
  ['A', 'Go to the alerts'],
  ['C', 'Case panel'],
  ['D', 'Doctrine panel'],
  ['S', 'Drift and search panel'],
  ['E', 'Evaluate the doctrine for the selected boat'],
  ['O', 'Open a case for the selected boat'],
  ['[ and ]', 'Step the replay slider back / forward one minute'],
  ['L', 'Back to the live picture'],
  ['W', 'Wall display (large type)'],
  ['K', 'High contrast'],
];

const TABS = ['case', 'doctrine', 'overlays'];

export function showTab(name) {
  for (const t of TABS) {
    const tab = $(`#tab-${t}`);
    const on = t === name;
    tab.setAttribute('aria-selected', on ? 'true' : 'false');
    tab.tabIndex = on ? 0 : -1;
    $(`#panel-${t}`).hidden = !on;
  }
}

export function initHelp(actions) {
  fill(
    $('#help-keys'),
    ...SHORTCUTS.map(([key, text]) => {
      const tr = document.createElement('tr');
      const th = document.createElement('th');
      const kbd = document.createElement('kbd');
      kbd.textContent = key;
      th.append(kbd);
      const td = document.createElement('td');
      td.textContent = text;
      tr.append(th, td);
      return tr;
    }),
  );
  $('#btn-help').addEventListener('click', () => $('#help').showModal());
  for (const t of TABS) {
    $(`#tab-${t}`).addEventListener('click', () => showTab(t));
  }
  // Arrow keys move between tabs (WAI-ARIA tabs pattern).
  $('.tabs').addEventListener('keydown', (e) => {
    const i = TABS.findIndex((t) => $(`#tab-${t}`) === document.activeElement);
    if (i < 0 || (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft')) return;
    const next = TABS[(i + (e.key === 'ArrowRight' ? 1 : TABS.length - 1)) % TABS.length];
    showTab(next);
    $(`#tab-${next}`).focus();
    e.preventDefault();
  });
  document.addEventListener('keydown', (e) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (document.querySelector('dialog[open]')) return; // dialogs handle their own keys
    if (e.key === 'Escape') {
      if (isTyping(e.target)) e.target.blur();
      actions.clearSelection();
      return;
    }
    if (isTyping(e.target)) return;
    const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
    const map = {
      '?': () => $('#help').showModal(),
      t: () => $('#track-list').focus(),
      m: actions.focusMap,
      f: actions.centreSelected,
      h: actions.home,
      a: () => ($('#alert-list button') || $('#alert-list')).focus(),
      c: () => (showTab('case'), $('#tab-case').focus()),
      d: () => (showTab('doctrine'), $('#tab-doctrine').focus()),
      s: () => (showTab('overlays'), $('#tab-overlays').focus()),
      e: () => (showTab('doctrine'), $('#doctrine-evaluate').click()),
      o: () => (showTab('case'), $('#case-open-for-track').click()),
      '[': () => actions.stepTime(-60000),
      ']': () => actions.stepTime(60000),
      l: actions.goLive,
      w: actions.toggleWall,
      k: actions.toggleContrast,
    };
    const fn = map[key];
    if (fn) {
      e.preventDefault();
      fn();
    }
  });
}
