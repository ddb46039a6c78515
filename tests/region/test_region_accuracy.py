"""The fast index against an independent exact computation (GEOS on the projected coastline,
then the WGS84 geodesic), on random points and on points near the real coast."""

from __future__ import annotations

import numpy as np
import pyproj
import pytest
import shapely
from shapely.geometry import box

from channelwatch.geo import LocalProjection
from channelwatch.region import Region, load_region


@pytest.fixture(scope="module")
def region() -> Region:
    return load_region()


@pytest.fixture(scope="module")
def reference(region: Region) -> tuple[LocalProjection, object, object]:
    proj = LocalProjection(50.75, 1.25)
    lon0, lat0, lon1, lat1 = region.bbox
    # densify before projecting, so that long straight edges follow their parallel/meridian
    land = shapely.segmentize(region.land, 0.001)
    coast = shapely.difference(
        shapely.boundary(land), box(lon0, lat0, lon1, lat1).exterior.buffer(1e-7)
    )

    def to_m(g: object) -> object:
        return shapely.transform(g, lambda c: np.column_stack(proj.to_xy(c[:, 1], c[:, 0])))

    return proj, to_m(coast), to_m(land)


def _exact(ref: tuple[LocalProjection, object, object], lat: np.ndarray, lon: np.ndarray):
    proj, coast_m, land_m = ref
    x, y = proj.to_xy(lat, lon)
    pts = shapely.points(x, y)
    ends = shapely.get_coordinates(shapely.shortest_line(pts, coast_m)).reshape(-1, 2, 2)
    la2, lo2 = proj.to_latlon(ends[:, 1, 0], ends[:, 1, 1])
    _, _, d = pyproj.Geod(ellps="WGS84").inv(lon, lat, lo2, la2)
    return np.asarray(d), shapely.contains_xy(land_m, x, y)


def test_near_the_coast_distance_and_side_are_exact(region: Region, reference) -> None:
    rng = np.random.default_rng(7)
    seg = shapely.get_coordinates(shapely.boundary(region.land))
    pick = seg[rng.integers(0, len(seg), 4000)]
    lon = pick[:, 0] + rng.normal(0, 0.004, len(pick))
    lat = pick[:, 1] + rng.normal(0, 0.003, len(pick))
    lon0, lat0, lon1, lat1 = region.bbox
    m = (lon > lon0 + 0.01) & (lon < lon1 - 0.01) & (lat > lat0 + 0.01) & (lat < lat1 - 0.01)
    lon, lat = lon[m], lat[m]
    d_ref, land_ref = _exact(reference, lat, lon)
    d = region.distance_to_coast_m(lat, lon)
    near = d_ref < 1000
    assert near.sum() > 1000
    # within 1 km of the coast the index is exact up to the flat-earth metric (< 1 m)
    assert np.max(np.abs(d[near] - d_ref[near])) < 1.0
    assert np.array_equal(region.on_land(lat, lon), land_ref)


def test_random_points_far_field(region: Region, reference) -> None:
    rng = np.random.default_rng(11)
    lon0, lat0, lon1, lat1 = region.bbox
    lon = rng.uniform(lon0 + 0.01, lon1 - 0.01, 3000)
    lat = rng.uniform(lat0 + 0.01, lat1 - 0.01, 3000)
    d_ref, land_ref = _exact(reference, lat, lon)
    d = region.distance_to_coast_m(lat, lon)
    err = d - d_ref
    # never nearer than the truth, up to the flat-earth metric's error (each answer is a real
    # distance to a real segment) ...
    assert np.all(err > -(2e-4 * d_ref + 1.0))
    # ... and far from the coast within 1 % (documented bound; typically a few metres)
    assert np.all(err <= 0.01 * d_ref + 1.0)
    assert np.array_equal(region.on_land(lat, lon), land_ref)


def test_strips_follow_distance_and_country(region: Region) -> None:
    rng = np.random.default_rng(3)
    b = [x for x in region.beaches if x.country == "FR"]
    lon = np.array([x.lon for x in b]).repeat(50) + rng.normal(0, 0.004, len(b) * 50)
    lat = np.array([x.lat for x in b]).repeat(50) + rng.normal(0, 0.003, len(b) * 50)
    d = region.distance_to_coast_m(lat, lon)
    land = region.on_land(lat, lon)
    country = region.coast_country(lat, lon)
    for w in (200, 300):
        expect = (~land) & (d <= w) & np.isin(country, ["FR", "BE"])
        got = region.in_strip(lat, lon, w)
        assert np.array_equal(got, expect)
        assert got.sum() > 50  # the sample does reach into the strips
