// Small DOM helpers. Text from the server always goes in as text nodes, never as HTML.

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'class') el.className = value;
    else if (key === 'text') el.textContent = value;
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2), value);
    } else if (key === 'value' && 'value' in el) el.value = value;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

export const $ = (selector, root = document) => root.querySelector(selector);
export const $$ = (selector, root = document) => [...root.querySelectorAll(selector)];

/** A labelled form field: returns [label, control]. */
export function field(id, label, control) {
  control.id = id;
  return h('div', { class: 'field' }, h('label', { for: id, text: label }), control);
}

export function select(options, value) {
  const el = h('select');
  for (const opt of options) {
    const [v, text] = Array.isArray(opt) ? opt : [opt, opt];
    el.append(h('option', { value: v, text, selected: v === value }));
  }
  if (value !== undefined) el.value = value;
  return el;
}

export function toast(message, kind = 'info', ms = 6000) {
  const box = document.getElementById('toasts');
  if (!box) return;
  const el = h('div', { class: `toast ${kind}`, text: message });
  box.append(el);
  setTimeout(() => el.remove(), ms);
}

/** Say something to screen readers at once (alerts of critical severity). */
export function announce(message) {
  const el = document.getElementById('announcer');
  if (el) el.textContent = message;
}

export function isTyping(target) {
  const t = target;
  if (!t || !t.tagName) return false;
  const tag = t.tagName.toLowerCase();
  return tag === 'input' || tag === 'textarea' || tag === 'select' || t.isContentEditable;
}

/** Replace an element's children, skipping null/false and flattening arrays. */
export function fill(el, ...children) {
  const nodes = children.flat(Infinity).filter((c) => c !== null && c !== undefined && c !== false);
  el.replaceChildren(...nodes);
}
