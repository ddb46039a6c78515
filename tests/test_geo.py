from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from channelwatch.geo import LocalProjection, bearing_deg, destination, haversine_m


def test_haversine_dover_calais() -> None:
    # Dover (51.1279N 1.3134E) to Calais (50.9513N 1.8587E): about 42 km on a chart.
    d = haversine_m(51.1279, 1.3134, 50.9513, 1.8587)
    assert 41_000 < d < 43_000


def test_bearing_cardinal() -> None:
    assert abs(bearing_deg(51.0, 1.0, 51.1, 1.0) - 0.0) < 1e-6
    assert abs(bearing_deg(51.0, 1.0, 51.0, 1.1) - 90.0) < 0.1


@given(st.floats(49.5, 52.0), st.floats(-1.0, 3.5), st.floats(0, 359.9), st.floats(1.0, 50_000.0))
def test_destination_round_trip(lat: float, lon: float, brg: float, dist: float) -> None:
    lat2, lon2 = destination(lat, lon, brg, dist)
    assert abs(haversine_m(lat, lon, lat2, lon2) - dist) < 1e-6 * dist + 1e-6


def test_local_projection_round_trip() -> None:
    proj = LocalProjection(51.0, 1.5)
    lat = np.array([50.5, 51.0, 51.4])
    lon = np.array([1.0, 1.5, 2.2])
    x, y = proj.to_xy(lat, lon)
    lat2, lon2 = proj.to_latlon(x, y)
    assert np.allclose(lat, lat2, atol=1e-9) and np.allclose(lon, lon2, atol=1e-9)
    # Metric: the projected distance agrees with the ellipsoidal geodesic to within 0.02 %.
    import pyproj

    _, _, geodesic_m = pyproj.Geod(ellps="WGS84").inv(lon[0], lat[0], lon[2], lat[2])
    dxy = np.hypot(x[2] - x[0], y[2] - y[0])
    assert abs(dxy / geodesic_m - 1) < 2e-4
