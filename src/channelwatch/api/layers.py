"""The region's layers as GeoJSON for the page, including the coastal strips it derives.

The pack's own layers are served as their files. The French and Belgian 200 m and 300 m strips
are not files: they are drawn here once (the land of the strip countries, buffered by the width
in a local metric projection, minus land) and cached for the life of the process.
"""

from __future__ import annotations

import hashlib
import json
import threading
from typing import Any

from channelwatch.api.errors import NotFoundApiError

STRIP_LAYERS = {"strip_200m": 200.0, "strip_300m": 300.0}
_TITLES = {
    "land": "Land",
    "countries": "Countries",
    "territorial_sea": "Territorial seas",
    "boundaries": "Maritime boundaries",
    "sar": "SAR regions and line",
    "tss": "Traffic separation scheme",
    "stations": "Rescue stations",
    "beaches": "Beaches",
    "strip_200m": "Coastal strip 200 m (FR, BE)",
    "strip_300m": "Coastal strip 300 m (FR, BE)",
}
_cache: dict[tuple[int, str], tuple[bytes, str]] = {}
_lock = threading.Lock()


def layer_names(region: Any) -> list[str]:
    if region is None:
        return []
    names = [n for n in region.info.layers if n in _TITLES]
    widths = {float(w) for w in getattr(region.info, "strip_widths_m", ())}
    names += [n for n, w in STRIP_LAYERS.items() if w in widths]
    return names


def region_info(region: Any) -> dict[str, Any]:
    if region is None:
        return {"name": None, "title": None, "bbox": None, "sar_centres": {}, "layers": []}
    info = region.info
    return {
        "name": info.name,
        "title": getattr(info, "title", info.name),
        "bbox": list(region.bbox),
        "sar_centres": dict(getattr(info, "sar_centres", {})),
        "strip_countries": list(getattr(info, "strip_countries", ())),
        "layers": [
            {"name": n, "title": _TITLES.get(n, n), "url": f"/api/region/layers/{n}"}
            for n in layer_names(region)
        ],
    }


def layer_bytes(region: Any, name: str) -> tuple[bytes, str]:
    """The layer's GeoJSON bytes and an ETag; NotFoundApiError for an unknown layer."""
    if region is None or name not in layer_names(region):
        raise NotFoundApiError(
            f"no layer {name!r}; layers: {', '.join(layer_names(region)) or 'none'}"
        )
    key = (id(region), name)
    with _lock:
        hit = _cache.get(key)
    if hit is not None:
        return hit
    if name in STRIP_LAYERS:
        body = json.dumps(strip_geojson(region, STRIP_LAYERS[name]), separators=(",", ":"))
        data = body.encode("utf-8")
    else:
        data = region.layer_path(name).read_bytes()
    etag = '"' + hashlib.sha256(data).hexdigest()[:32] + '"'
    with _lock:
        _cache[key] = (data, etag)
    return data, etag


def strip_geojson(region: Any, width_m: float) -> dict[str, Any]:
    """The sea within ``width_m`` of the coast of each strip country, as polygons (lon/lat)."""
    import numpy as np
    import shapely
    from shapely.geometry import mapping, shape

    from channelwatch.geo import LocalProjection

    lon0, lat0, lon1, lat1 = region.bbox
    proj = LocalProjection((lat0 + lat1) / 2.0, (lon0 + lon1) / 2.0)

    def to_xy(coords: Any) -> Any:
        x, y = proj.to_xy(coords[:, 1], coords[:, 0])
        return np.column_stack([x, y])

    def to_lonlat(coords: Any) -> Any:
        la, lo = proj.to_latlon(coords[:, 0], coords[:, 1])
        return np.column_stack([lo, la])

    countries = json.loads(region.layer_path("countries").read_text(encoding="utf-8"))
    land = shapely.transform(region.land, to_xy)
    features = []
    for code in getattr(region.info, "strip_countries", ()):
        polys = [
            shape(f["geometry"])
            for f in countries.get("features", [])
            if (f.get("properties") or {}).get("country") == code
        ]
        if not polys:
            continue
        country = shapely.transform(shapely.make_valid(shapely.union_all(polys)), to_xy)
        # the coast of this country: land inside (a little beyond) its outline
        own = shapely.intersection(land, country.buffer(2000.0))
        strip = shapely.difference(own.buffer(width_m, quad_segs=4), land)
        strip = shapely.simplify(strip, 2.0)
        if strip.is_empty:
            continue
        features.append(
            {
                "type": "Feature",
                "geometry": mapping(shapely.transform(strip, to_lonlat)),
                "properties": {"country": code, "width_m": width_m, "derived": True},
            }
        )
    return {"type": "FeatureCollection", "features": features}
