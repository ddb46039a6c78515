"""Reading land polygons from a GeoJSON file (for maps when the region model is not used)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from channelwatch.analytics.errors import AnalyticsInputError


def land_from_geojson(doc: dict[str, Any], source: str = "GeoJSON") -> Any:
    """The union of the (Multi)Polygons of a FeatureCollection, Feature or geometry."""
    import shapely
    from shapely.geometry import shape

    kind = doc.get("type")
    if kind == "FeatureCollection":
        geoms = [f.get("geometry") for f in doc.get("features", [])]
    elif kind == "Feature":
        geoms = [doc.get("geometry")]
    else:
        geoms = [doc]
    polys = []
    for g in geoms:
        if not g or g.get("type") not in ("Polygon", "MultiPolygon"):
            continue
        try:
            polys.append(shape(g))
        except (ValueError, TypeError, AttributeError) as exc:
            raise AnalyticsInputError(f"{source}: bad polygon ({exc})") from None
    if not polys:
        raise AnalyticsInputError(f"{source}: no Polygon or MultiPolygon")
    return shapely.union_all(polys)


def read_land(path: Path) -> Any:
    """Land polygons (lon/lat) from a GeoJSON file."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise AnalyticsInputError(f"cannot read {path}: {exc.strerror}") from None
    except json.JSONDecodeError as exc:
        raise AnalyticsInputError(f"{path} is not JSON: {exc.msg} at line {exc.lineno}") from None
    if not isinstance(doc, dict):
        raise AnalyticsInputError(f"{path} is not a GeoJSON object")
    return land_from_geojson(doc, str(path))
