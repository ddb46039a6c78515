"""Writing tables of records to CSV, Parquet (pyarrow) and GeoJSON; the format follows the suffix.

Records are flat dicts with the same keys (``None`` for not recorded). GeoJSON needs ``lat`` and
``lon`` keys; rows without coordinates are left out of it and counted.
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from channelwatch.analytics.errors import AnalyticsInputError

FORMATS = (".csv", ".parquet", ".geojson", ".json")


def _clean(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def write_csv(rows: Sequence[Mapping[str, Any]], path: Path) -> int:
    if not rows:
        raise AnalyticsInputError(f"nothing to write to {path}")
    fields = list(rows[0].keys())
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
        w.writeheader()
        for r in rows:
            w.writerow({k: ("" if _clean(r.get(k)) is None else _clean(r.get(k))) for k in fields})
    return len(rows)


def write_parquet(
    rows: Sequence[Mapping[str, Any]], path: Path, metadata: Mapping[str, str] | None = None
) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    if not rows:
        raise AnalyticsInputError(f"nothing to write to {path}")
    table = pa.Table.from_pylist([{k: _clean(v) for k, v in r.items()} for r in rows])
    if metadata:
        merged = dict(table.schema.metadata or {})
        merged.update({k.encode(): v.encode() for k, v in metadata.items()})
        table = table.replace_schema_metadata(merged)
    pq.write_table(table, path)
    return len(rows)


def geojson_features(rows: Sequence[Mapping[str, Any]]) -> tuple[dict[str, Any], int]:
    """A FeatureCollection of points from rows with ``lat``/``lon``; and how many had none."""
    features = []
    without = 0
    for r in rows:
        lat, lon = r.get("lat"), r.get("lon")
        if lat is None or lon is None:
            without += 1
            continue
        props = {k: _clean(v) for k, v in r.items() if k not in ("lat", "lon")}
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [float(lon), float(lat)]},
                "properties": props,
            }
        )
    return {"type": "FeatureCollection", "features": features}, without


def write_geojson(
    rows: Sequence[Mapping[str, Any]], path: Path, attribution: str | None = None
) -> int:
    collection, _ = geojson_features(rows)
    if not collection["features"]:
        raise AnalyticsInputError(f"no rows with coordinates to write to {path}")
    if attribution:
        collection["attribution"] = attribution
    path.write_text(json.dumps(collection, ensure_ascii=False), encoding="utf-8")
    return len(collection["features"])


def write_table(
    rows: Sequence[Mapping[str, Any]],
    path: Path,
    attribution: str | None = None,
    geo: bool = False,
) -> int:
    """Write ``rows`` in the format of ``path``'s suffix; returns how many rows were written."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return write_csv(rows, path)
    if suffix == ".parquet":
        meta = {"attribution": attribution} if attribution else None
        return write_parquet(rows, path, meta)
    if suffix == ".geojson":
        if not geo:
            raise AnalyticsInputError(f"{path}: GeoJSON needs records with coordinates")
        return write_geojson(rows, path, attribution)
    if suffix == ".json":
        path.write_text(
            json.dumps([{k: _clean(v) for k, v in r.items()} for r in rows], ensure_ascii=False),
            encoding="utf-8",
        )
        return len(rows)
    raise AnalyticsInputError(
        f"{path}: unsupported export format {suffix!r} (use {', '.join(FORMATS)})"
    )
