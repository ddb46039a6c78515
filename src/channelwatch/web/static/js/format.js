// Formatting for people: UTC times, positions in degrees and decimal minutes, units in labels.

export const KIND_LABEL = {
  ship: 'Ship',
  small_boat: 'Small boat',
  rescue: 'Rescue',
  patrol: 'Patrol',
  unknown: 'Unknown',
};

const pad = (n, w = 2) => String(n).padStart(w, '0');

export function toDate(t) {
  if (t instanceof Date) return t;
  if (typeof t === 'number') return new Date(t);
  return t ? new Date(t) : null;
}

export function fmtTime(t) {
  const d = toDate(t);
  if (!d || Number.isNaN(d.getTime())) return '—';
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

export function fmtDateTime(t) {
  const d = toDate(t);
  if (!d || Number.isNaN(d.getTime())) return '—';
  const day = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  return `${day} ${fmtTime(d)} UTC`;
}

function ddm(value, pos, neg, degWidth) {
  const hemi = value >= 0 ? pos : neg;
  const a = Math.abs(value);
  let deg = Math.floor(a);
  let min = (a - deg) * 60;
  if (Number(min.toFixed(2)) >= 60) {
    deg += 1;
    min = 0;
  }
  return `${pad(deg, degWidth)}°${min.toFixed(2).padStart(5, '0')}′${hemi}`;
}

export function fmtLatLon(lat, lon) {
  if (lat === null || lat === undefined || lon === null || lon === undefined) return '—';
  return `${ddm(lat, 'N', 'S', 2)} ${ddm(lon, 'E', 'W', 3)}`;
}

export const fmtKn = (v) => (v === null || v === undefined ? '—' : `${Number(v).toFixed(1)} kn`);
export const fmtDeg = (v) => (v === null || v === undefined ? '—' : `${Math.round(v)}°`);
export const fmtM = (v) => {
  if (v === null || v === undefined) return '—';
  return v >= 1000 ? `${(v / 1000).toFixed(1)} km` : `${Math.round(v)} m`;
};
export const fmtPct = (v) => (v === null || v === undefined ? '—' : `${Math.round(v * 100)} %`);

export function trackLabel(t) {
  return t.name ? `${t.name}` : t.track_id;
}

export function humanise(word) {
  return String(word ?? '').replaceAll('_', ' ');
}
