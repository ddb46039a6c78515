"""The SAR-region lookup a case book is given: from the region model, or a GeoJSON file.

This is the edge: it reads files and imports the region model; the case core only ever sees a
function ``(lat, lon) -> "FR" | "GB" | None``.
"""

from __future__ import annotations

import importlib
import json
from pathlib import Path
from typing import Any

import numpy as np

from channelwatch.cases.book import SarRegionLookup
from channelwatch.cases.errors import CaseError
from channelwatch.cases.model import CENTRE_NAMES


def lookup_from_region(region: Any) -> SarRegionLookup:
    """Wrap a region's vectorised ``sar_region(lat, lon)`` as a scalar lookup."""

    def lookup(lat: float, lon: float) -> str | None:
        value = region.sar_region(np.array([lat], dtype=float), np.array([lon], dtype=float))
        first = np.asarray(value, dtype=object).ravel()[0]
        code = None if first is None else str(first)
        return code if code in CENTRE_NAMES else None

    return lookup


def lookup_from_geojson(path: Path) -> SarRegionLookup:
    """A lookup from a GeoJSON of SAR-region polygons (features with ``country`` FR or GB).

    Features whose ``element`` is given and is not ``sar_region`` (e.g. boundary lines) are
    skipped, so ``geography/sar_regions.geojson`` of the shared data can be used as is.
    """
    from shapely import prepared
    from shapely.geometry import Point, shape

    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CaseError(f"cannot read SAR regions from {path}: {exc}") from None
    polygons = []
    for feature in doc.get("features", []):
        props = feature.get("properties") or {}
        if props.get("element", "sar_region") != "sar_region":
            continue
        code = str(props.get("country", ""))
        if code in CENTRE_NAMES:
            polygons.append((code, prepared.prep(shape(feature["geometry"]))))
    if not polygons:
        raise CaseError(f"{path}: no SAR-region polygon with country FR or GB")

    def lookup(lat: float, lon: float) -> str | None:
        pt = Point(lon, lat)
        for code, poly in polygons:
            if poly.covers(pt):
                return code
        return None

    return lookup


def default_lookup(geojson: Path | None = None) -> SarRegionLookup:
    """The region model's lookup (default pack), or one from ``geojson`` if given."""
    if geojson is not None:
        return lookup_from_geojson(geojson)
    # Looked up by name: the region model is built beside this package and may be absent.
    try:
        load_region = getattr(importlib.import_module("channelwatch.region"), "load_region", None)
    except ImportError:
        load_region = None
    if load_region is None:
        raise CaseError(
            "the region model (channelwatch.region.load_region) is not available; "
            "give a SAR-regions GeoJSON instead"
        )
    return lookup_from_region(load_region())
