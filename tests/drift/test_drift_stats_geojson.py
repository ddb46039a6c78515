"""Cloud statistics (STATS.json) and the GeoJSON of the final cloud."""

from __future__ import annotations

import json

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from channelwatch.drift import cloud_stats
from channelwatch.drift.geojson import cloud_geojson, density_polygons
from channelwatch.drift.output import stats_document
from channelwatch.geo import LocalProjection

STATS_KEYS = [
    "n",
    "centroid_lon",
    "centroid_lat",
    "std_east_km",
    "std_north_km",
    "r50_km",
    "r90_km",
]


def _gaussian_cloud(
    lat0: float, lon0: float, sd_east_m: float, sd_north_m: float, n: int, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.normal(0, sd_east_m, n)
    y = rng.normal(0, sd_north_m, n)
    return LocalProjection(lat0, lon0).to_latlon(x, y)


def test_stats_of_a_gaussian_cloud() -> None:
    sd = 5000.0
    lat, lon = _gaussian_cloud(51.0, 1.5, sd, sd, 200_000, 0)
    s = cloud_stats(lat, lon)
    assert s.n == 200_000
    assert abs(s.centroid_lat - 51.0) < 1e-3 and abs(s.centroid_lon - 1.5) < 1e-3
    assert abs(s.std_east_km - 5.0) < 0.05 and abs(s.std_north_km - 5.0) < 0.05
    # radius of a circular 2-D Gaussian: median σ·√(2 ln 2), 90th percentile σ·√(2 ln 10)
    assert abs(s.r50_km - 5.0 * np.sqrt(2 * np.log(2))) < 0.05
    assert abs(s.r90_km - 5.0 * np.sqrt(2 * np.log(10))) < 0.08


def test_stats_document_has_exactly_the_specified_keys() -> None:
    lat, lon = _gaussian_cloud(60.0, 4.0, 100.0, 300.0, 50, 1)
    doc = stats_document(cloud_stats(lat, lon))
    assert list(doc) == STATS_KEYS
    json.dumps(doc)


def test_empty_cloud() -> None:
    s = cloud_stats([], [])
    assert s.n == 0 and np.isnan(s.centroid_lat) and np.isnan(s.r90_km)


@settings(max_examples=12, deadline=None)
@given(
    lat0=st.floats(-60.0, 60.0),
    lon0=st.floats(-179.0, 179.0),
    sd_e=st.floats(50.0, 20_000.0),
    sd_n=st.floats(50.0, 20_000.0),
)
def test_stats_measure_spread_independently_of_place(
    lat0: float, lon0: float, sd_e: float, sd_n: float
) -> None:
    lat, lon = _gaussian_cloud(lat0, lon0, sd_e, sd_n, 10_000, 2)
    s = cloud_stats(lat, lon)
    assert abs(s.std_east_km / (sd_e / 1000) - 1) < 0.04
    assert abs(s.std_north_km / (sd_n / 1000) - 1) < 0.04
    assert s.r50_km < s.r90_km


def test_stats_across_the_antimeridian() -> None:
    lat, lon = _gaussian_cloud(10.0, 180.0, 2000.0, 2000.0, 10_000, 3)
    s = cloud_stats(lat, lon)
    assert abs(abs(s.centroid_lon) - 180.0) < 0.01
    assert abs(s.std_east_km - 2.0) < 0.1


def _inside(geom_json: dict, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    import shapely
    from shapely.geometry import shape

    return np.asarray(shapely.contains_xy(shape(geom_json), lon, lat))


def test_geojson_hull_and_density_regions_hold_their_share() -> None:
    lat, lon = _gaussian_cloud(51.0, 1.5, 3000.0, 8000.0, 40_000, 4)
    fc = cloud_geojson(lat, lon, properties={"object_class": "PIW-1"})
    json.dumps(fc)
    kinds = [f["properties"]["kind"] for f in fc["features"]]
    assert kinds == ["hull", "density", "density", "centroid"]
    hull, d50, d90, centroid = fc["features"]
    assert _inside(hull["geometry"], lat, lon).mean() > 0.99  # (points on the hull's edge)
    share50 = _inside(d50["geometry"], lat, lon).mean()
    share90 = _inside(d90["geometry"], lat, lon).mean()
    assert abs(share50 - 0.5) < 0.05 and abs(share90 - 0.9) < 0.04
    assert centroid["properties"]["n"] == 40_000
    assert hull["properties"]["object_class"] == "PIW-1"


def test_density_regions_split_with_the_cloud() -> None:
    a = _gaussian_cloud(51.0, 1.2, 1000.0, 1000.0, 5000, 5)
    b = _gaussian_cloud(51.0, 1.8, 1000.0, 1000.0, 5000, 6)
    regions = dict(density_polygons(np.r_[a[0], b[0]], np.r_[a[1], b[1]], (0.5,)))
    assert len(regions[0.5].geoms) == 2


def test_geojson_of_an_empty_cloud() -> None:
    assert cloud_geojson([], []) == {"type": "FeatureCollection", "features": []}
