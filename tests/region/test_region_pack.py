"""A second area is a data pack, loaded without code changes; the cache is safe."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from channelwatch.region import RegionDataError, UnknownRegionError, load_region
from channelwatch.region.model import build_region


def _square(lon0: float, lat0: float, size: float) -> list[list[float]]:
    return [
        [lon0, lat0],
        [lon0 + size, lat0],
        [lon0 + size, lat0 + size],
        [lon0, lat0 + size],
        [lon0, lat0],
    ]


def _fc(features: list[dict]) -> str:
    return json.dumps({"type": "FeatureCollection", "features": features})


def _poly(coords: list[list[float]], **props: object) -> dict:
    return {
        "type": "Feature",
        "properties": props,
        "geometry": {"type": "Polygon", "coordinates": [coords]},
    }


def _point(lon: float, lat: float, **props: object) -> dict:
    return {
        "type": "Feature",
        "properties": props,
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
    }


def make_island_pack(root: Path) -> Path:
    """An invented 'Isola' region: one square island (a clockwise ring, to show that ring
    orientation in the data does not matter), split between two SAR regions."""
    pack = root / "isola"
    pack.mkdir()
    island = _square(12.4, 35.4, 0.2)[::-1]
    (pack / "land.geojson").write_text(_fc([_poly(island)]))
    (pack / "countries.geojson").write_text(_fc([_poly(_square(12.3, 35.3, 0.4), country="IS")]))
    (pack / "maritime.geojson").write_text(_fc([_poly(_square(12.3, 35.3, 0.4), country="IS")]))
    (pack / "sar.geojson").write_text(
        _fc(
            [
                _poly(
                    [[12.0, 35.0], [12.5, 35.0], [12.5, 36.0], [12.0, 36.0], [12.0, 35.0]],
                    element="sar_region",
                    country="W",
                    published=True,
                    derivation="x",
                ),
                _poly(
                    [[12.5, 35.0], [13.0, 35.0], [13.0, 36.0], [12.5, 36.0], [12.5, 35.0]],
                    element="sar_region",
                    country="E",
                    published=False,
                    derivation="y",
                ),
            ]
        )
    )
    (pack / "tss.geojson").write_text(_fc([]))
    (pack / "stations.geojson").write_text(
        _fc(
            [
                _point(
                    12.5,
                    35.6,
                    name="Porto",
                    country="IS",
                    kind="lifeboat_station",
                    operator="X",
                    boats=[{"class": "A", "type": "ALB", "max_speed_kn": 20}],
                    coord_quality="exact",
                    source="invented for a test",
                )
            ]
        )
    )
    (pack / "beaches.geojson").write_text(
        _fc(
            [
                _point(
                    12.5,
                    35.4,
                    name="South beach",
                    country="IS",
                    role="embarkation",
                    evidence="",
                    source="",
                )
            ]
        )
    )
    (pack / "region.yaml").write_text(
        "name: isola\ntitle: Isola (test)\nbbox: [12.0, 35.0, 13.0, 36.0]\n"
        "grid_cell_deg: [0.01, 0.01]\nnear_coast_m: 1000\n"
        "strips: {countries: [IS], widths_m: [500]}\nsar_centres: {W: West MRCC, E: East MRCC}\n"
        "layers: {land: land.geojson, countries: countries.geojson, "
        "territorial_sea: maritime.geojson, sar: sar.geojson, tss: tss.geojson, "
        "stations: stations.geojson, beaches: beaches.geojson}\n"
    )
    return pack


def test_a_second_region_is_only_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHANNELWATCH_CACHE_DIR", str(tmp_path / "cache"))
    pack = make_island_pack(tmp_path)
    r = load_region(pack)
    assert r.name == "isola"
    # the island's south shore is at 35.4N; 0.0027 deg of latitude is about 300 m
    w = r.where(35.4 - 0.0027, 12.5).to_dict()
    assert w["on_land"] is False
    assert w["distance_to_coast_m"] == pytest.approx(299.6, abs=2)
    assert w["in_strip_500m"] is True and "in_strip_300m" not in w
    assert w["sar_region"] == "W" or w["sar_region"] == "E"
    assert r.where(35.5, 12.45).to_dict()["on_land"] is True
    assert r.where(35.5, 12.45).to_dict()["sar_centre"] == "West MRCC"
    assert r.where(35.5, 12.55).to_dict()["sar_centre"] == "East MRCC"
    assert r.where(35.5, 12.5).to_dict()["distance_to_coast_m"] == pytest.approx(9_080, rel=0.01)
    st = r.nearest_stations(35.6, 12.6, k=1)[0]
    assert st[0].name == "Porto" and st[2] == pytest.approx(st[1] / 20 * 60)
    # found by name through CHANNELWATCH_REGION_PATH too
    monkeypatch.setenv("CHANNELWATCH_REGION_PATH", str(tmp_path))
    assert load_region("isola").name == "isola"


def test_unknown_region_and_broken_pack(tmp_path: Path) -> None:
    with pytest.raises(UnknownRegionError, match="unknown region 'atlantis'"):
        load_region("atlantis")
    pack = make_island_pack(tmp_path)
    (pack / "tss.geojson").unlink()
    with pytest.raises(RegionDataError, match="tss"):
        build_region(pack, use_cache=False)


def test_corrupt_cache_is_rebuilt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHANNELWATCH_CACHE_DIR", str(tmp_path / "cache"))
    pack = make_island_pack(tmp_path)
    first = build_region(pack)
    files = list((tmp_path / "cache" / "regions").glob("isola-*.npz"))
    assert len(files) == 1
    files[0].write_bytes(b"not an npz")
    again = build_region(pack)
    lat = np.linspace(35.3, 35.7, 50)
    lon = np.full(50, 12.45)
    assert np.array_equal(first.on_land(lat, lon), again.on_land(lat, lon))
