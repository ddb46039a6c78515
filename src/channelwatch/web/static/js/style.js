// Colours and the map's layers: one description used by MapLibre and by the 2D canvas fallback.
// No remote source, no glyphs, no sprite: icons are drawn on a canvas (icons.js) and labels are
// drawn on an overlay canvas (labels.js), so nothing is fetched beyond this server's API.

export const PALETTES = {
  normal: {
    sea: '#0c2a3f',
    land: '#3c4838',
    coast: '#9db096',
    ts: { FR: '#6fb1ff', GB: '#ffab6e', BE: '#ffe07a' },
    boundary: '#a9b6bf',
    sarLine: '#ffffff',
    lane: '#8d7ff2',
    sepZone: '#d86bb8',
    itz: '#5fd6c4',
    tssLine: '#b9a8ff',
    strip300: '#fff3b0',
    strip200: '#fff3b0',
    station: '#7fe3ff',
    embark: '#ff9f43',
    landing: '#7ddc6e',
    drift: '#ff6bd6',
    search: '#5ce1e6',
    label: '#f4f7f9',
    halo: '#06131d',
    selected: '#ffffff',
  },
  contrast: {
    sea: '#000000',
    land: '#4a4a4a',
    coast: '#ffffff',
    ts: { FR: '#4da3ff', GB: '#ff9a3d', BE: '#ffee00' },
    boundary: '#ffffff',
    sarLine: '#ffffff',
    lane: '#b3a6ff',
    sepZone: '#ff5fd2',
    itz: '#00ffd0',
    tssLine: '#d6ccff',
    strip300: '#ffffff',
    strip200: '#ffffff',
    station: '#00e5ff',
    embark: '#ff9f00',
    landing: '#66ff66',
    drift: '#ff4fe0',
    search: '#00f0ff',
    label: '#ffffff',
    halo: '#000000',
    selected: '#ffff00',
  },
};

// Shape and colour both carry the kind (colour alone fails colour-blind readers).
export const TRACK_COLOURS = {
  ship: '#dce4ea',
  small_boat: '#ff4b4b',
  rescue: '#ffb000',
  patrol: '#3ddc84',
  unknown: '#c792ff',
};

export const TRACK_KINDS = ['small_boat', 'rescue', 'patrol', 'ship', 'unknown'];

// Region layers the page asks the API for (docs/api.md "Region layers"), in drawing order.
export const REGION_LAYERS = [
  'territorial_sea',
  'sar',
  'tss',
  'land',
  'strip_300m',
  'strip_200m',
  'boundaries',
  'stations',
  'beaches',
];

const EMPTY = { type: 'FeatureCollection', features: [] };

export function emptyCollection() {
  return { type: 'FeatureCollection', features: [] };
}

const byCountry = (p, prop = 'country') => [
  'match',
  ['get', prop],
  'FR',
  p.ts.FR,
  'GB',
  p.ts.GB,
  'BE',
  p.ts.BE,
  '#888888',
];

const trackColour = [
  'match',
  ['get', 'kind'],
  'ship',
  TRACK_COLOURS.ship,
  'small_boat',
  TRACK_COLOURS.small_boat,
  'rescue',
  TRACK_COLOURS.rescue,
  'patrol',
  TRACK_COLOURS.patrol,
  TRACK_COLOURS.unknown,
];

const el = (value) => ['==', ['get', 'element'], value];
// Newer MapLibre reports Multi* types separately: match both forms.
const geomIs = (...types) => ['match', ['geometry-type'], types, true, false];
const isPoly = geomIs('Polygon', 'MultiPolygon');
const isLine = geomIs('LineString', 'MultiLineString');
const isPoint = geomIs('Point', 'MultiPoint');

