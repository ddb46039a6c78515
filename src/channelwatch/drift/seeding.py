"""Where the particles start: a point with a Gaussian or uniform spread, or a given cloud."""

from __future__ import annotations

from typing import Literal

import numpy as np
import numpy.typing as npt

from channelwatch.drift.errors import DriftInputError
from channelwatch.drift.physics import advance

FloatArray = npt.NDArray[np.float64]
SeedShape = Literal["gaussian", "uniform"]


def seed_positions(
    lat: float | npt.ArrayLike,
    lon: float | npt.ArrayLike,
    n: int,
    radius_m: float,
    rng: np.random.Generator,
    shape: SeedShape = "gaussian",
) -> tuple[FloatArray, FloatArray]:
    """``n`` start positions around ``(lat, lon)``.

    With ``shape="gaussian"`` (as OpenDrift seeds) ``radius_m`` is the standard deviation of the
    east and of the north offset; with ``"uniform"`` particles fill a disc of that radius.
    ``lat``/``lon`` may be arrays (a cloud, e.g. a previous run's particles): ``n`` of its points
    are drawn with replacement (all of them, in order, when the cloud has exactly ``n``).
    """
    if n < 1:
        raise DriftInputError(f"number of particles must be at least 1, got {n}")
    if not np.isfinite(radius_m) or radius_m < 0:
        raise DriftInputError(
            f"seed radius must be a non-negative number of metres, got {radius_m}"
        )
    la = np.atleast_1d(np.asarray(lat, dtype=np.float64)).ravel()
    lo = np.atleast_1d(np.asarray(lon, dtype=np.float64)).ravel()
    if la.size != lo.size or la.size == 0:
        raise DriftInputError(f"seed lat/lon sizes differ or are empty: {la.size} vs {lo.size}")
    if not (np.all(np.abs(la) <= 90) and np.all(np.isfinite(lo))):
        bad = la[~(np.abs(la) <= 90)]
        raise DriftInputError(f"seed latitude out of range: {bad[:3].tolist()}")
    if np.any(np.abs(la) > 89.5):
        raise DriftInputError("seed latitude too close to a pole for the local drift update")
    if la.size == n:
        base_lat, base_lon = la.copy(), lo.copy()
    elif la.size == 1:
        base_lat, base_lon = np.full(n, la[0]), np.full(n, lo[0])
    else:
        pick = rng.integers(0, la.size, n)
        base_lat, base_lon = la[pick], lo[pick]
    if radius_m == 0:
        return base_lat, base_lon
    if shape == "gaussian":
        dx = rng.standard_normal(n) * radius_m
        dy = rng.standard_normal(n) * radius_m
    elif shape == "uniform":
        r = radius_m * np.sqrt(rng.random(n))
        theta = rng.random(n) * 2.0 * np.pi
        dx, dy = r * np.cos(theta), r * np.sin(theta)
    else:
        raise DriftInputError(f"unknown seed shape {shape!r}: use 'gaussian' or 'uniform'")
    offset = (dx + 1j * dy).astype(np.complex64)
    return advance(base_lat, base_lon, offset, 1.0)
