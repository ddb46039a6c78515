"""The Monte Carlo run: analytic cases, back-tracking, stranding, coverage, reproducibility."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pyproj
import pytest

from channelwatch.drift import (
    ConstantReader,
    DriftInputError,
    Forcing,
    GridReader,
    OutsideTimeCoverageError,
    ParticleStatus,
    Quantity,
    get_leeway_class,
    run_leeway,
)
from channelwatch.drift.leeway import LeewayClass, SideCoefficients
from channelwatch.geo import haversine_m

START = datetime(2024, 3, 1, 12, tzinfo=UTC)


def const(wind: tuple[float, float], current: tuple[float, float]) -> Forcing:
    return Forcing.build(
        [ConstantReader({Quantity.WIND: wind})], [ConstantReader({Quantity.CURRENT: current})]
    )


def exact_class(dw: float, cw: float) -> LeewayClass:
    """A class without scatter: downwind ``dw`` %, right side ``cw`` %, left side ``-cw`` %."""
    return LeewayClass(
        999,
        "TEST",
        0,
        "test",
        SideCoefficients(dw, 0.0, 0.0),
        SideCoefficients(cw, 0.0, 0.0),
        SideCoefficients(-cw, 0.0, 0.0),
    )


def test_pure_wind_right_side_goes_right_of_downwind() -> None:
    # wind towards north at 10 m/s, no current: 3 % downwind, 1 % crosswind
    res = run_leeway(
        const((0.0, 10.0), (0.0, 0.0)),
        exact_class(3.0, 1.0),
        51.0,
        1.5,
        START,
        timedelta(hours=1),
        rng=np.random.default_rng(0),
        n_particles=400,
        jibe_probability_per_hour=0.0,
    )
    from channelwatch.geo import LocalProjection

    x, y = LocalProjection(51.0, 1.5).to_xy(res.lat[-1], res.lon[-1])
    assert np.allclose(y, 0.30 * 3600, atol=2.0)  # north
    right = x > 0
    assert 0.35 < right.mean() < 0.65  # each side has about half
    assert np.allclose(
        np.abs(x), 0.10 * 3600, atol=2.0
    )  # east for the right side, west for the left


def test_current_only_object_moves_with_the_current() -> None:
    sldmb = get_leeway_class("SLDMB")  # no windage at all
    res = run_leeway(
        const((15.0, -3.0), (1.0, 0.0)),
        sldmb,
        60.0,
        4.0,
        START,
        timedelta(hours=2),
        rng=np.random.default_rng(1),
        n_particles=10,
    )
    _, _, d = pyproj.Geod(ellps="WGS84").inv(
        np.full(10, 4.0), np.full(10, 60.0), res.lon[-1].astype(float), res.lat[-1].astype(float)
    )
    assert np.allclose(d, 7200.0, rtol=1e-4)
    assert np.allclose(res.lat[-1], 60.0, atol=1e-4)


def test_backward_undoes_forward_on_steady_forcing() -> None:
    forcing = const((4.0, 7.0), (0.3, -0.2))
    cls = exact_class(2.5, 0.0)
    fwd = run_leeway(
        forcing,
        cls,
        50.9,
        1.4,
        START,
        timedelta(hours=6),
        rng=np.random.default_rng(2),
        n_particles=50,
        jibe_probability_per_hour=0.0,
    )
    end = fwd.times[-1]
    back = run_leeway(
        forcing,
        cls,
        fwd.lat[-1],
        fwd.lon[-1],
        end,
        timedelta(hours=6),
        rng=np.random.default_rng(3),
        n_particles=50,
        backward=True,
        jibe_probability_per_hour=0.0,
    )
    assert back.times[0] == end and back.times[-1] == START
    assert [t for t in back.times] == sorted(back.times, reverse=True)
    assert np.allclose(back.lat[-1], fwd.lat[0], atol=1e-5) and np.allclose(
        back.lon[-1], fwd.lon[0], atol=1e-5
    )


def test_same_seed_same_run_and_outputs_every_hour() -> None:
    kw = dict(
        rng=None,
        n_particles=300,
        radius_m=200.0,
        step=timedelta(minutes=10),
        output_step=timedelta(minutes=30),
    )
    forcing = const((-6.0, 8.0), (0.2, 0.1))
    runs = []
    for seed in (5, 5, 6):
        kw["rng"] = np.random.default_rng(seed)
        runs.append(run_leeway(forcing, "PIW-1", 51.0, 1.6, START, timedelta(hours=3), **kw))  # type: ignore[arg-type]
    assert np.array_equal(runs[0].lat, runs[1].lat)
    assert not np.array_equal(runs[0].lat, runs[2].lat)
    assert len(runs[0].times) == 7 and runs[0].times[1] - runs[0].times[0] == timedelta(minutes=30)


def test_stranding_stops_particles_at_the_coast() -> None:
    coast_lon = 1.52

    def land(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
        return lon > coast_lon

    res = run_leeway(
        const((10.0, 0.0), (0.2, 0.0)),
        "LIFE-RAFT-NB-1",
        51.0,
        1.5,
        START,
        timedelta(hours=4),
        rng=np.random.default_rng(4),
        n_particles=500,
        radius_m=50.0,
        land=land,
    )
    st = res.status[-1]
    assert (st == ParticleStatus.STRANDED).mean() > 0.9
    lon_s = res.lon[-1][st == ParticleStatus.STRANDED]
    assert (lon_s > coast_lon).all() and (lon_s < coast_lon + 0.0005).all()  # on the land side
    # once stranded, a particle stays where it stranded
    k = int(np.argmax((res.status == ParticleStatus.STRANDED).any(axis=1)))
    first = res.status[k] == ParticleStatus.STRANDED
    assert np.array_equal(res.lon[k][first], res.lon[-1][first])


def test_particles_seeded_on_land_are_stranded_at_once() -> None:
    res = run_leeway(
        const((0.0, 5.0), (0.0, 0.0)),
        "PIW-1",
        51.0,
        1.5,
        START,
        timedelta(hours=1),
        rng=np.random.default_rng(0),
        n_particles=20,
        land=lambda lat, lon: np.ones(lat.shape, bool),
    )
    assert (res.status[0] == ParticleStatus.STRANDED).all()
    assert np.array_equal(res.lat[0], res.lat[-1])


def test_leaving_the_forcing_deactivates(shared_data: Path) -> None:
    norway = shared_data / "drift" / "norkyst_arome_16nov2015"
    current = GridReader(norway / "norkyst800_subset_16Nov2015.nc")
    forcing = Forcing.build([ConstantReader({Quantity.WIND: (-20.0, 0.0)})], [current])
    # strong wind to the west, 40 km inside the grid's western edge (3.05E at 60.5N)
    res = run_leeway(
        forcing,
        "SPORT-BOAT",
        60.5,
        3.8,
        datetime(2015, 11, 16, tzinfo=UTC),
        timedelta(hours=12),
        rng=np.random.default_rng(0),
        n_particles=200,
    )
    assert (res.status[1] == ParticleStatus.ACTIVE).all()
    assert (res.status[-1] == ParticleStatus.OUT_OF_COVERAGE).all()
    # each stopped where it was first found without forcing: outside the grid by less than a
    # step (up to 2 km, 2.5 cells)
    loc = current.locator(Quantity.CURRENT)
    fi, fj = loc.locate(res.lat[-1].astype(float), res.lon[-1].astype(float))
    nrows, ncols = loc.shape
    to_edge = np.minimum.reduce([fi, fj, ncols - 1 - fi, nrows - 1 - fj])
    assert (to_edge < 0).all() and (to_edge > -2.5).all()


def test_time_outside_forcing_fails_before_running(shared_data: Path) -> None:
    norway = shared_data / "drift" / "norkyst_arome_16nov2015"
    forcing = Forcing.build(
        [GridReader(norway / "arome_subset_16Nov2015.nc")],
        [GridReader(norway / "norkyst800_subset_16Nov2015.nc")],
    )
    calls: list[int] = []
    with pytest.raises(OutsideTimeCoverageError, match="2015-11-18T19:45:00Z"):
        run_leeway(
            forcing,
            26,
            60.0,
            4.0,
            datetime(2015, 11, 17, tzinfo=UTC),
            timedelta(hours=44),
            rng=np.random.default_rng(0),
            n_particles=10,
            progress=lambda d, n: calls.append(d),
        )
    assert calls == []


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"start": datetime(2024, 1, 1)}, "time zone"),
        ({"duration": timedelta(minutes=20)}, "whole number of steps"),
        ({"duration": timedelta(0)}, "positive"),
        ({"step": timedelta(minutes=-5)}, "positive"),
        ({"output_step": timedelta(minutes=20)}, "multiple"),
        ({"n_particles": 0}, "at least 1"),
        ({"radius_m": -1.0}, "non-negative"),
        ({"jibe_probability_per_hour": 1.5}, "jibe"),
        ({"wind_uncertainty_ms": -0.1}, "uncertainty"),
    ],
)
def test_bad_parameters_are_input_errors(kwargs: dict[str, object], match: str) -> None:
    args: dict[str, object] = {
        "start": START,
        "duration": timedelta(hours=1),
        "rng": np.random.default_rng(0),
        "n_particles": 5,
    }
    args.update(kwargs)
    with pytest.raises(DriftInputError, match=match):
        run_leeway(const((1.0, 1.0), (0.0, 0.0)), "PIW-1", 51.0, 1.5, **args)  # type: ignore[arg-type]


def test_jibing_rate() -> None:
    # with p = 0.5 per hour and no crosswind scatter, a particle's side after 1 h tells whether
    # it jibed an odd number of times: P(odd) = (1 - (1 - 2q)^4) / 2 with q the per-step chance
    q = 1 - 0.5**0.25
    p_odd = (1 - (1 - 2 * q) ** 4) / 2
    n = 20_000
    res = run_leeway(
        const((0.0, 10.0), (0.0, 0.0)),
        exact_class(0.0, 2.0),
        51.0,
        1.5,
        START,
        timedelta(hours=1),
        rng=np.random.default_rng(9),
        n_particles=n,
        jibe_probability_per_hour=0.5,
        output_step=timedelta(minutes=15),
    )
    side_first_step = np.sign(res.lon[1] - res.lon[0])
    side_last_step = np.sign(res.lon[-1] - res.lon[-2])
    changed = (side_first_step != side_last_step).mean()
    # the last step's side differs from the first's after 3 jibing chances
    p3 = (1 - (1 - 2 * q) ** 3) / 2
    assert abs(changed - p3) < 4 * np.sqrt(p3 * (1 - p3) / n)
    assert p_odd > p3  # (the process keeps mixing)


def test_wind_uncertainty_widens_the_cloud() -> None:
    forcing = const((0.0, 10.0), (0.0, 0.0))
    spread = []
    for sd in (0.0, 3.0):
        res = run_leeway(
            forcing,
            exact_class(3.0, 0.0),
            51.0,
            1.5,
            START,
            timedelta(hours=6),
            rng=np.random.default_rng(1),
            n_particles=2000,
            wind_uncertainty_ms=sd,
            current_uncertainty_ms=sd / 10,
            jibe_probability_per_hour=0.0,
        )
        spread.append(float(np.std(res.lat[-1])))
    # without noise the particles stay together (to float32 rounding of the output)
    assert spread[0] < 1e-5 and spread[1] > 1e-3


def test_real_forcing_round_trip_converges_with_the_step(shared_data: Path) -> None:
    # forward 6 h then back 6 h on the real fields, without scatter: forward Euler is first
    # order, so the start is missed by about one step's displacement, a third as much with a
    # third of the step
    norway = shared_data / "drift" / "norkyst_arome_16nov2015"
    forcing = Forcing.build(
        [GridReader(norway / "arome_subset_16Nov2015.nc")],
        [GridReader(norway / "norkyst800_subset_16Nov2015.nc")],
    )
    cls = exact_class(3.7, 0.0)
    t0 = datetime(2015, 11, 16, 6, tzinfo=UTC)
    lat0 = np.linspace(59.8, 60.4, 30)
    lon0 = np.full(30, 4.2)
    misses = []
    for minutes in (15, 5):
        kw = {
            "rng": np.random.default_rng(0),
            "n_particles": 30,
            "jibe_probability_per_hour": 0.0,
            "step": timedelta(minutes=minutes),
        }
        fwd = run_leeway(forcing, cls, lat0, lon0, t0, timedelta(hours=6), **kw)  # type: ignore[arg-type]
        assert (fwd.status[-1] == 0).all()
        assert haversine_m(lat0, lon0, fwd.lat[-1], fwd.lon[-1]).min() > 5000.0
        back = run_leeway(
            forcing, cls, fwd.lat[-1], fwd.lon[-1], fwd.times[-1], timedelta(hours=6),
            backward=True, **kw,  # type: ignore[arg-type]
        )  # fmt: skip
        misses.append(float(np.median(haversine_m(lat0, lon0, back.lat[-1], back.lon[-1]))))
    assert misses[1] < 0.5 * misses[0] and misses[1] < 1000.0


def test_step_from_dividing_the_duration() -> None:
    # the search layer divides an arbitrary duration into whole steps (microsecond rounding)
    duration = timedelta(hours=5, minutes=7, seconds=13)
    n = 21
    res = run_leeway(
        const((3.0, 3.0), (0.0, 0.1)),
        "PIW-1",
        51.0,
        1.5,
        START,
        duration,
        rng=np.random.default_rng(0),
        n_particles=10,
        step=duration / n,
        output_step=None,
    )
    assert len(res.times) == 2
    assert abs((res.times[-1] - START - duration).total_seconds()) < 1e-3


def test_rk2_is_second_order(shared_data: Path) -> None:
    norway = shared_data / "drift" / "norkyst_arome_16nov2015"
    forcing = Forcing.build(
        [GridReader(norway / "arome_subset_16Nov2015.nc")],
        [GridReader(norway / "norkyst800_subset_16Nov2015.nc")],
    )
    cls = exact_class(3.7, 0.0)
    t0 = datetime(2015, 11, 16, 6, tzinfo=UTC)
    lat0 = np.linspace(59.8, 60.4, 20)
    lon0 = np.full(20, 4.2)

    def end(scheme: str, minutes: int) -> tuple[np.ndarray, np.ndarray]:
        r = run_leeway(
            forcing, cls, lat0, lon0, t0, timedelta(hours=6), rng=np.random.default_rng(0),
            n_particles=20, jibe_probability_per_hour=0.0, step=timedelta(minutes=minutes),
            scheme=scheme,  # type: ignore[arg-type]
        )  # fmt: skip
        return r.lat[-1].astype(float), r.lon[-1].astype(float)

    ref = end("rk2", 2)
    err = {
        (s, m): float(np.median(haversine_m(*ref, *end(s, m))))
        for s in ("euler", "rk2")
        for m in (30, 15)
    }
    # halving the step halves Euler's error and quarters Heun's (measured: 2.0 and 3.9)
    assert 1.5 < err[("euler", 30)] / err[("euler", 15)] < 2.7
    assert err[("rk2", 30)] / err[("rk2", 15)] > 2.8
    assert err[("rk2", 15)] < 0.25 * err[("euler", 15)]
