"""Small synthetic scenarios for the tracker tests (truth trajectories, detections, clutter)."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]


def straight(
    start_xy: tuple[float, float], v_ms: tuple[float, float], times_s: FloatArray
) -> FloatArray:
    """Positions (k, 2) of a target moving in a straight line."""
    return np.asarray(start_xy) + np.outer(times_s, np.asarray(v_ms))


def detections(
    truths: list[FloatArray],
    times_s: FloatArray,
    rng: np.random.Generator,
    sigma_m: float = 10.0,
    pd: float = 0.9,
    clutter_per_scan: float = 0.0,
    area_m: tuple[float, float, float, float] = (-5000.0, -5000.0, 5000.0, 5000.0),
) -> Iterator[tuple[int, float, FloatArray]]:
    """(scan, t_s, xy) per scan: each truth detected with probability pd, plus uniform clutter."""
    x0, y0, x1, y1 = area_m
    for k, t in enumerate(times_s):
        plots = [tr[k] + rng.normal(0.0, sigma_m, 2) for tr in truths if rng.random() < pd]
        n_clutter = rng.poisson(clutter_per_scan)
        clutter = rng.uniform((x0, y0), (x1, y1), (n_clutter, 2))
        xy = np.vstack([np.asarray(plots).reshape(-1, 2), clutter])
        yield k, float(t), xy[rng.permutation(xy.shape[0])]
