"""Benchmark: scoring one new report against N open cases/tracks.

Anchor: Stone Soup 1.9.1 DistanceHypothesiser (Kalman CV predictor + Mahalanobis) hypothesising
one detection against N tracks. Ours: channelwatch.cases.correlate (CV least-squares fit per case
+ vectorised likelihood over cases). Same N, same fixes (4 per track, 10 min apart), same new
measurement; best of 5 timing of the whole scoring of one report.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import numpy as np

from channelwatch.cases.correlate import CaseView, correlate
from channelwatch.cases.model import Case, Report, ReportKind

T0 = datetime(2021, 11, 24, 1, 0, tzinfo=UTC)


def make(n: int, rng: np.random.Generator):
    tracks = []
    for _i in range(n):
        lat0, lon0 = 51.0 + rng.uniform(-0.1, 0.1), 1.6 + rng.uniform(-0.2, 0.2)
        v = rng.uniform(-0.00005, 0.00005, 2)  # deg per second
        fixes = [
            (T0 + timedelta(minutes=10 * k), lat0 + v[0] * 600 * k, lon0 + v[1] * 600 * k)
            for k in range(4)
        ]
        tracks.append(fixes)
    return tracks


def ours(tracks, new_t, new_lat, new_lon):
    views = []
    for i, fixes in enumerate(tracks):
        reports = tuple(
            Report(f"r{i}-{k}", ReportKind.CALL, t, la, lo, 100.0, 30)
            for k, (t, la, lo) in enumerate(fixes)
        )
        views.append(
            CaseView.of(Case(f"C-{i}", fixes[0][0], "FR/x", ReportKind.CALL, "FR", reports=reports))
        )
    rep = Report("new", ReportKind.CALL, new_t, new_lat, new_lon, 100.0, 30)
    best = 1e9
    for _ in range(5):
        t0 = time.perf_counter()
        adv = correlate(rep, views)
        best = min(best, time.perf_counter() - t0)
    return best, adv


def theirs(tracks, new_t, new_lat, new_lon):
    from stonesoup.hypothesiser.distance import DistanceHypothesiser
    from stonesoup.measures import Mahalanobis
    from stonesoup.models.measurement.linear import LinearGaussian
    from stonesoup.models.transition.linear import (
        CombinedLinearGaussianTransitionModel,
        ConstantVelocity,
    )
    from stonesoup.predictor.kalman import KalmanPredictor
    from stonesoup.types.detection import Detection
    from stonesoup.types.state import GaussianState
    from stonesoup.types.track import Track
    from stonesoup.updater.kalman import KalmanUpdater

    r_earth = 6371008.8

    def xy(lat, lon):
        return (
            r_earth * np.radians(lon - 1.6) * np.cos(np.radians(51.0)),
            r_earth * np.radians(lat - 51.0),
        )

    tm = CombinedLinearGaussianTransitionModel([ConstantVelocity(0.05), ConstantVelocity(0.05)])
    mm = LinearGaussian(4, (0, 2), np.diag([100.0**2, 100.0**2]))
    predictor = KalmanPredictor(tm)
    updater = KalmanUpdater(mm)
    hyp = DistanceHypothesiser(predictor, updater, Mahalanobis(), missed_distance=3)
    sstracks = []
    for fixes in tracks:
        x, y = xy(fixes[-1][1], fixes[-1][2])
        x0, y0 = xy(fixes[0][1], fixes[0][2])
        vx, vy = (x - x0) / 1800.0, (y - y0) / 1800.0
        state = GaussianState(
            np.array([[x], [vx], [y], [vy]]),
            np.diag([100.0**2, 0.5**2, 100.0**2, 0.5**2]),
            timestamp=fixes[-1][0].replace(tzinfo=None),
        )
        sstracks.append(Track([state]))
    nx, ny = xy(new_lat, new_lon)
    det = Detection(
        np.array([[nx], [ny]]), timestamp=new_t.replace(tzinfo=None), measurement_model=mm
    )
    best = 1e9
    for _ in range(5):
        t0 = time.perf_counter()
        out = [hyp.hypothesise(tr, {det}, new_t.replace(tzinfo=None)) for tr in sstracks]
        best = min(best, time.perf_counter() - t0)
    return best, out


if __name__ == "__main__":
    rng = np.random.default_rng(1)
    for n in (20, 200):
        tracks = make(n, rng)
        new_t = T0 + timedelta(minutes=40)
        new_lat, new_lon = tracks[0][-1][1], tracks[0][-1][2]
        t_ours, adv = ours(tracks, new_t, new_lat, new_lon)
        t_theirs, _ = theirs(tracks, new_t, new_lat, new_lon)
        print(
            f"N={n:4d} cases: ours {t_ours * 1e3:8.2f} ms  stonesoup {t_theirs * 1e3:8.2f} ms  "
            f"ratio theirs/ours {t_theirs / t_ours:6.1f}  (ours verdict {adv.verdict}, "
            f"{adv.case_id})"
        )
