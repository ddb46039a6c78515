// The map without WebGL: the same layers and tracks drawn with the 2D canvas in Web Mercator.
// Slower and plainer than MapLibre, but the picture stays usable on a machine without WebGL.

import { drawIcons, ICON_PIXEL_RATIO, ROTATING } from './icons.js';
import { TRACK_COLOURS } from './style.js';

const TILE = 256;

function mercY(lat) {
  const s = Math.sin((Math.max(-85, Math.min(85, lat)) * Math.PI) / 180);
  return 0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI);
}

export class CanvasView {
  constructor(container, region, layersData, display) {
    this.kind = 'canvas';
    this.container = container;
    this.layers = layersData;
    this.display = display;
    this.overlays = {};
    this.tracks = { type: 'FeatureCollection', features: [] };
    this.trails = { type: 'FeatureCollection', features: [] };
    this.renderFns = [];
    this.clickFns = [];
    this.icons = drawIcons();
    this.canvas = document.createElement('canvas');
    this.canvas.className = 'fallback-canvas';
    this.canvas.tabIndex = 0;
    this.canvas.setAttribute('aria-label', 'Map (2D fallback): arrow keys pan, + and - zoom');
    container.append(this.canvas);
    this.center = [(region.bbox[0] + region.bbox[2]) / 2, (region.bbox[1] + region.bbox[3]) / 2];
    this.zoom = 8;
    this.bindEvents();
    this.lastFit = region.bbox;
    new ResizeObserver(() => {
      // A fit asked for before the container had a size is applied once it has one.
      if (!this.fitApplied && container.clientWidth) this.fitBounds(this.lastFit);
      this.redraw();
    }).observe(container);
    this.ready = Promise.resolve(this);
  }

  world(lon, lat, zoom = this.zoom) {
    const size = TILE * 2 ** zoom;
    return [((lon + 180) / 360) * size, mercY(lat) * size];
  }

  unproject(x, y) {
    const size = TILE * 2 ** this.zoom;
    const [cx, cy] = this.world(...this.center);
    const wx = cx + x - this.container.clientWidth / 2;
    const wy = cy + y - this.container.clientHeight / 2;
    const lon = (wx / size) * 360 - 180;
    const n = Math.PI - (2 * Math.PI * wy) / size;
    const lat = (180 / Math.PI) * Math.atan(Math.sinh(n));
    return [lon, lat];
  }

  project(lon, lat) {
    const [x, y] = this.world(lon, lat);
    const [cx, cy] = this.world(...this.center);
    return [x - cx + this.container.clientWidth / 2, y - cy + this.container.clientHeight / 2];
  }

  getZoom() {
    return this.zoom;
  }

