// The map view. MapLibre GL (WebGL) when the browser has it; otherwise the 2D canvas fallback
// (fallback.js) with the same interface:
//   kind, ready (Promise), setTracks(tracksFc, trailsFc), setOverlay(name, fc|null),
//   flyTo(lon, lat, zoom?), fitBounds(bbox), onTrackClick(fn), project(lon, lat) -> [x, y],
//   onRender(fn), getZoom(), setDisplay({palette, scale}), layerIds().

import { CanvasView } from './fallback.js';
import { drawIcons, ICON_PIXEL_RATIO } from './icons.js';
import { mapLayers, mapStyle } from './style.js';

export function webglAvailable() {
  try {
    const c = document.createElement('canvas');
    return !!(c.getContext('webgl2') || c.getContext('webgl'));
  } catch {
    return false;
  }
}

/** The view for this browser; `?renderer=canvas` forces the fallback (tests, old screens). */
export function createMapView(container, region, layersData, display) {
  const forced = new URLSearchParams(window.location.search).get('renderer');
  const gl = forced !== 'canvas' && window.maplibregl && webglAvailable();
  if (gl) {
    try {
      return new GlView(container, region, layersData, display);
    } catch (err) {
      console.warn('MapLibre failed, using the canvas fallback:', err);
    }
  }
  return new CanvasView(container, region, layersData, display);
}

class GlView {
  constructor(container, region, layersData, display) {
    this.kind = 'webgl';
    this.display = display;
    this.renderFns = [];
    this.clickFns = [];
    const [lon0, lat0, lon1, lat1] = region.bbox;
    const maplibregl = window.maplibregl;
    this.map = new maplibregl.Map({
      container,
      style: mapStyle(layersData, display.palette, display.scale),
      bounds: [
        [lon0, lat0],
        [lon1, lat1],
      ],
      fitBoundsOptions: { padding: 10 },
      maxBounds: [
        [lon0 - 1.5, lat0 - 1],
        [lon1 + 1.5, lat1 + 1],
      ],
      attributionControl: false,
      // Nothing leaves the page: no telemetry, no fonts, no tiles.
      localIdeographFontFamily: 'sans-serif',
      keyboard: true,
      // No symbol fade: a track update then costs one frame, not a 300 ms animation (this
      // matters with software WebGL, and costs nothing on a real GPU).
      fadeDuration: 0,
      dragRotate: false,
      pitchWithRotate: false,
    });
    this.map.touchZoomRotate.disableRotation();
    this.map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
    this.map.addControl(new maplibregl.ScaleControl({ unit: 'nautical' }), 'bottom-right');
    this.map.addControl(
      new maplibregl.AttributionControl({
        compact: true,
        customAttribution: 'Region data: OpenStreetMap contributors (ODbL), Natural Earth',
      }),
      'bottom-left',
    );
    // Symbols are canvases drawn here; MapLibre asks for each one the first time a layer
    // needs it (before 'load' for the region layers), so they are handed over on demand.
    const icons = drawIcons();
    const addIcon = (name) => {
      const c = icons[name];
      if (!c || this.map.hasImage(name)) return;
      const img = c.getContext('2d').getImageData(0, 0, c.width, c.height);
      this.map.addImage(name, img, { pixelRatio: ICON_PIXEL_RATIO });
    };
    this.map.on('styleimagemissing', (ev) => addIcon(ev.id));
    this.ready = new Promise((resolve, reject) => {
      this.map.on('load', () => {
        for (const name of Object.keys(icons)) addIcon(name);
        resolve(this);
      });
      this.map.on('error', (ev) => {
        console.error('map error', ev.error);
        reject(ev.error);
      });
    });
    this.map.on('render', () => {
      for (const fn of this.renderFns) fn();
    });
    const hit = (ev) => {
      const r = 10;
      const { x, y } = ev.point;
      const feats = this.map.queryRenderedFeatures(
        [
          [x - r, y - r],
          [x + r, y + r],
        ],
        { layers: ['tracks'] },
      );
      return feats.length ? feats[0].properties.track_id : null;
    };
    this.map.on('click', (ev) => {
      const id = hit(ev);
      for (const fn of this.clickFns) fn(id);
    });
    this.map.on('mousemove', (ev) => {
      this.map.getCanvas().style.cursor = hit(ev) ? 'pointer' : '';
    });
  }

  setTracks(tracks, trails) {
    // One source for symbols and trails: one worker round trip and one repaint per update.
    this.map.getSource('tracks')?.setData({
      type: 'FeatureCollection',
      features: [...trails.features, ...tracks.features],
    });
  }

  setSource(name, fc) {
    this.map.getSource(name)?.setData(fc || { type: 'FeatureCollection', features: [] });
  }

  setOverlay(name, fc) {
    this.setSource(name, fc);
  }

  flyTo(lon, lat, zoom) {
    this.map.easeTo({ center: [lon, lat], zoom: zoom ?? Math.max(this.map.getZoom(), 10) });
  }

  fitBounds(bbox, { animate = true } = {}) {
    this.map.fitBounds(
      [
        [bbox[0], bbox[1]],
        [bbox[2], bbox[3]],
      ],
      { padding: 40, maxZoom: 13, animate },
    );
  }

  onTrackClick(fn) {
    this.clickFns.push(fn);
  }

  onRender(fn) {
    this.renderFns.push(fn);
  }

  project(lon, lat) {
    const p = this.map.project([lon, lat]);
    return [p.x, p.y];
  }

  getZoom() {
    return this.map.getZoom();
  }

  focus() {
    this.map.getCanvas().focus();
  }

  setDisplay(display) {
    this.display = display;
    for (const layer of mapLayers(display.palette, display.scale)) {
      if (!this.map.getLayer(layer.id)) continue;
      for (const [k, v] of Object.entries(layer.paint || {}))
        this.map.setPaintProperty(layer.id, k, v);
      for (const [k, v] of Object.entries(layer.layout || {})) {
        this.map.setLayoutProperty(layer.id, k, v);
      }
    }
  }

  layerIds() {
    return this.map.getStyle().layers.map((l) => l.id);
  }

  resize() {
    this.map.resize();
  }
}
