from __future__ import annotations

import json
import math
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

from channelwatch.geo import LocalProjection, haversine_m
from channelwatch.search.case import case_from_dict, units_from_dict
from channelwatch.search.geometry import Disc, Rectangle
from channelwatch.search.grid import SearchGrid
from channelwatch.search.plan import UnitCapability, plan_units, search_time_s
from channelwatch.search.service import make_plan

PROJ = LocalProjection(51.0, 1.5)


def _uniform_grid() -> tuple[SearchGrid, np.ndarray]:
    grid = SearchGrid(PROJ, -1000.0, -1000.0, 100.0, 20, 20)  # 2 km × 2 km, A = 4 km²
    return grid, np.full(grid.shape, 1.0 / 400.0)


@pytest.mark.parametrize("model", ["exponential", "inverse_cube"])
def test_uniform_map_one_unit_by_hand(model: str) -> None:
    # W = 100 m, L = V·T = 10 m/s × 4190 s = 41.9 km: exactly 20 legs of 2 km at S = 100 m
    # plus 19 cross legs of 100 m. The whole square is the best area (POC 1), so
    # POS = POD = 1 − exp(−W L / A) with C = 100 × 41 900 / 4e6 = 1.0475.
    grid, p = _uniform_grid()
    unit = UnitCapability("u1", sweep_width_m=100.0, search_speed_ms=10.0, search_time_s=4190.0)
    res = plan_units(grid, p, [unit], model=model, max_coverage=10.0)  # type: ignore[arg-type]
    (a,) = res.assignments
    assert isinstance(a.area, Rectangle)
    assert (a.area.half_u_m, a.area.half_v_m) == pytest.approx((1000.0, 1000.0))
    assert a.track_length_m == pytest.approx(41_900.0)
    assert a.track_spacing_m == pytest.approx(100.0)
    assert a.coverage == pytest.approx(1.0475)
    c = 100.0 * 41_900.0 / 4.0e6
    expected = 1 - math.exp(-c) if model == "exponential" else math.erf(math.sqrt(math.pi) / 2 * c)
    assert a.poc == pytest.approx(1.0)
    assert res.pos == pytest.approx(expected, rel=1e-12)
    assert a.pos == pytest.approx(expected, rel=1e-12)
    # The map after an unsuccessful search is uniform again, and sums to 1.
    assert res.p_after == pytest.approx(np.full(grid.shape, 1 / 400))
    if model == "exponential":
        # On a uniform map Stone's optimum is the same uniform spread: the plan reaches it
        # (less the 1.0475 vs Z/A = 1.0475 — identical here).
        assert res.optimal_pos == pytest.approx(expected, rel=1e-9)


def _two_blobs() -> tuple[SearchGrid, np.ndarray]:
    grid = SearchGrid(PROJ, -20_000.0, -5_000.0, 250.0, 160, 40)
    gx, gy = grid.centres_xy()
    p = np.exp(-((gx + 12_000) ** 2 + gy**2) / (2 * 1500.0**2))
    p += np.exp(-((gx - 12_000) ** 2 + gy**2) / (2 * 1500.0**2))
    return grid, p / p.sum()


def test_two_units_two_blobs_do_not_overlap() -> None:
    grid, p = _two_blobs()
    units = [
        UnitCapability("a", 1852.0, 10.0, 3 * 3600.0),
        UnitCapability("b", 1852.0, 10.0, 3 * 3600.0),
    ]
    res = plan_units(grid, p, units, centres_xy=[(-12_000.0, 0.0), (12_000.0, 0.0)])
    assert res.layout == "separate"
    a, b = res.assignments
    assert not (a.cells & b.cells).any()
    xs = sorted(a.area.cx_m if isinstance(a.area, Rectangle) else 0.0 for a in res.assignments)
    assert xs[0] == pytest.approx(-12_000.0, abs=1000) and xs[1] == pytest.approx(12_000, abs=1000)
    assert res.pos == pytest.approx(a.pos + b.pos)
    assert 0.5 < res.pos <= res.optimal_pos  # type: ignore[operator]
    assert res.p_after.sum() == pytest.approx(1.0)


