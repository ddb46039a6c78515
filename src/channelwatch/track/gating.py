"""Gating: which detections each track could have produced, and what each pairing costs.

A kd-tree over the detections finds, for every predicted track position at once, the detections
within a Euclidean radius that bounds the track's chi-square gate; the exact Mahalanobis test and
the likelihood-ratio cost are then computed for the surviving pairs only, as flat arrays.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from channelwatch.track.kalman import FloatArray, innovation_covariance, inverse_2x2

IntArray = npt.NDArray[np.intp]


def chi2_gate_2dof(gate_probability: float) -> float:
    """The squared Mahalanobis distance enclosing ``gate_probability`` of a 2-D Gaussian."""
    return -2.0 * math.log1p(-gate_probability)


def gate_radius_m(p_pos: FloatArray, r_var_max_m2: float, gate_d2: float) -> FloatArray:
    """Euclidean radius that contains each track's Mahalanobis gate (largest ellipse axis)."""
    a = p_pos[:, 0, 0]
    d = p_pos[:, 1, 1]
    b = p_pos[:, 0, 1]
    lam_max = 0.5 * (a + d) + np.sqrt(0.25 * (a - d) ** 2 + b * b)
    return np.sqrt(gate_d2 * (lam_max + r_var_max_m2))


NEIGHBOURS = 8  # nearest detections asked per track; tracks with more in their gate are redone


def candidate_pairs(
    track_xy: FloatArray, radius_m: FloatArray, det_xy: FloatArray
) -> tuple[IntArray, IntArray]:
    """All (track, detection) index pairs closer than the track's radius, via a kd-tree.

    One vectorised k-nearest query serves almost every track; the few tracks whose k nearest
    all fall inside their radius (a crowded gate) are asked again for every point in the radius,
    so the result is exact.
    """
    n = track_xy.shape[0]
    m = det_xy.shape[0]
    if n == 0 or m == 0:
        empty = np.empty(0, dtype=np.intp)
        return empty, empty.copy()
    from scipy.spatial import cKDTree

    tree = cKDTree(det_xy)
    k = min(NEIGHBOURS, m)
    dist, idx = tree.query(track_xy, k=k, distance_upper_bound=float(radius_m.max()))
    dist = dist.reshape(n, k)
    idx = idx.reshape(n, k)
    inside = dist <= radius_m[:, None]
    rows, slot = np.nonzero(inside)
    cols = idx[rows, slot].astype(np.intp)
    crowded = np.flatnonzero(inside[:, -1]) if k < m else np.empty(0, np.intp)
    if crowded.size:
        keep = ~np.isin(rows, crowded)
        hits = tree.query_ball_point(track_xy[crowded], r=radius_m[crowded])
        lengths = np.fromiter(map(len, hits), dtype=np.intp, count=crowded.size)
        extra = np.fromiter((j for row in hits for j in row), np.intp, int(lengths.sum()))
        rows = np.concatenate([rows[keep], np.repeat(crowded, lengths)])
        cols = np.concatenate([cols[keep], extra])
    return rows.astype(np.intp), cols


def pair_costs(
    x_pos: FloatArray,
    p_pos: FloatArray,
    z: FloatArray,
    r_var_m2: FloatArray,
    rows: IntArray,
    cols: IntArray,
    log_clutter_ratio: float,
) -> tuple[FloatArray, FloatArray]:
    """Squared Mahalanobis distance and association cost of each candidate pair.

    The cost is the negative log likelihood ratio of "the track's target made this detection"
    against "the track was missed and the detection is clutter":
    ``0.5 d^2 + 0.5 ln det(2 pi S) + log_clutter_ratio`` with
    ``log_clutter_ratio = ln(clutter density) + ln((1 - pd) / pd)``. A pairing is worth making
    only when its cost is negative, and GNN minimises the summed cost.
    """
    s = innovation_covariance(p_pos[rows], r_var_m2[cols])
    s_inv, det = inverse_2x2(s)
    nu = z[cols] - x_pos[rows]
    d2 = (
        s_inv[:, 0, 0] * nu[:, 0] ** 2
        + 2.0 * s_inv[:, 0, 1] * nu[:, 0] * nu[:, 1]
        + s_inv[:, 1, 1] * nu[:, 1] ** 2
    )
    cost = 0.5 * d2 + 0.5 * np.log(det) + math.log(2.0 * math.pi) + log_clutter_ratio
    return d2, cost
