"""Multi-target tracking metrics: OSPA and GOSPA between two finite sets of positions.

Pure functions on (m, 2) and (n, 2) arrays of positions in metres.

* OSPA (Schuhmacher, Vo & Vo 2008), cut-off ``c`` and order ``p``: with m <= n,
  ``(1/n (min_pi sum_i min(d(x_i, y_pi(i)), c)^p + c^p (n - m)))^(1/p)``; 0 when both are empty.
* GOSPA (Rahmathullah, Garcia-Fernandez & Svensson 2017) with ``alpha``:
  ``(min_pi sum_i min(d, c)^p + c^p / alpha (n - m))^(1/p)``. With ``alpha = 2`` it splits into
  localisation error of the matched pairs (closer than ``c``), missed targets and false tracks:
  ``GOSPA^p = loc + c^p / 2 (missed + false)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from channelwatch.track.assign import gnn_assign
from channelwatch.track.errors import TrackInputError
from channelwatch.track.gating import candidate_pairs
from channelwatch.track.kalman import FloatArray


@dataclass(frozen=True, slots=True)
class Gospa:
    """A GOSPA value and (for alpha = 2) its parts."""

    distance_m: float
    localisation_m: float  # (sum over matched pairs of d^p)^(1/p)
    n_matched: int
    n_missed: int  # truths without an estimate closer than c
    n_false: int  # estimates without a truth closer than c


def _check(c_m: float, p: float) -> None:
    if not c_m > 0.0:
        raise TrackInputError(f"cut-off c must be > 0 m, got {c_m!r}")
    if not p >= 1.0:
        raise TrackInputError(f"order p must be >= 1, got {p!r}")


def _as_points(a: npt.ArrayLike) -> FloatArray:
    return np.asarray(a, dtype=np.float64).reshape(-1, 2)


def _matched(x: FloatArray, y: FloatArray, c_m: float, p: float) -> FloatArray:
    """Distances of the optimally matched pairs closer than ``c_m``.

    Minimising sum min(d, c)^p over assignments of the smaller set is minimising
    sum (d^p - c^p) over matchings of pairs closer than c: a sparse maximum-weight matching,
    solved with the tracker's own gated GNN (kd-tree candidates, exact assignment)."""
    if x.shape[0] == 0 or y.shape[0] == 0:
        return np.empty(0)
    rows, cols = candidate_pairs(x, np.full(x.shape[0], c_m), y)
    d = np.hypot(*(x[rows] - y[cols]).T)
    close = d < c_m
    rows, cols, d = rows[close], cols[close], d[close]
    sel_r, sel_c = gnn_assign(rows, cols, d**p - c_m**p, x.shape[0], y.shape[0])
    return np.asarray(np.hypot(*(x[sel_r] - y[sel_c]).T), dtype=np.float64)


def _ospa_from(matched: FloatArray, m: int, n: int, c_m: float, p: float) -> float:
    large = max(m, n)
    if large == 0:
        return 0.0
    total = float(np.sum(matched**p)) + c_m**p * (large - matched.size)
    return float((total / large) ** (1.0 / p))


def _gospa_from(matched: FloatArray, m: int, n: int, c_m: float, p: float, alpha: float) -> Gospa:
    k = matched.size
    total = float(np.sum(matched**p)) + c_m**p * (min(m, n) - k) + c_m**p / alpha * abs(m - n)
    return Gospa(
        distance_m=float(total ** (1.0 / p)),
        localisation_m=float(np.sum(matched**p) ** (1.0 / p)),
        n_matched=k,
        n_missed=m - k,
        n_false=n - k,
    )


def ospa(
    truth: npt.ArrayLike, estimate: npt.ArrayLike, c_m: float = 100.0, p: float = 1.0
) -> float:
    """OSPA distance (metres) between true and estimated positions."""
    _check(c_m, p)
    x, y = _as_points(truth), _as_points(estimate)
    return _ospa_from(_matched(x, y, c_m, p), x.shape[0], y.shape[0], c_m, p)