  fitBounds(bbox, { padding = 40 } = {}) {
    this.lastFit = bbox;
    if (!this.container.clientWidth) return;
    this.fitApplied = true;
    const w = Math.max(this.container.clientWidth - 2 * padding, 50);
    const hgt = Math.max(this.container.clientHeight - 2 * padding, 50);
    const [x0, y1] = this.world(bbox[0], bbox[1], 0);
    const [x1, y0] = this.world(bbox[2], bbox[3], 0);
    const z = Math.log2(Math.min(w / Math.max(x1 - x0, 1e-9), hgt / Math.max(y1 - y0, 1e-9)));
    this.zoom = Math.max(3, Math.min(13, z));
    this.center = [(bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2];
    this.redraw();
  }

  flyTo(lon, lat, zoom) {
    this.center = [lon, lat];
    this.zoom = zoom ?? Math.max(this.zoom, 10);
    this.redraw();
  }

  panBy(dx, dy) {
    const [x, y] = this.project(...this.center);
    this.center = this.unproject(x + dx, y + dy);
    this.redraw();
  }

  zoomBy(dz) {
    this.zoom = Math.max(3, Math.min(15, this.zoom + dz));
    this.redraw();
  }

  bindEvents() {
    let drag = null;
    this.canvas.addEventListener('pointerdown', (e) => {
      drag = { x: e.clientX, y: e.clientY, moved: false };
      this.canvas.setPointerCapture(e.pointerId);
    });
    this.canvas.addEventListener('pointermove', (e) => {
      if (!drag) return;
      const dx = e.clientX - drag.x;
      const dy = e.clientY - drag.y;
      if (Math.abs(dx) + Math.abs(dy) > 3) drag.moved = true;
      if (drag.moved) {
        this.panBy(-dx, -dy);
        drag.x = e.clientX;
        drag.y = e.clientY;
      }
    });
    this.canvas.addEventListener('pointerup', (e) => {
      if (drag && !drag.moved) {
        const r = this.canvas.getBoundingClientRect();
        const id = this.hit(e.clientX - r.left, e.clientY - r.top);
        for (const fn of this.clickFns) fn(id);
      }
      drag = null;
    });
    this.canvas.addEventListener(
      'wheel',
      (e) => {
        e.preventDefault();
        this.zoomBy(e.deltaY < 0 ? 0.5 : -0.5);
      },
      { passive: false },
    );
    this.canvas.addEventListener('keydown', (e) => {
      const step = 80;
      const moves = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step] };
      moves.ArrowDown = [0, step];
      if (moves[e.key]) this.panBy(...moves[e.key]);
      else if (e.key === '+' || e.key === '=') this.zoomBy(1);
      else if (e.key === '-') this.zoomBy(-1);
      else return;
      e.preventDefault();
    });
  }

  hit(x, y) {
    let best = null;
    let bestD = 12;
    for (const f of this.tracks.features) {
      const [px, py] = this.project(...f.geometry.coordinates);
      const d = Math.hypot(px - x, py - y);
      if (d < bestD) {
        best = f.properties.track_id;
        bestD = d;
      }
    }
    return best;
  }

  setTracks(tracks, trails) {
    this.tracks = tracks;
    this.trails = trails;
    this.redraw();
  }

  setSource(name, fc) {
    this.layers[name] = fc;
    this.redraw();
  }

  setOverlay(name, fc) {
    this.overlays[name] = fc;
    this.redraw();
  }

  onTrackClick(fn) {
    this.clickFns.push(fn);
  }

  onRender(fn) {
    this.renderFns.push(fn);
  }

  focus() {
    this.canvas.focus();
  }

  setDisplay(display) {
    this.display = display;
    this.redraw();
  }

  layerIds() {
    return Object.keys(this.layers).filter((k) => this.layers[k]?.features?.length);
  }

  resize() {
    this.redraw();
  }

  redraw() {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = null;
      this.draw();
      for (const fn of this.renderFns) fn();
    });
  }

  path(ctx, geometry) {
    const ring = (coords) => {
      coords.forEach(([lon, lat], i) => {
        const [x, y] = this.project(lon, lat);
        if (i === 0) ctx.moveTo(x, y);
        else ctx.lineTo(x, y);
      });
    };
    const g = geometry;
    if (!g) return;
    if (g.type === 'Polygon') g.coordinates.forEach((r) => (ring(r), ctx.closePath()));
    else if (g.type === 'MultiPolygon') {
      g.coordinates.forEach((p) => p.forEach((r) => (ring(r), ctx.closePath())));
    } else if (g.type === 'LineString') ring(g.coordinates);
    else if (g.type === 'MultiLineString') g.coordinates.forEach(ring);
  }

  paint(ctx, fc, { filter = () => true, fill, stroke, width = 1, dash = [], alpha = 1 }) {
    for (const f of fc?.features || []) {
      if (!filter(f.properties || {}, f.geometry?.type)) continue;
      ctx.beginPath();
      this.path(ctx, f.geometry);
      ctx.globalAlpha = alpha;
      const fillColour = typeof fill === 'function' ? fill(f.properties || {}) : fill;
      const strokeColour = typeof stroke === 'function' ? stroke(f.properties || {}) : stroke;
      if (fillColour) {
        ctx.fillStyle = fillColour;
        ctx.fill('evenodd');
      }
      if (strokeColour) {
        ctx.setLineDash(dash);
        ctx.strokeStyle = strokeColour;
        ctx.lineWidth = width;
        ctx.stroke();
      }
    }
    ctx.globalAlpha = 1;
    ctx.setLineDash([]);
  }

  /** A repeating fill from a symbol canvas, at CSS-pixel scale. */
  pattern(ctx, name) {
    const pat = ctx.createPattern(this.icons[name], 'repeat');
    pat.setTransform(new DOMMatrix().scale(1 / ICON_PIXEL_RATIO));
    return pat;
  }

  icon(ctx, name, lon, lat, rotateDeg = 0, scale = 1) {
    const img = this.icons[name];
    if (!img) return;
    const [x, y] = this.project(lon, lat);
    const w = (img.width / ICON_PIXEL_RATIO) * scale;
    ctx.save();
    ctx.translate(x, y);
    ctx.rotate((rotateDeg * Math.PI) / 180);
    ctx.drawImage(img, -w / 2, -w / 2, w, w);
    ctx.restore();
  }

  draw() {
    const dpr = window.devicePixelRatio || 1;
    const w = this.container.clientWidth;
    const hgt = this.container.clientHeight;
    this.canvas.width = Math.round(w * dpr);
    this.canvas.height = Math.round(hgt * dpr);
    this.canvas.style.width = `${w}px`;
    this.canvas.style.height = `${hgt}px`;
    const ctx = this.canvas.getContext('2d');
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    const p = this.display.palette;
    const s = this.display.scale;
    const L = this.layers;
    const isPoly = (_, t) => t === 'Polygon' || t === 'MultiPolygon';
    const isLine = (_, t) => t === 'LineString' || t === 'MultiLineString';
    ctx.fillStyle = p.sea;
    ctx.fillRect(0, 0, w, hgt);
    const ts = (q) => p.ts[q.country] || '#888';
    this.paint(ctx, L.territorial_sea, { fill: ts, alpha: 0.07 });
    this.paint(ctx, L.territorial_sea, { stroke: ts, width: 1.2 * s, dash: [4, 3], alpha: 0.8 });
    const el = (name) => (q, t) => isPoly(q, t) && q.element === name;
    this.paint(ctx, L.tss, { filter: el('lane'), fill: p.lane, alpha: 0.16 });
    this.paint(ctx, L.tss, { filter: el('inshore_traffic_zone'), fill: p.itz, alpha: 0.07 });
    this.paint(ctx, L.tss, { filter: el('separation_zone'), fill: p.sepZone, alpha: 0.35 });
    this.paint(ctx, L.tss, { filter: isLine, stroke: p.tssLine, width: 1.2 * s });
    this.paint(ctx, L.land, { fill: p.land, stroke: p.coast, width: 0.7 * s });
    this.paint(ctx, L.strip_300m, { fill: this.pattern(ctx, 'hatch-300'), alpha: 0.9 });
    this.paint(ctx, L.strip_200m, { fill: this.pattern(ctx, 'hatch-200'), alpha: 0.9 });
    this.paint(ctx, L.boundaries, { stroke: p.boundary, width: s, dash: [2, 4] });
    const sarEl = (name) => (q, t) => isLine(q, t) && q.element === name;
    this.paint(ctx, L.sar, {
      filter: sarEl('sar_boundary_line'),
      stroke: p.sarLine,
      width: 2 * s,
      dash: [6, 4],
    });
    this.paint(ctx, L.sar, {
      filter: (q, t) => isLine(q, t) && q.published === true,
      stroke: p.sarLine,
      width: 3 * s,
    });
    for (const f of L.tss_arrows?.features || []) {
      this.icon(ctx, 'arrow', ...f.geometry.coordinates, f.properties.direction_deg, 0.9 * s);
    }
    if (this.zoom >= 8) {
      for (const f of L.beaches?.features || []) {
        const name = f.properties.role === 'landing' ? 'beach-landing' : 'beach-embark';
        this.icon(ctx, name, ...f.geometry.coordinates, 0, 0.8 * s);
      }
    }
    for (const f of L.stations?.features || []) {
      const k = f.properties.kind;
      const name =
        k === 'coordination_centre'
          ? 'station-centre'
          : k === 'lifeboat_station'
            ? 'station-lifeboat'
            : 'station-base';
      this.icon(ctx, name, ...f.geometry.coordinates, 0, 0.85 * s);
    }
    this.drawOverlays(ctx, p, s);
    for (const f of this.trails.features) {
      ctx.beginPath();
      this.path(ctx, f.geometry);
      ctx.globalAlpha = 0.65;
      ctx.strokeStyle = TRACK_COLOURS[f.properties.kind] || TRACK_COLOURS.unknown;
      ctx.lineWidth = 1.6 * s;
      ctx.stroke();
      ctx.globalAlpha = 1;
    }
    const sorted = [...this.tracks.features].sort(
      (a, b) => (a.properties.kind === 'ship' ? 0 : 1) - (b.properties.kind === 'ship' ? 0 : 1),
    );
    for (const f of sorted) {
      const q = f.properties;
      const rot = ROTATING.has(q.kind) ? q.rotate_deg || 0 : 0;
      const scale = (q.kind === 'ship' ? 0.75 : 1) * s;
      this.icon(ctx, `track-${q.kind}`, ...f.geometry.coordinates, rot, scale);
      if (q.selected) {
        const [x, y] = this.project(...f.geometry.coordinates);
        ctx.beginPath();
        ctx.arc(x, y, 17 * s, 0, 2 * Math.PI);
        ctx.strokeStyle = p.selected;
        ctx.lineWidth = 2.5 * s;
        ctx.stroke();
      }
    }
  }

  drawOverlays(ctx, p, s) {
    const drift = this.overlays.drift;
    const search = this.overlays.search;
    const poly = (_, t) => t === 'Polygon' || t === 'MultiPolygon';
    if (drift) {
      this.paint(ctx, drift, { filter: poly, fill: p.drift, alpha: 0.15 });
      this.paint(ctx, drift, { filter: poly, stroke: p.drift, width: 1.5 * s });
      this.points(ctx, drift, p.drift, s);
    }
    if (search) {
      for (const f of search.features) {
        const q = f.properties || {};
        if (q.kind !== 'cell' || !poly(q, f.geometry?.type)) continue;
        ctx.beginPath();
        this.path(ctx, f.geometry);
        ctx.globalAlpha = 0.6 * (q.poc_norm || 0);
        ctx.fillStyle = p.search;
        ctx.fill();
      }
      ctx.globalAlpha = 1;
      this.paint(ctx, search, {
        filter: (q, t) => poly(q, t) && q.kind !== 'cell',
        stroke: p.search,
        width: 2.5 * s,
      });
      this.paint(ctx, search, {
        filter: (_, t) => t === 'LineString' || t === 'MultiLineString',
        stroke: '#ffffff',
        width: 1.2 * s,
        dash: [4, 2],
      });
      this.points(ctx, search, p.search, s);
    }
  }

  points(ctx, fc, colour, s) {
    for (const f of fc.features) {
      if (f.geometry?.type !== 'Point') continue;
      const [x, y] = this.project(...f.geometry.coordinates);
      const big = ['centroid', 'datum', 'mixture'].includes(f.properties?.kind);
      ctx.beginPath();
      ctx.arc(x, y, (big ? 6 : 1.6) * s, 0, 2 * Math.PI);
      ctx.fillStyle = colour;
      ctx.fill();
      if (big) {
        ctx.strokeStyle = '#000';
        ctx.lineWidth = 1.5;
        ctx.stroke();
      }
    }
  }
}
