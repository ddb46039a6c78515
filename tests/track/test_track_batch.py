"""Plots that are not a full sweep, taken many at once: KinematicTracker.step_batch and
Tracker.ingest_contacts give what taking them one at a time gives, and count no misses."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from channelwatch.geo import LocalProjection
from channelwatch.ingest.observation import AisPosition, ContactReport, Sensor
from channelwatch.track import KinematicTracker, Tracker, TrackerConfig, TrackInputError
from channelwatch.track.io import read_detections_csv, read_truth_csv
from channelwatch.track.metrics import gospa

PROJ = LocalProjection(51.0, 1.45)
T0 = datetime(2024, 6, 1, 3, 0, tzinfo=UTC)


def _report(t: datetime, xy: np.ndarray, sensor_id: str, **kw: object) -> ContactReport:
    lat, lon = PROJ.to_latlon(xy[0], xy[1])
    fields: dict[str, object] = {"sensor": Sensor.RADAR, "sigma_m": 30.0, **kw}
    return ContactReport(time=t, lat=float(lat), lon=float(lon), sensor_id=sensor_id, **fields)  # type: ignore[arg-type]


def test_benchmark_plots_as_lone_plots_track_as_one_at_a_time(shared_data: Path) -> None:
    # the real benchmark detections (50 targets, 100 clutter plots a scan), given as plots that
    # are not a sweep: the batch must track exactly as well as feeding them one by one
    folder = shared_data / "tracking" / "cv_N50_K300"
    params = json.loads((folder / "params.json").read_text())
    truth = read_truth_csv(folder / "truth.csv")
    scans = list(read_detections_csv(folder / "detections.csv").by_scan())[:30]
    config = TrackerConfig(
        process_noise_m2s3=params["q"],
        sigma_m=params["sigma"],
        pd=params["pd"],
        clutter_density_per_m2=params["clutter_density_per_m2"],
        max_coast_s=10.0,  # without misses, clutter tracks end by age
    )
    batch, single = KinematicTracker(config), KinematicTracker(config)
    scores: dict[str, list[tuple[float, int]]] = {"batch": [], "single": []}
    for scan, t_s, xy in scans:
        result = batch.step_batch(t_s, xy)
        assert (result.det_track_id >= 0).all()  # every plot updated or started a track
        for plot in xy:
            single.step(t_s, plot[None], full_scan=False)
        for name, core in (("batch", batch), ("single", single)):
            _, x = core.confirmed_states()
            g = gospa(truth.xy[truth.scan == scan], x[:, :2], 100.0, 1.0, 2.0)
            scores[name].append((g.distance_m, g.n_false))
    b, s = np.array(scores["batch"]), np.array(scores["single"])
    assert b[:, 0].mean() == pytest.approx(s[:, 0].mean(), abs=1.0)
    assert b[:, 1].mean() <= s[:, 1].mean() + 0.1
    assert batch.n_confirmed == single.n_confirmed
    assert len(batch) == len(single)


def test_a_track_takes_the_plots_of_two_sensors_at_once() -> None:
    core = KinematicTracker(TrackerConfig(sigma_m=30.0))
    boat = np.array([1000.0, 2000.0])
    first = core.step_batch(
        0.0, np.array([boat + np.array([10.0, 0.0]), boat - np.array([10.0, 5.0])])
    )
    assert first.det_started.sum() == 1 and len(core) == 1  # one new boat, not two
    assert first.det_track_id[0] == first.det_track_id[1]
    assert core.hits[0] == 2
    # the two updates are the joint one: the mean of two equal-variance plots
    assert np.allclose(core.x[0, :2], boat + np.array([0.0, -2.5]))
    core.step_batch(2.0, np.array([boat + np.array([5.0, 0.0]), boat, boat + np.array([0.0, 5.0])]))
    assert len(core) == 1 and core.hits[0] == 5 and bool(core.confirmed[0])


def test_tracks_not_among_the_plots_count_no_miss() -> None:
    config = TrackerConfig(sigma_m=20.0, max_misses=3)
    lone, swept = KinematicTracker(config), KinematicTracker(config)
    boat, elsewhere = np.array([0.0, 0.0]), np.array([8000.0, 8000.0])
    for k in range(4):
        for core in (lone, swept):
            core.step_batch(2.0 * k, boat[None])
    assert lone.n_confirmed == 1
    for k in range(4, 20):
        lone.step_batch(2.0 * k, (elsewhere + np.array([0.0, 5.0 * k]))[None])
        swept.step(2.0 * k, (elsewhere + np.array([0.0, 5.0 * k]))[None], full_scan=True)
    row = lone.index_of(0)  # the boat's track waits (deletion by age only)
    assert row is not None and lone.misses[row] == 0
    assert 0 not in swept.ids.tolist()  # a sweep that missed it three times ends it


def test_time_going_back_changes_nothing() -> None:
    core = KinematicTracker(TrackerConfig(max_coast_s=5.0))
    core.step_batch(10.0, np.array([[0.0, 0.0], [500.0, 0.0]]))
    before = core.ids.copy()
    with pytest.raises(TrackInputError, match="before the tracker's time"):
        core.step_batch(5.0, np.array([[0.0, 0.0]]))
    with pytest.raises(TrackInputError, match="finite"):
        core.step_batch(30.0, np.array([[np.nan, 0.0]]))
    assert np.array_equal(core.ids, before) and core.t_s == 10.0


@settings(max_examples=40, deadline=None)
@given(
    n_boats=st.integers(1, 6),
    seed=st.integers(0, 2**32 - 1),
    order_seed=st.integers(0, 2**32 - 1),
)
def test_order_of_plots_in_a_batch_does_not_matter(
    n_boats: int, seed: int, order_seed: int
) -> None:
    # boats kilometres apart, each seen by two or three sensors per batch
    rng = np.random.default_rng(seed)
    start = np.column_stack([np.arange(n_boats) * 5000.0, rng.uniform(-500, 500, n_boats)])
    velocity = rng.uniform(-5.0, 5.0, (n_boats, 2))
    batches = []
    for k in range(6):
        truth = start + velocity * 3.0 * k
        plots = [truth + rng.normal(0.0, 20.0, truth.shape) for _ in range(rng.integers(2, 4))]
        batches.append((3.0 * k, np.vstack(plots)))
    shuffle = np.random.default_rng(order_seed)
    config = TrackerConfig(sigma_m=20.0)
    a, b = KinematicTracker(config), KinematicTracker(config)
    for t_s, z in batches:
        ra = a.step_batch(t_s, z)
        n_before = len(b)
        rb = b.step_batch(t_s, z[shuffle.permutation(len(z))])
        assert (ra.det_track_id >= 0).all() and (rb.det_track_id >= 0).all()
        assert len(b) == n_before + int(rb.det_started.sum()) - rb.deleted_ids.size
    assert len(a) == len(b) >= n_boats  # a plot off the others may start a track of its own
    key_a, key_b = np.lexsort(a.x[:, :2].T), np.lexsort(b.x[:, :2].T)
    assert np.allclose(a.x[key_a], b.x[key_b], atol=1e-6)
    assert np.array_equal(np.sort(a.hits), np.sort(b.hits))


def _scene() -> tuple[list[list[ContactReport | AisPosition]], np.ndarray]:
    """An AIS ship and a small boat without AIS, both seen by a radar and an aircraft whose
    plots come one by one, every 3 s; the ship reports AIS every 9 s."""
    rng = np.random.default_rng(7)
    ship0, ship_v = np.array([-5000.0, -3000.0]), np.array([6.0, 3.0])
    boat0, boat_v = np.array([2000.0, -8000.0]), np.array([0.5, 2.5])
    steps: list[list[ContactReport | AisPosition]] = []
    for k in range(60):
        t = T0 + timedelta(seconds=3 * k)
        ship, boat = ship0 + ship_v * 3 * k, boat0 + boat_v * 3 * k
        step: list[ContactReport | AisPosition] = []
        if k % 3 == 0:
            lat, lon = PROJ.to_latlon(ship[0], ship[1])
            step.append(
                AisPosition(
                    time=t,
                    mmsi=235000001,
                    msg_type=1,
                    lat=float(lat),
                    lon=float(lon),
                    sog_kn=float(np.hypot(*ship_v) / 0.514444),
                    cog_deg=float(np.degrees(np.arctan2(ship_v[0], ship_v[1])) % 360.0),
                )
            )
        for sensor in ("radar-1", "air-1"):
            for pos in (ship, boat):
                if rng.random() < 0.85:
                    step.append(_report(t, pos + rng.normal(0, 30, 2), sensor))
        steps.append(step)
    return steps, boat0 + boat_v * 3 * 59


def test_ingest_contacts_makes_the_same_picture_as_one_by_one() -> None:
    steps, boat = _scene()
    batched, single = Tracker(PROJ), Tracker(PROJ)
    events: dict[str, list[str]] = {"batched": [], "single": []}
    for step in steps:
        ais = [o for o in step if isinstance(o, AisPosition)]
        plots = [o for o in step if isinstance(o, ContactReport)]
        for tracker, name in ((batched, "batched"), (single, "single")):
            for o in ais:
                events[name] += [e.type for e in tracker.ingest(o)]
        events["batched"] += [e.type for e in batched.ingest_contacts(plots)]
        for p in plots:
            events["single"] += [e.type for e in single.ingest(p)]
    assert sorted(events["batched"]) == sorted(events["single"])
    assert events["batched"].count("track.new_small_boat") == 1
    assert events["batched"].count("track.correlated") == 1
    views = {v.track_id: v for v in batched.tracks()}
    others = {v.track_id: v for v in single.tracks()}
    assert views.keys() == others.keys()
    for tid, v in views.items():
        assert v.kind == others[tid].kind
        assert abs(v.lat - others[tid].lat) < 1e-4 and abs(v.lon - others[tid].lon) < 1e-4
        if v.kind.value == "small_boat":
            assert v.sensors == ("radar",)
            x, y = PROJ.to_xy(v.lat, v.lon)
            assert np.hypot(x - boat[0], y - boat[1]) < 100.0


def test_bad_and_late_reports_are_skipped_and_counted() -> None:
    tracker = Tracker(PROJ)
    good = _report(T0, np.array([0.0, 0.0]), "radar-1")
    tracker.ingest_contacts([good])
    naive = ContactReport(
        time=datetime(2024, 6, 1, 3, 0, 1),
        lat=51.0,
        lon=1.4,
        sensor=Sensor.RADAR,
        sensor_id="r",
        sigma_m=30.0,
    )
    nan_lat = ContactReport(
        time=T0, lat=float("nan"), lon=1.4, sensor=Sensor.RADAR, sensor_id="r", sigma_m=30.0
    )
    zero_sigma = _report(T0 + timedelta(seconds=1), np.array([10.0, 0.0]), "r", sigma_m=0.0)
    late = _report(T0 - timedelta(seconds=60), np.array([0.0, 0.0]), "r")
    fine = _report(T0 + timedelta(seconds=2), np.array([20.0, 0.0]), "air-1")
    tracker.ingest_contacts([naive, nan_lat, zero_sigma, late, fine])
    assert tracker.counts["bad_contacts"] == 3
    assert tracker.counts["stale_contacts"] == 1
    assert tracker.counts["contacts"] == 2  # the first and the fine one
    assert len(tracker.core) == 1 and tracker.core.hits[0] == 2


def test_reports_spread_over_time_go_in_groups_in_time_order() -> None:
    tracker = Tracker(PROJ)
    boat_v = np.array([4.0, 0.0])
    # ten seconds of plots from three sensors, handed over out of order
    reports = [
        _report(T0 + timedelta(seconds=s), boat_v * s + [0.0, 0.0], sensor)
        for s in range(10)
        for sensor in ("a", "b", "c")
    ]
    order = np.random.default_rng(3).permutation(len(reports))
    tracker.ingest_contacts([reports[k] for k in order])
    assert len(tracker.core) == 1 and tracker.core.hits[0] == 30
    assert tracker.core.t_s == (T0 + timedelta(seconds=9)).timestamp()
    view = tracker.tracks()[0]
    x, _ = PROJ.to_xy(view.lat, view.lon)
    assert abs(float(x) - 36.0) < 15.0
