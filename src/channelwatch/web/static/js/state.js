// The page's shared state and a tiny event bus between the panel modules.

export const state = {
  user: null, // {username, role, centre, display_name}
  clock: null, // Clock from the API, plus receivedAt (ms, wall time)
  region: null, // GET /api/region
  tracks: new Map(), // track_id -> Track (the live picture)
  pictureTime: null, // time of the last picture (ISO)
  viewTime: null, // null = live; else ms of the replayed history being shown
  pastPicture: null, // {timeMs, tracks}: the server's picture before the page's own history
  selectedTrackId: null,
  selectedCaseId: null,
  cases: new Map(), // case_id -> Case
  alerts: new Map(), // alert id -> Alert
  contacts: new Map(), // call_id or id -> Contact
  suggestions: new Map(), // call_id -> {call_id, advice_index, advice}
  policies: [],
  regionLayers: null, // name -> GeoJSON of the region's layers
};

const bus = new EventTarget();

export function on(type, fn) {
  bus.addEventListener(type, (e) => fn(e.detail));
}

export function emit(type, detail) {
  bus.dispatchEvent(new CustomEvent(type, { detail }));
}

const INTERNAL = new Set(['operator', 'supervisor', 'police', 'auditor']);
const CASE_WRITERS = new Set(['operator', 'supervisor']);
const ADVISEES = new Set(['operator', 'supervisor', 'police']);

/** What the signed-in role may do (the server checks again; this only hides dead buttons). */
export const can = {
  caseCommands: () => CASE_WRITERS.has(state.user?.role),
  doctrine: () => ADVISEES.has(state.user?.role),
  ack: () => ADVISEES.has(state.user?.role),
  drift: () => CASE_WRITERS.has(state.user?.role),
  internal: () => INTERNAL.has(state.user?.role),
  supervisor: () => state.user?.role === 'supervisor',
};

/** The picture's time now (ms): the API clock advanced locally between its messages. */
export function clockNowMs() {
  const c = state.clock;
  if (!c || !c.time) return state.pictureTime ? Date.parse(state.pictureTime) : Date.now();
  const base = Date.parse(c.time);
  if (!c.running) return base;
  const speed = Number(c.speed) || 1;
  return base + (performance.now() - c.receivedAt) * speed;
}