/** MapLibre layers for a palette and a scale (1 = laptop, 1.6 = wall). */
export function mapLayers(p, s = 1) {
  return [
    { id: 'background', type: 'background', paint: { 'background-color': p.sea } },
    {
      id: 'ts-fill',
      type: 'fill',
      source: 'territorial_sea',
      paint: { 'fill-color': byCountry(p), 'fill-opacity': 0.07 },
    },
    {
      id: 'ts-line',
      type: 'line',
      source: 'territorial_sea',
      paint: {
        'line-color': byCountry(p),
        'line-width': 1.2 * s,
        'line-dasharray': [4, 3],
        'line-opacity': 0.8,
      },
    },
    {
      id: 'tss-lane',
      type: 'fill',
      source: 'tss',
      filter: ['all', isPoly, el('lane')],
      paint: { 'fill-color': p.lane, 'fill-opacity': 0.16 },
    },
    {
      id: 'tss-itz',
      type: 'fill',
      source: 'tss',
      filter: ['all', isPoly, el('inshore_traffic_zone')],
      paint: { 'fill-color': p.itz, 'fill-opacity': 0.07 },
    },
    {
      id: 'tss-sep',
      type: 'fill',
      source: 'tss',
      filter: ['all', isPoly, el('separation_zone')],
      paint: { 'fill-color': p.sepZone, 'fill-opacity': 0.35 },
    },
    {
      id: 'tss-outline',
      type: 'line',
      source: 'tss',
      filter: ['all', isPoly, ['!=', ['get', 'element'], 'inshore_traffic_zone']],
      paint: { 'line-color': p.tssLine, 'line-width': 0.8 * s, 'line-opacity': 0.7 },
    },
    {
      id: 'tss-itz-outline',
      type: 'line',
      source: 'tss',
      filter: ['all', isPoly, el('inshore_traffic_zone')],
      paint: {
        'line-color': p.itz,
        'line-width': 1 * s,
        'line-opacity': 0.8,
        'line-dasharray': [3, 2],
      },
    },
    {
      id: 'tss-lines',
      type: 'line',
      source: 'tss',
      filter: isLine,
      paint: { 'line-color': p.tssLine, 'line-width': 1.2 * s, 'line-opacity': 0.85 },
    },
    {
      id: 'land',
      type: 'fill',
      source: 'land',
      paint: { 'fill-color': p.land, 'fill-opacity': 1 },
    },
    {
      id: 'coast',
      type: 'line',
      source: 'land',
      paint: { 'line-color': p.coast, 'line-width': 0.7 * s },
    },
    {
      id: 'strip-300',
      type: 'fill',
      source: 'strip_300m',
      paint: { 'fill-pattern': 'hatch-300', 'fill-opacity': 0.9 },
    },
    {
      id: 'strip-200',
      type: 'fill',
      source: 'strip_200m',
      paint: { 'fill-pattern': 'hatch-200', 'fill-opacity': 0.9 },
    },
    {
      id: 'strip-line',
      type: 'line',
      source: 'strip_300m',
      minzoom: 9,
      paint: { 'line-color': p.strip300, 'line-width': 0.8 * s },
    },
    {
      id: 'boundaries',
      type: 'line',
      source: 'boundaries',
      paint: {
        'line-color': p.boundary,
        'line-width': 1 * s,
        'line-dasharray': [1, 2],
        'line-opacity': 0.8,
      },
    },
    {
      // The whole SAR demarcation (our derived extension) dashed; the published part on top.
      id: 'sar-derived',
      type: 'line',
      source: 'sar',
      filter: ['all', isLine, el('sar_boundary_line')],
      paint: { 'line-color': p.sarLine, 'line-width': 2 * s, 'line-dasharray': [3, 2] },
    },
    {
      id: 'sar-published',
      type: 'line',
      source: 'sar',
      filter: ['all', isLine, ['==', ['get', 'published'], true]],
      paint: { 'line-color': p.sarLine, 'line-width': 3 * s },
    },
    {
      id: 'tss-arrows',
      type: 'symbol',
      source: 'tss_arrows',
      layout: {
        'icon-image': 'arrow',
        'icon-rotate': ['get', 'direction_deg'],
        'icon-rotation-alignment': 'map',
        'icon-allow-overlap': true,
        'icon-size': 0.9 * s,
      },
      paint: { 'icon-opacity': 0.9 },
    },
    {
      id: 'beaches',
      type: 'symbol',
      source: 'beaches',
      minzoom: 8,
      layout: {
        'icon-image': ['match', ['get', 'role'], 'landing', 'beach-landing', 'beach-embark'],
        'icon-allow-overlap': true,
        'icon-size': 0.8 * s,
      },
    },
    {
      id: 'stations',
      type: 'symbol',
      source: 'stations',
      layout: {
        'icon-image': [
          'match',
          ['get', 'kind'],
          'coordination_centre',
          'station-centre',
          'lifeboat_station',
          'station-lifeboat',
          'station-base',
        ],
        'icon-allow-overlap': true,
        'icon-size': 0.85 * s,
      },
    },
    {
      id: 'drift-fill',
      type: 'fill',
      source: 'drift',
      filter: isPoly,
      paint: {
        'fill-color': p.drift,
        'fill-opacity': ['match', ['get', 'kind'], 'hull', 0.08, 'density', 0.22, 0.15],
      },
    },
    {
      id: 'drift-line',
      type: 'line',
      source: 'drift',
      filter: ['any', isPoly, isLine],
      paint: { 'line-color': p.drift, 'line-width': 1.5 * s },
    },
    {
      id: 'drift-point',
      type: 'circle',
      source: 'drift',
      filter: isPoint,
      paint: {
        'circle-color': p.drift,
        'circle-radius': ['match', ['get', 'kind'], 'centroid', 6 * s, 'datum', 6 * s, 1.6 * s],
        'circle-opacity': ['match', ['get', 'kind'], 'centroid', 1, 'datum', 1, 0.6],
        'circle-stroke-color': '#000000',
        'circle-stroke-width': ['match', ['get', 'kind'], 'centroid', 1.5, 'datum', 1.5, 0],
      },
    },
    {
      id: 'search-cells',
      type: 'fill',
      source: 'search',
      filter: ['all', isPoly, ['==', ['get', 'kind'], 'cell']],
      paint: {
        'fill-color': p.search,
        // Probability of containment: darker = likelier (normalised by the page, see overlays.js).
        'fill-opacity': ['*', 0.6, ['coalesce', ['get', 'poc_norm'], 0]],
      },
    },
    {
      id: 'search-areas',
      type: 'line',
      source: 'search',
      filter: ['all', isPoly, ['!=', ['get', 'kind'], 'cell']],
      paint: { 'line-color': p.search, 'line-width': 2.5 * s },
    },
    {
      id: 'search-routes',
      type: 'line',
      source: 'search',
      filter: isLine,
      paint: { 'line-color': '#ffffff', 'line-width': 1.2 * s, 'line-dasharray': [2, 1] },
    },
    {
      id: 'search-points',
      type: 'circle',
      source: 'search',
      filter: isPoint,
      paint: {
        'circle-color': p.search,
        'circle-radius': 5 * s,
        'circle-stroke-color': '#000000',
        'circle-stroke-width': 1.5,
      },
    },
    {
      id: 'trails',
      type: 'line',
      source: 'tracks',
      filter: isLine,
      layout: { 'line-cap': 'round', 'line-join': 'round' },
      paint: { 'line-color': trackColour, 'line-width': 1.6 * s, 'line-opacity': 0.65 },
    },
    {
      id: 'selected-ring',
      type: 'circle',
      source: 'tracks',
      filter: ['all', isPoint, ['==', ['get', 'selected'], true]],
      paint: {
        'circle-radius': 17 * s,
        'circle-color': 'rgba(0,0,0,0)',
        'circle-stroke-color': p.selected,
        'circle-stroke-width': 2.5 * s,
      },
    },
    {
      id: 'tracks',
      type: 'symbol',
      source: 'tracks',
      filter: isPoint,
      layout: {
        'icon-image': ['concat', 'track-', ['get', 'kind']],
        'icon-rotate': ['coalesce', ['get', 'rotate_deg'], 0],
        'icon-rotation-alignment': 'map',
        'icon-allow-overlap': true,
        'icon-ignore-placement': true,
        'icon-size': ['match', ['get', 'kind'], 'ship', 0.75 * s, 1 * s],
        'symbol-sort-key': ['match', ['get', 'kind'], 'ship', 0, 1],
      },
    },
  ];
}

/** The MapLibre style: sources filled with the region's own data, no URL anywhere. */
export function mapStyle(layersData, p, s) {
  const sources = {};
  const names = [...REGION_LAYERS, 'tss_arrows', 'drift', 'search', 'tracks'];
  for (const name of names) {
    sources[name] = { type: 'geojson', data: layersData[name] || EMPTY };
  }
  return { version: 8, name: 'ChannelWatch offline', sources, layers: mapLayers(p, s) };
}
