"""GeoJSON of a particle cloud for GIS tools: its convex hull, density contours and centroid.

The density contours are highest-density regions: the smallest areas holding 50 % and 90 % (by
default) of the particles, from a smoothed 2-D histogram on a transverse Mercator centred on the
cloud. They follow the cloud's shape (several patches when it splits), unlike the hull.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise
from typing import Any

import numpy as np
import numpy.typing as npt

from channelwatch.drift.stats import CloudStats, cloud_stats
from channelwatch.geo import LocalProjection

DEFAULT_MASSES = (0.5, 0.9)
_BINS = 96
_SMOOTH_BINS = 1.5
_DECIMALS = 6


def _ring(coords: Any) -> list[list[float]]:
    return [[round(float(x), _DECIMALS), round(float(y), _DECIMALS)] for x, y in coords]


def _geometry(geom: Any) -> dict[str, Any]:
    from shapely.geometry import mapping

    out: dict[str, Any] = _round(dict(mapping(geom)))
    return out


def _round(obj: Any) -> Any:
    if isinstance(obj, float):
        return round(obj, _DECIMALS)
    if isinstance(obj, list | tuple):
        return [_round(v) for v in obj]
    if isinstance(obj, dict):
        return {k: _round(v) for k, v in obj.items()}
    return obj


def density_levels(density: npt.NDArray[np.float64], masses: Sequence[float]) -> list[float]:
    """Density thresholds above which the given fractions of the total mass lie."""
    flat = np.sort(density.ravel())[::-1]
    total = flat.sum()
    if total <= 0:
        return [float("inf") for _ in masses]
    cum = np.cumsum(flat) / total
    out = []
    for m in masses:
        i = int(np.searchsorted(cum, m, side="left"))
        out.append(float(flat[min(i, flat.size - 1)]))
    return out


def density_polygons(
    lat: npt.ArrayLike, lon: npt.ArrayLike, masses: Sequence[float] = DEFAULT_MASSES
) -> list[tuple[float, Any]]:
    """(mass, shapely MultiPolygon in lon/lat) of each highest-density region."""
    import contourpy
    from scipy.ndimage import gaussian_filter
    from shapely.geometry import MultiPolygon, Polygon

    la = np.asarray(lat, np.float64).ravel()
    lo = np.asarray(lon, np.float64).ravel()
    if la.size < 3:
        return []
    proj = LocalProjection(float(la.mean()), float(lo.mean()))
    x, y = proj.to_xy(la, lo)
    span = max(float(np.ptp(x)), float(np.ptp(y)), 1.0)
    pad = 0.1 * span
    edges_x = np.linspace(x.min() - pad, x.max() + pad, _BINS + 1)
    edges_y = np.linspace(y.min() - pad, y.max() + pad, _BINS + 1)
    hist, _, _ = np.histogram2d(y, x, bins=(edges_y, edges_x))
    dens = gaussian_filter(hist, _SMOOTH_BINS)
    cx = 0.5 * (edges_x[:-1] + edges_x[1:])
    cy = 0.5 * (edges_y[:-1] + edges_y[1:])
    gen = contourpy.contour_generator(cx, cy, dens, fill_type=contourpy.FillType.OuterOffset)
    out = []
    for mass, level in zip(masses, density_levels(dens, masses), strict=True):
        if not np.isfinite(level) or level <= 0:
            continue
        filled: Any = gen.filled(level, np.inf)
        points: list[Any] = list(filled[0])
        offsets: list[Any] = list(filled[1])
        polys = []
        for pts, offs in zip(points, offsets, strict=True):
            rings = []
            for a, b in pairwise(offs):
                ring_lat, ring_lon = proj.to_latlon(pts[a:b, 0], pts[a:b, 1])
                rings.append(np.column_stack([ring_lon, ring_lat]))
            if rings and len(rings[0]) >= 4:
                poly = Polygon(rings[0], [r for r in rings[1:] if len(r) >= 4])
                if poly.is_valid and not poly.is_empty:
                    polys.append(poly)
        if polys:
            out.append((float(mass), MultiPolygon(polys)))
    return out


def cloud_geojson(
    lat: npt.ArrayLike,
    lon: npt.ArrayLike,
    *,
    masses: Sequence[float] = DEFAULT_MASSES,
    properties: dict[str, Any] | None = None,
    stats: CloudStats | None = None,
) -> dict[str, Any]:
    """A FeatureCollection: hull, density regions (one feature per mass) and centroid."""
    from shapely.geometry import MultiPoint

    la = np.asarray(lat, np.float64).ravel()
    lo = np.asarray(lon, np.float64).ravel()
    st = stats or cloud_stats(la, lo)
    base = dict(properties or {})
    features: list[dict[str, Any]] = []
    if la.size:
        hull = MultiPoint(np.column_stack([lo, la])).convex_hull
        features.append(
            {
                "type": "Feature",
                "geometry": _geometry(hull),
                "properties": {**base, "kind": "hull", "n": int(la.size)},
            }
        )
        for mass, geom in density_polygons(la, lo, masses):
            features.append(
                {
                    "type": "Feature",
                    "geometry": _geometry(geom),
                    "properties": {**base, "kind": "density", "mass": mass},
                }
            )
        features.append(
            {
                "type": "Feature",
                "geometry": {
                    "type": "Point",
                    "coordinates": _ring([(st.centroid_lon, st.centroid_lat)])[0],
                },
                "properties": {**base, "kind": "centroid", **st.to_dict()},
            }
        )
    return {"type": "FeatureCollection", "features": features}