def test_shared_layout_when_one_area_holds_everything() -> None:
    grid, p = _uniform_grid()
    units = [UnitCapability(f"u{k}", 50.0, 10.0, 2000.0 * (k + 1)) for k in range(3)]
    res = plan_units(grid, p, units)
    # On a uniform map one area cut in strips beats separate areas (which would leave cells
    # between them or give one unit all of it).
    assert res.layout == "shared"
    areas = [a.area.area_m2 for a in res.assignments]
    # strips in proportion to effort, 3 : 2 : 1 (largest first), tiling the whole grid
    assert areas == pytest.approx([2.0e6, 4.0e6 / 3, 2.0e6 / 3])
    # the same coverage planned for each: PODs within the rounding of whole track counts
    pods = [a.pod for a in res.assignments]
    assert max(pods) - min(pods) < 0.05
    cells = sum(a.cells.astype(int) for a in res.assignments)
    assert cells.max() == 1  # no cell searched twice
    assert res.pos <= res.optimal_pos + 1e-12  # type: ignore[operator]


def test_expanding_square_and_sector_search() -> None:
    grid, p = _two_blobs()
    ss = UnitCapability("ss", 500.0, 8.0, 2 * 3600.0, pattern="SS")
    vs = UnitCapability("vs", 200.0, 8.0, 1800.0, pattern="VS")
    res = plan_units(grid, p, [ss, vs], centres_xy=[(-12_000.0, 0.0), (12_000.0, 0.0)])
    by = {a.unit_id: a for a in res.assignments}
    sq = by["ss"].area
    assert isinstance(sq, Rectangle)
    assert sq.half_u_m == pytest.approx(sq.half_v_m, rel=0.3)
    legs = np.hypot(*np.diff(by["ss"].waypoints_xy, axis=0).T)
    s = by["ss"].track_spacing_m
    assert legs[:4] == pytest.approx([s, s, 2 * s, 2 * s])
    assert isinstance(by["vs"].area, Disc)
    d = by["vs"].area
    # the sector search starts and ends at its datum
    assert by["vs"].waypoints_xy[0] == pytest.approx([d.cx_m, d.cy_m])
    assert by["vs"].waypoints_xy[-1] == pytest.approx([d.cx_m, d.cy_m], abs=1e-6)
    assert by["vs"].track_length_m <= vs.track_length_m + 1e-6


def test_unit_without_sweep_width_or_time_is_skipped() -> None:
    grid, p = _uniform_grid()
    res = plan_units(
        grid, p, [UnitCapability("blind", 0.0, 10.0, 3600.0), UnitCapability("late", 100.0, 10, 0)]
    )
    assert not res.assignments
    assert dict(res.skipped) == {"blind": "no sweep width", "late": "no search time left"}
    assert res.pos == 0.0


def test_search_time_by_hand() -> None:
    # 4 h endurance, 18.52 km away at 10 kn: 2 × 1 h transit, 2 h on scene, 85 % searching.
    assert search_time_s(4.0, 18_520.0, 18_520.0 / 3600.0) == pytest.approx(0.85 * 2 * 3600)
    assert search_time_s(1.0, 18_520.0, 18_520.0 / 3600.0) == 0.0


UNITS_DOVER = {
    "units": [
        {
            "id": "Dover ALB",
            "type": "rnli_alb",
            "speed_kn": 15,
            "endurance_h": 6,
            "start": {"lat": 51.1205, "lon": 1.3135},
        },
        {
            "id": "Calais SNSM",
            "type": "snsm_lifeboat",
            "speed_kn": 15,
            "endurance_h": 6,
            "start": {"lat": 50.966, "lon": 1.853},
        },
    ]
}


