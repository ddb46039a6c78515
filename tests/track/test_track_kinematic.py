"""The kinematic tracker: benchmark scenarios, crossing and merging targets, track logic."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linear_sum_assignment
from track_scenarios import detections, straight

from channelwatch.track import KinematicTracker, TrackerConfig, TrackInputError
from channelwatch.track.io import read_detections_csv, read_truth_csv
from channelwatch.track.metrics import metric_series, ospa
from channelwatch.track.scans import track_scans


def _config_from(params: dict[str, float]) -> TrackerConfig:
    return TrackerConfig(
        process_noise_m2s3=params["q"],
        sigma_m=params["sigma"],
        pd=params["pd"],
        clutter_density_per_m2=params["clutter_density_per_m2"],
    )


@pytest.mark.parametrize("scenario", ["cv_N50_K300", "cv_N200_K300"])
def test_benchmark_scenario_ospa_bound(shared_data: Path, scenario: str) -> None:
    folder = shared_data / "tracking" / scenario
    params = json.loads((folder / "params.json").read_text())
    dets = read_detections_csv(folder / "detections.csv")
    truth = read_truth_csv(folder / "truth.csv")
    assert dets.scan.size == params["n_detections_total"] and dets.n_skipped == 0
    rows = track_scans(dets.by_scan(), _config_from(params))
    series = metric_series(truth.scan, truth.xy, rows.scan, rows.xy)
    summary = series.summary()
    # Stone Soup's reference figures for these scenarios (PROVENANCE.md): mean OSPA 8.33/8.26 m,
    # second half 7.57/7.50 m; the goal is to be no worse. Raw plots alone would score about
    # 12.5 m (mean distance of a 10 m-per-axis Gaussian error).
    bound_mean, bound_half = {"cv_N50_K300": (8.33, 7.57), "cv_N200_K300": (8.26, 7.50)}[scenario]
    assert summary["ospa_mean_m"] <= bound_mean
    assert summary["ospa_second_half_m"] <= bound_half
    second_half = series.scans >= 150
    # clutter can, rarely, line up three times in a new track's wide first gates: allow a false
    # track alive in at most one scan in ten
    assert series.n_false[second_half].mean() < 0.1
    assert series.n_missed[second_half].mean() < 0.01 * params["targets"]
    # one track per target: ids confirmed at the last scan equal the number of targets
    last = rows.scan == rows.scan.max()
    assert np.unique(rows.track_id[last]).size == params["targets"]


def _run(
    scans: list[tuple[int, float, np.ndarray]], config: TrackerConfig
) -> list[tuple[np.ndarray, np.ndarray]]:
    tracker = KinematicTracker(config)
    out = []
    for _, t, xy in scans:
        tracker.step(t, xy)
        out.append(tracker.confirmed_states())
    return out


def _owners(
    state: tuple[np.ndarray, np.ndarray], truths: list[np.ndarray], k: int
) -> tuple[int, ...]:
    """Track id matched to each truth at scan k by optimal assignment."""
    ids, x = state
    d = np.hypot(*(x[None, :, :2] - np.array([tr[k] for tr in truths])[:, None]).transpose(2, 0, 1))
    rows, cols = linear_sum_assignment(d)
    return tuple(int(ids[c]) for c in cols[np.argsort(rows)])


def _crossing(
    angle_deg: float, seed: int
) -> tuple[list[np.ndarray], list[tuple[np.ndarray, np.ndarray]]]:
    # two boats at 5 m/s crossing at angle_deg through the same point at t = 100 s
    times = np.arange(0.0, 200.0, 2.0)
    half = np.radians(angle_deg / 2.0)
    v1 = (5.0 * np.cos(half), 5.0 * np.sin(half))
    v2 = (5.0 * np.cos(half), -5.0 * np.sin(half))
    t1 = straight((-100.0 * v1[0], -100.0 * v1[1]), v1, times)
    t2 = straight((-100.0 * v2[0], -100.0 * v2[1]), v2, times)
    rng = np.random.default_rng(seed)
    scans = list(detections([t1, t2], times, rng, pd=0.9, clutter_per_scan=20.0))
    return [t1, t2], _run(scans, TrackerConfig(clutter_density_per_m2=20.0 / 1e8))


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_crossing_targets_keep_their_tracks(seed: int) -> None:
    truths, out = _crossing(60.0, seed)
    assert all(o[0].size >= 2 for o in out[10:])  # neither target lost at the crossing
    assert _owners(out[20], truths, 20) == _owners(out[-1], truths, len(out) - 1)
    errors = [ospa([tr[k] for tr in truths], out[k][1][:, :2]) for k in range(10, len(out))]
    assert np.mean(errors) < 10.0


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_shallow_crossing_loses_no_target(seed: int) -> None:
    # at 20 degrees the plots are within noise of each other for several scans: GNN may swap
    # the two identities (a documented limit), but both targets stay tracked
    truths, out = _crossing(20.0, seed)
    assert all(o[0].size >= 2 for o in out[10:])
    errors = [ospa([tr[k] for tr in truths], out[k][1][:, :2]) for k in range(10, len(out))]
    assert np.mean(errors) < 10.0


@pytest.mark.parametrize(("seed", "gap_m"), [(11, 30.0), (12, 30.0), (13, 10.0), (14, 10.0)])
def test_merging_targets_both_survive(seed: int, gap_m: float) -> None:
    # two boats 600 m apart converge smoothly, then travel side by side gap_m apart, inside
    # each other's gates (plots have 10 m noise)
    times = np.arange(0.0, 400.0, 2.0)
    approach = (300.0 - gap_m / 2) * np.exp(-times / 60.0)
    a = np.column_stack([4.0 * times, gap_m / 2 + approach])
    b = np.column_stack([4.0 * times, -gap_m / 2 - approach])
    rng = np.random.default_rng(seed)
    scans = list(detections([a, b], times, rng, pd=0.9, clutter_per_scan=10.0))
    out = _run(scans, TrackerConfig(clutter_density_per_m2=1e-7))
    assert all(o[0].size == 2 for o in out[10:])  # two tracks, never merged into one
    errors = [ospa([a[k], b[k]], out[k][1][:, :2]) for k in range(100, len(times))]
    assert np.mean(errors) < 10.0  # both boats tracked side by side, not one track between them


def test_clutter_rarely_makes_a_confirmed_track() -> None:
    # benchmark clutter density, no target: a false track needs three plots lined up in a new
    # track's gates; M = N = 3 (no miss allowed) must do no worse than 3-of-4
    counts = []
    for m, n in ((3, 4), (3, 3)):
        rng = np.random.default_rng(7)
        tracker = KinematicTracker(TrackerConfig(confirm_m=m, confirm_n=n))
        confirmed = 0
        for k in range(300):
            res = tracker.step(2.0 * k, rng.uniform(0, 20000, (rng.poisson(100), 2)))
            confirmed += res.confirmed_ids.size
        counts.append(confirmed)
    assert counts[0] <= 5  # of about 30,000 clutter plots
    assert counts[1] <= counts[0]


def test_m_of_n_confirmation_and_deletion_by_hand() -> None:
    tracker = KinematicTracker(TrackerConfig(confirm_m=3, confirm_n=4, max_misses=5))
    first = tracker.step(0.0, [[0.0, 0.0]])
    assert first.det_started.tolist() == [True] and tracker.n_confirmed == 0
    tid = int(first.det_track_id[0])
    assert tracker.step(2.0, [[10.0, 0.0]]).det_track_id.tolist() == [tid]
    assert tracker.n_confirmed == 0
    third = tracker.step(4.0, [[20.0, 0.0]])
    assert third.confirmed_ids.tolist() == [tid] and tracker.n_confirmed == 1
    for k in range(4):  # four misses: still there, coasting
        res = tracker.step(6.0 + 2 * k, np.empty((0, 2)))
        assert res.deleted_ids.size == 0
    ids, x = tracker.confirmed_states()
    assert ids.tolist() == [tid] and x[0, 0] > 30.0  # coasting on: predicted, not frozen
    res = tracker.step(14.0, np.empty((0, 2)))  # fifth miss
    assert res.deleted_ids.tolist() == [tid] and res.deleted_confirmed.tolist() == [True]
    assert res.deleted_x[0, 0] == pytest.approx(20.0, abs=5.0)  # last updated, not coasted
    assert len(tracker) == 0


def test_tentative_track_dropped_when_m_is_out_of_reach() -> None:
    tracker = KinematicTracker(TrackerConfig(confirm_m=3, confirm_n=4))
    tracker.step(0.0, [[0.0, 0.0]])
    tracker.step(2.0, np.empty((0, 2)))
    assert len(tracker) == 1  # 1 hit + 2 scans left can still make 3
    res = tracker.step(4.0, np.empty((0, 2)))
    assert len(tracker) == 0 and res.deleted_confirmed.tolist() == [False]


def test_sparse_sightings_count_hits_only_and_expire_by_age() -> None:
    config = TrackerConfig(confirm_m=2, confirm_n=3, max_misses=1, max_coast_s=600.0)
    tracker = KinematicTracker(config)
    tracker.step(0.0, [[0.0, 0.0]], 400.0, full_scan=False)
    tracker.step(5.0, [[5000.0, 5000.0]], 400.0, full_scan=False)  # elsewhere: not a miss
    assert len(tracker) == 2
    tracker.step(120.0, [[300.0, 0.0]], 400.0, full_scan=False)
    assert tracker.n_confirmed == 1
    assert tracker.expire(500.0).deleted_ids.size == 0
    gone = tracker.expire(725.0)
    assert sorted(gone.deleted_ids.tolist()) == [0, 1] and len(tracker) == 0  # 5000,5000 and 0,0


def test_bad_input_leaves_the_tracker_unchanged() -> None:
    tracker = KinematicTracker()
    tracker.step(10.0, [[0.0, 0.0]])
    with pytest.raises(TrackInputError, match="before"):
        tracker.step(9.0, [[0.0, 0.0]])
    with pytest.raises(TrackInputError, match="finite"):
        tracker.step(12.0, [[np.nan, 0.0]])
    with pytest.raises(TrackInputError, match="variances"):
        tracker.step(12.0, [[0.0, 0.0]], -1.0)
    assert tracker.t_s == 10.0 and len(tracker) == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("pd", 1.0),
        ("sigma_m", -1.0),
        ("confirm_m", 5),
        ("confirm_n", 40),
        ("max_misses", 0),
        ("gate_probability", 0.0),
        ("process_noise_m2s3", float("nan")),
    ],
)
def test_config_refuses_bad_values(field: str, value: float) -> None:
    with pytest.raises(TrackInputError, match=field):
        TrackerConfig(**{field: value})  # type: ignore[arg-type]


def test_trail_and_quality() -> None:
    tracker = KinematicTracker(TrackerConfig(trail_len=4))
    for k in range(10):
        tracker.step(2.0 * k, [[10.0 * k, 0.0]] if k != 6 else np.empty((0, 2)))
    row = tracker.index_of(0)
    assert row is not None
    t, xy = tracker.trail(row)
    assert t.tolist() == [10.0, 14.0, 16.0, 18.0]  # last 4 updates, oldest first, k = 6 missed
    assert xy[-1, 0] == pytest.approx(90.0, abs=10.0)
    assert tracker.quality()[row] == pytest.approx(9 / 10)


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n_scans=st.integers(1, 15), rate=st.floats(0.0, 30.0))
def test_invariants_on_random_input(seed: int, n_scans: int, rate: float) -> None:
    rng = np.random.default_rng(seed)
    tracker = KinematicTracker()
    seen: set[int] = set()
    for k in range(n_scans):
        xy = rng.uniform(0, 3000, (rng.poisson(rate), 2))
        res = tracker.step(2.0 * k, xy)
        assert (res.det_track_id >= 0).all()
        updated = res.det_track_id[~res.det_started]
        assert np.unique(updated).size == updated.size  # a track takes at most one plot a scan
        started = res.det_track_id[res.det_started]
        assert not (set(started.tolist()) & seen)  # new ids are new
        seen |= set(res.det_track_id.tolist())
        assert np.unique(tracker.ids).size == len(tracker)
        assert np.allclose(tracker.p, tracker.p.transpose(0, 2, 1))
        assert (np.linalg.eigvalsh(tracker.p) > 0).all()
        q = tracker.quality()
        assert ((q >= 0) & (q <= 1)).all()
