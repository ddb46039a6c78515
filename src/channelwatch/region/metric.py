"""Metres per degree on the WGS84 ellipsoid: the local scale used for short distances.

Near a point, a displacement of (dlon, dlat) degrees is (dlon * kx, dlat * ky) metres with
kx = N(lat) cos(lat) pi/180 and ky = M(lat) pi/180 (N, M the prime-vertical and meridional radii
of curvature). Averaging the scales of both ends keeps the error of a flat-earth distance below
about 1e-4 of the distance for the tens of kilometres that matter here.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

WGS84_A_M = 6_378_137.0
WGS84_E2 = 6.69437999014e-3

F64 = npt.NDArray[np.float64]


def metres_per_degree(lat_deg: npt.ArrayLike) -> tuple[F64, F64]:
    """(kx, ky): metres per degree of longitude and of latitude at ``lat_deg``."""
    phi = np.radians(np.asarray(lat_deg, dtype=np.float64))
    s2 = np.sin(phi) ** 2
    w = np.sqrt(1.0 - WGS84_E2 * s2)
    n = WGS84_A_M / w
    m = WGS84_A_M * (1.0 - WGS84_E2) / (w * w * w)
    rad = np.pi / 180.0
    return n * np.cos(phi) * rad, m * rad