def test_dover_strait_plan_with_real_geography(shared_data: Path) -> None:
    """Gaussian scenarios off Calais, units from the real stations, land from the region."""
    stations = json.loads((shared_data / "places" / "rescue_stations.geojson").read_text())
    starts = {f["properties"]["name"]: f["geometry"]["coordinates"] for f in stations["features"]}
    lon, lat = starts["Dover Lifeboat Station"]
    assert (lat, lon) == pytest.approx((51.1205, 1.3135))
    case = case_from_dict(
        {
            "case_id": "calais-test",
            "search_time": "2024-09-03T06:00:00Z",
            "conditions": {"visibility_nm": 5, "wind_kn": 12, "wave_height_m": 0.8},
            "scenarios": [
                {
                    "id": "near-shore",
                    "kind": "gaussian",
                    "weight": 0.7,
                    "object": "raft_25",
                    "lkp": {
                        "lat": 50.975,
                        "lon": 1.80,
                        "time": "2024-09-03T04:30:00Z",
                        "radius_m": 500,
                    },
                },
                {
                    "id": "mid-strait",
                    "kind": "gaussian",
                    "weight": 0.3,
                    "object": "raft_25",
                    "lkp": {
                        "lat": 51.03,
                        "lon": 1.60,
                        "time": "2024-09-03T04:30:00Z",
                        "radius_m": 1000,
                    },
                },
            ],
        },
        Path("."),
    )
    plan = make_plan(case, units_from_dict(UNITS_DOVER), rng=np.random.default_rng(5))
    from channelwatch.region import load_region

    region = load_region()
    glat, glon = plan.grid.centres_latlon()
    land = np.asarray(region.on_land(glat.ravel(), glon.ravel()), bool).reshape(plan.grid.shape)
    assert land.any()  # the grid reaches the French coast...
    assert plan.pmap.p[land].sum() == 0.0  # ...and no probability is left on land
    assert plan.pmap.land_mass_moved > 0.0
    assert plan.pmap.contained == pytest.approx(1.0, abs=0.01)
    assert 0.0 < plan.result.pos <= plan.result.optimal_pos  # type: ignore[operator]
    assert {a.unit_id for a in plan.result.assignments} <= {"Dover ALB", "Calais SNSM"}
    assert plan.mixture_summary.datum_lat == pytest.approx(0.7 * 50.975 + 0.3 * 51.03, abs=0.01)


def test_plan_on_real_drift_forcing(shared_data: Path) -> None:
    """A drift scenario run by the drift model on the NorKyst/AROME forcing (real, Norway)."""
    forcing = shared_data / "drift" / "norkyst_arome_16nov2015"
    case = case_from_dict(
        {
            "case_id": "norkyst",
            "search_time": "2015-11-16T03:00:00Z",
            "search_object": "raft_6",
            "scenarios": [
                {
                    "id": "drift",
                    "kind": "drift",
                    "weight": 0.8,
                    "object": "raft_6",
                    "object_class": "LIFE-RAFT-NB-1",
                    "particles": 1000,
                    "seed": 4,
                    "lkp": {
                        "lat": 59.6,
                        "lon": 4.5,
                        "time": "2015-11-16T00:00:00Z",
                        "radius_m": 200,
                    },
                    "forcing": {
                        "current": str(forcing / "norkyst800_subset_16Nov2015.nc"),
                        "wind": str(forcing / "arome_subset_16Nov2015.nc"),
                    },
                },
                {
                    "id": "no-forcing",
                    "kind": "gaussian",
                    "weight": 0.2,
                    "object": "raft_6",
                    "lkp": {
                        "lat": 59.6,
                        "lon": 4.5,
                        "time": "2015-11-16T00:00:00Z",
                        "radius_m": 200,
                    },
                },
            ],
        },
        Path("."),
    )
    units = units_from_dict(
        {
            "units": [
                {
                    "id": "heli",
                    "type": "helicopter",
                    "speed_kn": 90,
                    "endurance_h": 3,
                    "start": {"lat": 59.7, "lon": 4.9},
                }
            ]
        }
    )
    plan = make_plan(case, units, rng=np.random.default_rng(6), land_fn=False)
    drift, _ = plan.scenario_summaries
    cloud = plan.clouds[0]
    assert cloud.source == "drift" and cloud.lat.size > 900
    assert drift.datum_lat == pytest.approx(float(np.mean(cloud.lat)), abs=1e-3)
    moved = haversine_m(59.6, 4.5, drift.datum_lat, drift.datum_lon)
    assert moved > 1000.0  # 3 h of real wind and current moved it
    assert drift.probable_error_m > 200.0  # and spread it beyond the seed
    assert plan.result.pos > 0.3
    assert plan.pmap.scenario_weights == pytest.approx((0.8, 0.2))
    t = datetime(2015, 11, 16, 3, tzinfo=UTC)
    assert plan.case.search_time == t
