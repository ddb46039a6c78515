// REST calls to the ChannelWatch API (docs/api.md) with the bearer token of the signed-in user.

import { emit } from './state.js';

const TOKEN_KEY = 'channelwatch.token';
// sessionStorage: one sign-in per tab, so two centres can be signed in side by side.
let token = sessionStorage.getItem(TOKEN_KEY);

export class ApiError extends Error {
  constructor(status, detail) {
    super(detail);
    this.status = status;
    this.detail = detail;
  }
}

export function getToken() {
  return token;
}

export function setToken(value) {
  token = value;
  if (value) sessionStorage.setItem(TOKEN_KEY, value);
  else sessionStorage.removeItem(TOKEN_KEY);
}

function detailText(data, status) {
  const d = data && data.detail;
  if (typeof d === 'string') return d;
  if (Array.isArray(d)) {
    // FastAPI validation errors: name the field and the message.
    return d.map((e) => `${(e.loc || []).slice(1).join('.') || 'body'}: ${e.msg}`).join('; ');
  }
  return `HTTP ${status}`;
}

export async function request(method, path, { body, params } = {}) {
  const url = new URL(path, window.location.origin);
  for (const [k, v] of Object.entries(params || {})) {
    if (v !== undefined && v !== null && v !== '') url.searchParams.set(k, v);
  }
  const headers = { Accept: 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res;
  try {
    res = await fetch(url, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (err) {
    throw new ApiError(0, `server not reachable (${err.message})`);
  }
  if (res.status === 204) return null;
  let data = null;
  try {
    data = await res.json();
  } catch {
    data = null;
  }
  if (!res.ok) {
    if (res.status === 401 && path !== '/api/auth/login') emit('unauthorized');
    throw new ApiError(res.status, detailText(data, res.status));
  }
  return data;
}

export const get = (path, params) => request('GET', path, { params });
export const post = (path, body = {}) => request('POST', path, { body });

/** Every item of a paginated list ({items, next}), up to `max`. */
export async function getAll(path, params = {}, max = 1000) {
  const items = [];
  let after;
  do {
    const page = await get(path, { ...params, after, limit: Math.min(1000, max) });
    items.push(...(page.items || []));
    after = page.next;
  } while (after && items.length < max);
  return items;
}
