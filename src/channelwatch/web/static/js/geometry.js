// Small plane-geometry helpers on GeoJSON in lon/lat (display only; the server does the geodesy).

const M_PER_DEG_LAT = 111320;

export function pointInRing(lon, lat, ring) {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if (yi > lat !== yj > lat && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

export function pointInPolygon(lon, lat, rings) {
  if (!rings.length || !pointInRing(lon, lat, rings[0])) return false;
  return !rings.slice(1).some((hole) => pointInRing(lon, lat, hole));
}

function ringCentre(ring) {
  let x = 0;
  let y = 0;
  for (const [lon, lat] of ring) {
    x += lon;
    y += lat;
  }
  return [x / ring.length, y / ring.length];
}

/** A point moved `distanceM` metres on a bearing (flat-earth: fine for a few km of display). */
export function offset([lon, lat], bearingDeg, distanceM) {
  const b = (bearingDeg * Math.PI) / 180;
  const dLat = (distanceM * Math.cos(b)) / M_PER_DEG_LAT;
  const dLon = (distanceM * Math.sin(b)) / (M_PER_DEG_LAT * Math.cos((lat * Math.PI) / 180));
  return [lon + dLon, lat + dLat];
}

/** Direction arrows along each traffic lane that has a `direction_deg`, every `stepM` metres. */
export function laneArrows(tss, stepM = 7000) {
  const features = [];
  for (const f of tss?.features || []) {
    const p = f.properties || {};
    if (p.element !== 'lane' || p.direction_deg === null || p.direction_deg === undefined) continue;
    if (f.geometry?.type !== 'Polygon') continue;
    const rings = f.geometry.coordinates;
    const centre = ringCentre(rings[0]);
    for (const sign of [1, -1]) {
      for (let k = sign === 1 ? 0 : 1; k < 40; k += 1) {
        const pt = offset(centre, p.direction_deg, sign * k * stepM);
        if (!pointInPolygon(pt[0], pt[1], rings)) continue;
        features.push({
          type: 'Feature',
          geometry: { type: 'Point', coordinates: pt },
          properties: { direction_deg: p.direction_deg, approximate: !!p.approximate },
        });
      }
    }
  }
  return { type: 'FeatureCollection', features };
}

/** The middle vertex of a line's longest part: where a line's label goes. */
export function lineLabelPoint(geometry) {
  if (!geometry) return null;
  const parts = geometry.type === 'LineString' ? [geometry.coordinates] : geometry.coordinates;
  let best = null;
  for (const part of parts || []) if (!best || part.length > best.length) best = part;
  return best && best.length ? best[Math.floor(best.length / 2)] : null;
}

/** A polygon's label point: the centre of its outer ring's vertices. */
export function polygonLabelPoint(geometry) {
  if (!geometry) return null;
  const ring =
    geometry.type === 'Polygon' ? geometry.coordinates[0] : geometry.coordinates?.[0]?.[0];
  return ring && ring.length ? ringCentre(ring) : null;
}

/** [lon0, lat0, lon1, lat1] of every coordinate in a FeatureCollection, or null. */
export function bboxOf(fc) {
  let b = null;
  const visit = (c) => {
    if (typeof c[0] === 'number') {
      if (!b) b = [c[0], c[1], c[0], c[1]];
      b = [Math.min(b[0], c[0]), Math.min(b[1], c[1]), Math.max(b[2], c[0]), Math.max(b[3], c[1])];
    } else for (const x of c) visit(x);
  };
  for (const f of fc?.features || []) if (f.geometry) visit(f.geometry.coordinates);
  return b;
}
