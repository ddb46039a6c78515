"""Benchmark: ChannelWatch's multi-target tracker beside Stone Soup on the same detections.

Run with the bench environment (Stone Soup is installed only there):

    .venv-bench/bin/python bench/track.py [--scenario cv_N50_K300] [--scans 300] [--json]

For each scenario of ``shared/data/tracking`` both trackers process the same scans in one run.
CPU time (``time.process_time``, one thread: BLAS threads are pinned to 1) is summed over the
tracker's work per scan only: reading the CSV and building Stone Soup's ``Detection`` objects are
outside the clock, and so is reading Stone Soup's track objects back out. Both outputs are scored
with the same code (``channelwatch.track.metrics``): OSPA and GOSPA, c = 100 m, p = 1, alpha = 2.

Stone Soup is configured as ``shared/data/tracking/PROVENANCE.md`` says: Kalman predictor and
updater with the true models (NCV q = 0.05, R = diag(100, 100)), Mahalanobis distance
hypothesiser with missed distance 3, GNN with 2-D assignment behind a kd-tree gate of 200 m,
multi-measurement initiator releasing a track at 3 points, deleters after 5 steps without an
update. The one figure PROVENANCE.md leaves open, the initiator's velocity prior, is set to
5 m/s (1 sigma per axis) for both trackers.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

from channelwatch.track.config import TrackerConfig  # noqa: E402
from channelwatch.track.io import read_detections_csv, read_truth_csv  # noqa: E402
from channelwatch.track.kinematic import KinematicTracker  # noqa: E402
from channelwatch.track.metrics import metric_series  # noqa: E402

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "tracking"
SCENARIOS = ("cv_N50_K300", "cv_N200_K300")
INIT_SPEED_SIGMA_MS = 5.0


@dataclass(frozen=True, slots=True)
class Run:
    name: str
    cpu_ms_per_scan: float
    scan: np.ndarray
    xy: np.ndarray


def run_ours(scans: list[tuple[int, float, np.ndarray]], params: dict[str, float]) -> Run:
    config = TrackerConfig(
        process_noise_m2s3=params["q"],
        sigma_m=params["sigma"],
        pd=params["pd"],
        clutter_density_per_m2=params["clutter_density_per_m2"],
        init_speed_sigma_ms=INIT_SPEED_SIGMA_MS,
    )
    warm = KinematicTracker(config)  # first calls import scipy's modules: not a per-scan cost
    for _, t_s, xy in scans[:3]:
        warm.step(t_s, xy)
    tracker = KinematicTracker(config)
    cpu = 0.0
    out_scan: list[np.ndarray] = []
    out_xy: list[np.ndarray] = []
    for scan, t_s, xy in scans:
        t0 = time.process_time()
        tracker.step(t_s, xy)
        _, states = tracker.confirmed_states()
        cpu += time.process_time() - t0
        out_scan.append(np.full(states.shape[0], scan))
        out_xy.append(states[:, :2])
    return Run(
        "channelwatch", 1000.0 * cpu / len(scans), np.concatenate(out_scan), np.concatenate(out_xy)
    )


def run_stonesoup(scans: list[tuple[int, float, np.ndarray]], params: dict[str, float]) -> Run:
    from datetime import datetime, timedelta, timezone

    from stonesoup.dataassociator.tree import DetectionKDTreeGNN2D
    from stonesoup.deleter.time import UpdateTimeStepsDeleter
    from stonesoup.hypothesiser.distance import DistanceHypothesiser
    from stonesoup.initiator.simple import MultiMeasurementInitiator
    from stonesoup.measures import Mahalanobis
    from stonesoup.models.measurement.linear import LinearGaussian
    from stonesoup.models.transition.linear import (
        CombinedLinearGaussianTransitionModel,
        ConstantVelocity,
    )
    from stonesoup.predictor.kalman import KalmanPredictor
    from stonesoup.tracker.simple import MultiTargetTracker
    from stonesoup.types.detection import Detection
    from stonesoup.types.state import GaussianState

    q, r = params["q"], params["sigma"] ** 2
    transition = CombinedLinearGaussianTransitionModel([ConstantVelocity(q), ConstantVelocity(q)])
    measurement = LinearGaussian(ndim_state=4, mapping=(0, 2), noise_covar=np.diag([r, r]))
    from stonesoup.updater.kalman import KalmanUpdater

    predictor = KalmanPredictor(transition)
    updater = KalmanUpdater(measurement)
    hypothesiser = DistanceHypothesiser(
        predictor, updater, measure=Mahalanobis(), missed_distance=3
    )
    associator = DetectionKDTreeGNN2D(
        hypothesiser=hypothesiser, predictor=predictor, updater=updater, max_distance=200.0
    )
    v2 = INIT_SPEED_SIGMA_MS**2
    initiator = MultiMeasurementInitiator(
        prior_state=GaussianState(np.zeros((4, 1)), np.diag([0.0, v2, 0.0, v2])),
        measurement_model=measurement,
        deleter=UpdateTimeStepsDeleter(5),
        data_associator=associator,
        updater=updater,
        min_points=3,
    )
    epoch = datetime(2024, 1, 1, tzinfo=timezone.utc)  # noqa: UP017 (bench runs on 3.11+ anyway)
    feed = [
        (
            epoch + timedelta(seconds=t_s),
            {
                Detection(
                    np.array([[x], [y]]),
                    timestamp=epoch + timedelta(seconds=t_s),
                    measurement_model=measurement,
                )
                for x, y in xy
            },
        )
        for _, t_s, xy in scans
    ]
    tracker = MultiTargetTracker(
        initiator=initiator,
        deleter=UpdateTimeStepsDeleter(5),
        detector=feed,
        data_associator=associator,
        updater=updater,
    )
    it = iter(tracker)
    cpu = 0.0
    out_scan: list[np.ndarray] = []
    out_xy: list[np.ndarray] = []
    for scan, _, _ in scans:
        t0 = time.process_time()
        _, tracks = next(it)
        cpu += time.process_time() - t0
        pos = np.array([[float(t.state_vector[0, 0]), float(t.state_vector[2, 0])] for t in tracks])
        out_scan.append(np.full(len(tracks), scan))
        out_xy.append(pos.reshape(-1, 2))
    return Run(
        "stonesoup", 1000.0 * cpu / len(scans), np.concatenate(out_scan), np.concatenate(out_xy)
    )


def bench(name: str, n_scans: int | None) -> dict[str, object]:
    folder = DATA / name
    params = json.loads((folder / "params.json").read_text())
    dets = read_detections_csv(folder / "detections.csv")
    truth = read_truth_csv(folder / "truth.csv")
    scans = list(dets.by_scan())[: n_scans or None]
    used = np.array([s for s, _, _ in scans])
    result: dict[str, object] = {"scenario": name, "scans": len(scans)}
    for run in (run_stonesoup(scans, params), run_ours(scans, params)):
        series = metric_series(truth.scan, truth.xy, run.scan, run.xy, scans=used)
        result[run.name] = {"cpu_ms_per_scan": run.cpu_ms_per_scan, **series.summary()}
    ss = result["stonesoup"]
    ours = result["channelwatch"]
    assert isinstance(ss, dict) and isinstance(ours, dict)
    result["cpu_ratio_stonesoup_over_ours"] = ss["cpu_ms_per_scan"] / ours["cpu_ms_per_scan"]
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scenario", choices=SCENARIOS, action="append")
    parser.add_argument("--scans", type=int, default=None, help="only the first N scans")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args()
    results = [bench(name, args.scans) for name in (args.scenario or SCENARIOS)]
    if args.json:
        print(json.dumps(results, indent=1))
        return 0
    cols = (
        "cpu_ms_per_scan",
        "ospa_mean_m",
        "ospa_second_half_m",
        "gospa_mean_m",
        "gospa_second_half_m",
        "missed_mean",
        "false_mean",
    )
    print(f"{'scenario':14} {'tracker':13} " + " ".join(f"{c:>19}" for c in cols))
    for res in results:
        for who in ("stonesoup", "channelwatch"):
            row = res[who]
            assert isinstance(row, dict)
            print(f"{res['scenario']:14} {who:13} " + " ".join(f"{row[c]:19.3f}" for c in cols))
        print(
            f"{res['scenario']:14} CPU per scan, Stone Soup / ChannelWatch: "
            f"{res['cpu_ratio_stonesoup_over_ours']:.0f}x  ({res['scans']} scans)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
