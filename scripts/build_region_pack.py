"""Build the Dover Strait region pack (src/channelwatch/region/packs/dover_strait/) from the
real public data in ../shared/data. A developer tool: the product reads only the pack.

    .venv/bin/python scripts/build_region_pack.py [--shared ../shared/data]

What it does to each layer is written into the pack's NOTICE.md and region.yaml.
"""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import mapping, shape
from shapely.geometry.polygon import orient

REPO = Path(__file__).resolve().parents[1]
PACK = REPO / "src" / "channelwatch" / "region" / "packs" / "dover_strait"

# Lines (boundaries) are simplified at 7e-5 deg: at most 7.8 m N-S and 4.9 m E-W at 51N.
SIMPLIFY_DEG = 7e-5
A3_TO_ISO2 = {"FRA": "FR", "GBR": "GB", "BEL": "BE", "NLD": "NL"}
NE_NAME_TO_ISO2 = {"France": "FR", "United Kingdom": "GB", "Belgium": "BE", "Netherlands": "NL"}


def _round(geom: Any, ndigits: int = 6) -> Any:
    return shapely.set_precision(geom, 10.0**-ndigits)


def _fc(features: list[dict[str, Any]], name: str) -> dict[str, Any]:
    return {"type": "FeatureCollection", "name": name, "features": features}


def _write(path: Path, obj: dict[str, Any]) -> None:
    path.write_text(json.dumps(obj, ensure_ascii=False, separators=(",", ":")) + "\n")
    print(f"  {path.name}: {path.stat().st_size / 1024:.0f} KB")


def build(shared: Path) -> None:
    geo = shared / "geography"
    places = shared / "places"
    PACK.mkdir(parents=True, exist_ok=True)

    land_src = json.loads((geo / "land_osm_dover_strait.geojson").read_text())
    src = shapely.MultiPolygon([shape(f["geometry"]) for f in land_src["features"]])
    # The source is already at about 10 m detail (simplifying at 7e-5 deg drops only 9 % of the
    # vertices and lets neighbouring polygons overlap), so it is kept as is, on a 1e-6 deg grid
    # (0.1 m), snapped as one geometry so that no two polygons come to overlap.
    snapped = shapely.set_precision(src, 1e-6)
    feats = []
    for part in shapely.get_parts(snapped):
        if part.geom_type != "Polygon" or part.area == 0:
            continue
        part = orient(part, sign=1.0)  # exterior CCW, holes CW: land on the left
        feats.append({"type": "Feature", "properties": {}, "geometry": mapping(part)})
    out = shapely.MultiPolygon([shape(f["geometry"]) for f in feats])
    if not out.is_valid:
        raise SystemExit(f"land is not valid: {shapely.is_valid_reason(out)}")
    print(
        f"land: {shapely.get_num_coordinates(src)} -> {shapely.get_num_coordinates(out)} "
        f"vertices, {len(feats)} polygons, valid"
    )
    _write(PACK / "land.geojson", _fc(feats, "land"))

    ne = json.loads((geo / "naturalearth_countries_10m_countries_dover_strait.geojson").read_text())
    feats = [
        {
            "type": "Feature",
            "properties": {"country": NE_NAME_TO_ISO2[f["properties"]["name"]]},
            "geometry": mapping(_round(shape(f["geometry"]), 5)),
        }
        for f in ne["features"]
    ]
    _write(PACK / "countries.geojson", _fc(feats, "countries"))

    mar = json.loads((geo / "countries_maritime_osm_geomaps_dover_strait.geojson").read_text())
    feats = [
        {
            "type": "Feature",
            "properties": {"country": A3_TO_ISO2[f["properties"]["A3"]]},
            "geometry": mapping(_round(shape(f["geometry"]))),
        }
        for f in mar["features"]
    ]
    _write(PACK / "maritime.geojson", _fc(feats, "maritime"))

    lines = json.loads((geo / "derived_maritime_boundary_lines_dover_strait.geojson").read_text())
    feats = []
    for f in lines["features"]:
        g = shape(f["geometry"]).simplify(SIMPLIFY_DEG)
        pair = "FR-GB" if "GBR" in f["properties"]["name"] else "FR-BE"
        feats.append(
            {
                "type": "Feature",
                "properties": {"boundary": pair, "name": f["properties"]["name"]},
                "geometry": mapping(_round(g)),
            }
        )
    _write(PACK / "boundaries.geojson", _fc(feats, "boundaries"))

    for src, dst in [
        (geo / "sar_regions.geojson", "sar.geojson"),
        (geo / "dover_strait_tss.geojson", "tss.geojson"),
        (places / "rescue_stations.geojson", "stations.geojson"),
        (places / "beaches.geojson", "beaches.geojson"),
    ]:
        shutil.copyfile(src, PACK / dst)
        print(f"  {dst}: copied from {src.relative_to(shared)}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--shared", type=Path, default=REPO.parent / "shared" / "data")
    build(ap.parse_args().shared)


if __name__ == "__main__":
    main()
