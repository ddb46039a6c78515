from __future__ import annotations

import math

import numpy as np
import pytest

from channelwatch.errors import InputError
from channelwatch.geo import LocalProjection
from channelwatch.search.datum import (
    CEP50_PER_SIGMA,
    safety_factor,
    search_radius_m,
    summarise_cloud,
    total_probable_error_m,
)

PROJ = LocalProjection(51.0, 1.5)


def test_circular_gaussian_probable_error() -> None:
    rng = np.random.default_rng(7)
    sigma = 1500.0
    x = 2000.0 + sigma * rng.standard_normal(200_000)
    y = -1000.0 + sigma * rng.standard_normal(200_000)
    lat, lon = PROJ.to_latlon(x, y)
    s = summarise_cloud(lat, lon, np.ones(x.size), PROJ)
    assert s.probable_error_m == pytest.approx(CEP50_PER_SIGMA * sigma, rel=0.01)
    dlat, dlon = PROJ.to_latlon(2000.0, -1000.0)
    assert s.datum_lat == pytest.approx(float(dlat), abs=2e-4)
    assert s.datum_lon == pytest.approx(float(dlon), abs=3e-4)
    assert s.sd_major_m == pytest.approx(sigma, rel=0.02)


def test_principal_axis_of_an_elongated_cloud() -> None:
    rng = np.random.default_rng(8)
    along = 5000.0 * rng.standard_normal(50_000)
    across = 500.0 * rng.standard_normal(50_000)
    b = math.radians(45.0)  # major axis towards NE
    x = along * math.sin(b) + across * math.cos(b)
    y = along * math.cos(b) - across * math.sin(b)
    lat, lon = PROJ.to_latlon(x, y)
    s = summarise_cloud(lat, lon, np.ones(x.size), PROJ)
    assert s.major_axis_deg == pytest.approx(45.0, abs=1.0)
    assert s.sd_major_m == pytest.approx(5000.0, rel=0.03)
    assert s.sd_minor_m == pytest.approx(500.0, rel=0.03)


def test_weights_move_the_datum() -> None:
    lat = np.array([51.0, 51.1])
    lon = np.array([1.5, 1.5])
    s = summarise_cloud(lat, lon, np.array([3.0, 1.0]), PROJ)
    assert s.datum_lat == pytest.approx(51.025, abs=1e-4)


def test_iamsar_error_budget_by_hand() -> None:
    assert total_probable_error_m(3.0, 4.0, 12.0) == pytest.approx(13.0)
    assert [safety_factor(n) for n in range(1, 7)] == [1.1, 1.6, 2.0, 2.3, 2.5, 2.5]
    assert search_radius_m(1000.0, 2) == pytest.approx(1600.0)
    with pytest.raises(InputError):
        safety_factor(0)
    with pytest.raises(InputError):
        total_probable_error_m(-1.0, 0.0, 0.0)
