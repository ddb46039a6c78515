from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pyproj
import pytest

from channelwatch.errors import InputError
from channelwatch.geo import METRES_PER_NM, LocalProjection, bearing_deg, haversine_m
from channelwatch.search.grid import grid_covering
from channelwatch.search.probability_map import build_probability_map, summarise_scenarios
from channelwatch.search.scenario import (
    GaussianScenario,
    Lkp,
    Underway,
    gaussian_cloud,
)

T0 = datetime(2024, 9, 3, 4, 0, tzinfo=UTC)
GEOD = pyproj.Geod(ellps="WGS84")


def geodesic_m(lat1: float, lon1: float, lat2: np.ndarray, lon2: np.ndarray) -> np.ndarray:
    """Ellipsoidal distance (the projection is ellipsoidal; haversine's sphere is 0.3 % off)."""
    n = np.size(lat2)
    _, _, d = GEOD.inv(np.full(n, lon1), np.full(n, lat1), np.ravel(lon2), np.ravel(lat2))
    return np.asarray(d)


# Off Cap Gris-Nez, in the Dover Strait.
LKP = Lkp(50.90, 1.50, T0, radius_m=300.0)


def test_dead_reckoning_by_hand() -> None:
    # 4 kn for 2 h on 315° from the LKP, no errors: the datum is 8 NM to the NW.
    scn = GaussianScenario(
        "dr",
        1.0,
        LKP,
        "small_boat_10m",
        underway=Underway(315.0, 4.0, course_sd_deg=0.0, speed_sd_kn=0.0),
        drift_error_kn=0.0,
        probable_error_m=1e-6,
    )
    cloud = gaussian_cloud(scn, T0 + timedelta(hours=2), 100, np.random.default_rng(0))
    d = geodesic_m(LKP.lat, LKP.lon, cloud.lat, cloud.lon)
    assert d == pytest.approx(np.full(100, 8 * METRES_PER_NM), rel=2e-4)
    assert bearing_deg(LKP.lat, LKP.lon, cloud.lat[0], cloud.lon[0]) == pytest.approx(315, abs=0.1)


def test_stop_window_spreads_along_track() -> None:
    # Stopped at a time uniform in [T0 + 1 h, T0 + 2 h] at 6 kn: 6 to 12 NM along 0°.
    scn = GaussianScenario(
        "window",
        1.0,
        LKP,
        "small_boat_10m",
        underway=Underway(0.0, 6.0, 0.0, 0.0, T0 + timedelta(hours=1), T0 + timedelta(hours=2)),
        drift_error_kn=0.0,
        probable_error_m=1e-6,
    )
    cloud = gaussian_cloud(scn, T0 + timedelta(hours=3), 20_000, np.random.default_rng(1))
    d_nm = geodesic_m(LKP.lat, LKP.lon, cloud.lat, cloud.lon) / METRES_PER_NM
    assert d_nm.min() >= 6.0 - 1e-3 and d_nm.max() <= 12.0 + 1e-3
    assert np.median(d_nm) == pytest.approx(9.0, abs=0.1)


def test_drift_and_error_growth() -> None:
    # 1 kn towards 090° for 3 h; De = 0.3 kn × 3 h = 0.9 NM, X = 300 m: E = √(X² + De²).
    scn = GaussianScenario(
        "adrift", 1.0, LKP, "person_in_water", drift_set_deg=90.0, drift_rate_kn=1.0
    )
    cloud = gaussian_cloud(scn, T0 + timedelta(hours=3), 100_000, np.random.default_rng(2))
    proj = LocalProjection(LKP.lat, LKP.lon)
    each, _ = summarise_scenarios([cloud], proj)
    s = each[0]
    d = geodesic_m(LKP.lat, LKP.lon, np.array([s.datum_lat]), np.array([s.datum_lon]))
    assert d[0] == pytest.approx(3 * METRES_PER_NM, rel=0.01)
    expected_e = float(np.hypot(300.0, 0.9 * METRES_PER_NM))
    assert s.probable_error_m == pytest.approx(expected_e, rel=0.02)


def test_lkp_after_search_time_is_refused() -> None:
    scn = GaussianScenario("late", 1.0, LKP, "raft_4")
    with pytest.raises(InputError, match="after the search"):
        gaussian_cloud(scn, T0 - timedelta(hours=1), 10, np.random.default_rng(0))


def test_mixture_weights_and_map_mass() -> None:
    rng = np.random.default_rng(3)
    far = Lkp(51.00, 1.60, T0, 300.0)
    a = gaussian_cloud(
        GaussianScenario("a", 3.0, LKP, "raft_4", drift_error_kn=0.1),
        T0 + timedelta(hours=1),
        20_000,
        rng,
    )
    b = gaussian_cloud(
        GaussianScenario("b", 1.0, far, "raft_4", drift_error_kn=0.1),
        T0 + timedelta(hours=1),
        20_000,
        rng,
    )
    proj = LocalProjection(50.95, 1.55)
    xs, ys = [], []
    for c in (a, b):
        x, y = proj.to_xy(c.lat, c.lon)
        xs.append(x)
        ys.append(y)
    grid = grid_covering(proj, np.concatenate(xs), np.concatenate(ys), cell_m=200.0)
    pmap = build_probability_map(grid, [a, b])
    assert pmap.scenario_weights == pytest.approx((0.75, 0.25))
    assert pmap.contained == pytest.approx(1.0, abs=1e-3)
    assert (pmap.p >= 0).all()
    # The mass near each LKP is that scenario's weight.
    glat, glon = grid.centres_latlon()
    near_a = haversine_m(glat, glon, LKP.lat, LKP.lon) < 5000
    near_b = haversine_m(glat, glon, far.lat, far.lon) < 5000
    assert pmap.p[near_a].sum() == pytest.approx(0.75, abs=0.01)
    assert pmap.p[near_b].sum() == pytest.approx(0.25, abs=0.01)
    _, mix = summarise_scenarios([a, b], proj)
    assert mix.datum_lat == pytest.approx(0.75 * 50.90 + 0.25 * 51.00, abs=2e-3)


def test_sea_mask_moves_mass_off_land() -> None:
    rng = np.random.default_rng(4)
    c = gaussian_cloud(
        GaussianScenario("a", 1.0, LKP, "raft_4"), T0 + timedelta(hours=1), 5000, rng
    )
    proj = LocalProjection(LKP.lat, LKP.lon)
    x, y = proj.to_xy(c.lat, c.lon)
    grid = grid_covering(proj, x, y, cell_m=250.0)
    gx, _ = grid.centres_xy()
    sea = (gx < 0).astype(float)  # pretend the east half is land
    pmap = build_probability_map(grid, [c], sea_mask=sea)
    assert pmap.p[gx >= 0].sum() == 0.0
    assert pmap.contained == pytest.approx(build_probability_map(grid, [c]).contained)
    assert pmap.land_mass_moved == pytest.approx(0.5, abs=0.05)


def test_grid_refuses_too_many_cells() -> None:
    proj = LocalProjection(51.0, 1.5)
    with pytest.raises(InputError, match="per side"):
        grid_covering(proj, np.array([0.0, 500_000.0]), np.array([0.0, 0.0]), cell_m=100.0)
