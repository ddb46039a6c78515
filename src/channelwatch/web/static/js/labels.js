// Text labels drawn on a canvas over the map with the browser's own fonts, so the map style
// needs no glyph server. Labels are placed by priority and skipped where they would overlap.

import { lineLabelPoint, polygonLabelPoint } from './geometry.js';

export class LabelLayer {
  constructor(container, view) {
    this.view = view;
    this.providers = [];
    this.canvas = document.createElement('canvas');
    this.canvas.className = 'label-layer';
    this.canvas.setAttribute('aria-hidden', 'true');
    container.append(this.canvas);
    this.container = container;
    this.pending = false;
    view.onRender(() => this.schedule());
    new ResizeObserver(() => this.schedule()).observe(container);
  }

  addProvider(fn) {
    this.providers.push(fn);
    this.schedule();
  }

  schedule() {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      this.draw();
    });
  }

  draw() {
    const dpr = window.devicePixelRatio || 1;
    const w = this.container.clientWidth;
    const hgt = this.container.clientHeight;
    if (this.canvas.width !== Math.round(w * dpr) || this.canvas.height !== Math.round(hgt * dpr)) {
      this.canvas.width = Math.round(w * dpr);
      this.canvas.height = Math.round(hgt * dpr);
      this.canvas.style.width = `${w}px`;
      this.canvas.style.height = `${hgt}px`;
    }
    const ctx = this.canvas.getContext('2d');
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, hgt);
    const css = getComputedStyle(document.documentElement);
    const size = parseFloat(css.getPropertyValue('--label-px')) || 12;
    const fg = css.getPropertyValue('--label-fg').trim() || '#fff';
    const halo = css.getPropertyValue('--label-halo').trim() || '#000';
    const zoom = this.view.getZoom();
    const labels = this.providers.flatMap((fn) => fn(zoom) || []);
    labels.sort((a, b) => (b.priority || 0) - (a.priority || 0));
    const placed = [];
    ctx.textBaseline = 'middle';
    ctx.lineJoin = 'round';
    for (const label of labels) {
      if (label.minZoom !== undefined && zoom < label.minZoom) continue;
      const [x0, y0] = this.view.project(label.lon, label.lat);
      if (x0 < -50 || y0 < -20 || x0 > w + 50 || y0 > hgt + 20) continue;
      const px = size * (label.scale || 1);
      ctx.font = `${label.bold ? '600 ' : ''}${px}px system-ui, sans-serif`;
      const lines = [label.text, label.sub].filter(Boolean);
      const tw = Math.max(...lines.map((t) => ctx.measureText(t).width));
      const th = lines.length * px * 1.2;
      const dx = label.dx ?? 14;
      const x = x0 + dx;
      const y = y0 - th / 2;
      const box = [x - 2, y - 2, x + tw + 2, y + th + 2];
      if (!label.force && placed.some((b) => overlaps(b, box))) continue;
      placed.push(box);
      ctx.lineWidth = 3;
      ctx.strokeStyle = halo;
      ctx.fillStyle = label.colour || fg;
      lines.forEach((t, i) => {
        const ty = y + px * 0.6 + i * px * 1.2;
        if (i === 1) ctx.font = `${px * 0.9}px system-ui, sans-serif`;
        ctx.strokeText(t, x, ty);
        ctx.fillText(t, x, ty);
      });
    }
  }
}

function overlaps(a, b) {
  return a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
}

/** Labels of the region: SAR line (published / derived), TSS flags, stations and beaches. */
export function regionLabels(layers) {
  const out = [];
  for (const f of layers.sar?.features || []) {
    const p = f.properties || {};
    if (p.element === 'sar_boundary_line') {
      const pt = lineLabelPoint(f.geometry);
      if (pt) out.push(label(pt, 'SAR line (derived, dashed)', 35, { bold: true, minZoom: 7 }));
    } else if (p.element === 'published_boundary_line') {
      const pt = lineLabelPoint(f.geometry);
      if (pt) out.push(label(pt, 'SAR line (1988, published)', 36, { bold: true }));
    } else if (p.element === 'sar_region' && p.country) {
      const pt = polygonLabelPoint(f.geometry);
      const name = p.centre || p.country;
      if (pt) out.push(label(pt, `${p.country} SRR — ${name}`, 5, { minZoom: 7, dx: -40 }));
    }
  }
  for (const f of layers.tss?.features || []) {
    const p = f.properties || {};
    if (p.element !== 'lane' && p.element !== 'inshore_traffic_zone') continue;
    const pt = polygonLabelPoint(f.geometry);
    const what = p.element === 'lane' ? 'Traffic lane' : 'Inshore traffic zone';
    const flag = p.approximate ? ' [approximate]' : '';
    if (pt) out.push(label(pt, `${what}${flag}`, 8, { minZoom: 8.5, scale: 0.9 }));
  }
  for (const f of layers.stations?.features || []) {
    const p = f.properties || {};
    const verified = p.verified === false ? ' [not verified]' : '';
    const prio = p.kind === 'coordination_centre' ? 30 : 15;
    const minZoom = p.kind === 'coordination_centre' ? 0 : 9;
    out.push(label(f.geometry.coordinates, `${p.name}${verified}`, prio, { minZoom, scale: 0.9 }));
  }
  for (const f of layers.beaches?.features || []) {
    const p = f.properties || {};
    out.push(label(f.geometry.coordinates, p.name, 10, { minZoom: 10.5, scale: 0.85 }));
  }
  return out;
}

function label([lon, lat], text, priority, extra = {}) {
  return { lon, lat, text, priority, ...extra };
}