def gospa(
    truth: npt.ArrayLike,
    estimate: npt.ArrayLike,
    c_m: float = 100.0,
    p: float = 1.0,
    alpha: float = 2.0,
) -> Gospa:
    """GOSPA distance (metres) between true and estimated positions, with its parts."""
    _check(c_m, p)
    _check_alpha(alpha)
    x, y = _as_points(truth), _as_points(estimate)
    return _gospa_from(_matched(x, y, c_m, p), x.shape[0], y.shape[0], c_m, p, alpha)


def _check_alpha(alpha: float) -> None:
    if not 0.0 < alpha <= 2.0:
        raise TrackInputError(f"alpha must be in (0, 2], got {alpha!r}")


@dataclass(frozen=True, slots=True)
class MetricSeries:
    """OSPA and GOSPA at every scan."""

    scans: npt.NDArray[np.int64]
    ospa_m: FloatArray
    gospa_m: FloatArray
    n_missed: npt.NDArray[np.int64]
    n_false: npt.NDArray[np.int64]

    def summary(self) -> dict[str, float]:
        """Means over all scans and over the second half (scans in the later half of the run)."""
        half = self.scans.size // 2
        return {
            "ospa_mean_m": float(self.ospa_m.mean()) if self.scans.size else 0.0,
            "ospa_second_half_m": float(self.ospa_m[half:].mean()) if self.scans.size else 0.0,
            "gospa_mean_m": float(self.gospa_m.mean()) if self.scans.size else 0.0,
            "gospa_second_half_m": float(self.gospa_m[half:].mean()) if self.scans.size else 0.0,
            "missed_mean": float(self.n_missed.mean()) if self.scans.size else 0.0,
            "false_mean": float(self.n_false.mean()) if self.scans.size else 0.0,
        }


def metric_series(
    truth_scan: npt.ArrayLike,
    truth_xy: npt.ArrayLike,
    est_scan: npt.ArrayLike,
    est_xy: npt.ArrayLike,
    scans: npt.ArrayLike | None = None,
    c_m: float = 100.0,
    p: float = 1.0,
    alpha: float = 2.0,
) -> MetricSeries:
    """OSPA and GOSPA per scan between labelled rows of truth and of track output.

    ``scans`` lists the scans to score (default: every scan present in the truth); a scan with
    no estimate scores all its truths as missed.
    """
    _check(c_m, p)
    _check_alpha(alpha)
    t_scan = np.asarray(truth_scan, dtype=np.int64)
    e_scan = np.asarray(est_scan, dtype=np.int64)
    t_xy, e_xy = _as_points(truth_xy), _as_points(est_xy)
    wanted = np.unique(t_scan) if scans is None else np.asarray(scans, dtype=np.int64)
    t_order = np.argsort(t_scan, kind="stable")
    e_order = np.argsort(e_scan, kind="stable")
    t_sorted, e_sorted = t_scan[t_order], e_scan[e_order]
    t_lo, t_hi = np.searchsorted(t_sorted, wanted), np.searchsorted(t_sorted, wanted, "right")
    e_lo, e_hi = np.searchsorted(e_sorted, wanted), np.searchsorted(e_sorted, wanted, "right")
    o = np.empty(wanted.size)
    g = np.empty(wanted.size)
    missed = np.empty(wanted.size, np.int64)
    false = np.empty(wanted.size, np.int64)
    for k in range(wanted.size):
        xs = t_xy[t_order[t_lo[k] : t_hi[k]]]
        ys = e_xy[e_order[e_lo[k] : e_hi[k]]]
        matched = _matched(xs, ys, c_m, p)  # one assignment serves both metrics
        o[k] = _ospa_from(matched, xs.shape[0], ys.shape[0], c_m, p)
        res = _gospa_from(matched, xs.shape[0], ys.shape[0], c_m, p, alpha)
        g[k] = res.distance_m
        missed[k] = res.n_missed
        false[k] = res.n_false
    return MetricSeries(scans=wanted, ospa_m=o, gospa_m=g, n_missed=missed, n_false=false)
