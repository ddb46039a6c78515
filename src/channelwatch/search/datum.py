"""Datum and probable error of a (weighted) particle cloud, and the IAMSAR error budget.

IAMSAR Vol. II: total probable error E = √(X² + Y² + De²), X the initial position error of the
distressed craft, Y the search unit's navigational error, De the drift error; search radius
R = fs × E with the safety factor fs of the n-th successive search. "Probable error" here is the
radius of the circle around the datum holding 50 % of the probability (a circular probable
error), which for a circular normal of standard deviation σ is σ·√(2 ln 2) ≈ 1.1774 σ.

For a cloud the datum is its weighted centroid and De its circular probable error (the weighted
median distance from the datum): the cloud already contains X if it was seeded with the position
error, so only Y is added on top.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from channelwatch.geo import FloatArray, LocalProjection
from channelwatch.search.errors import SearchInputError

CEP50_PER_SIGMA = math.sqrt(2.0 * math.log(2.0))  # 1.1774: 50 % radius of a circular normal

# IAMSAR safety factors fs for the 1st..5th successive search (the classic table; later editions
# size the area from the available effort instead, which is what the planner does on the map).
SAFETY_FACTORS = (1.1, 1.6, 2.0, 2.3, 2.5)


@dataclass(frozen=True, slots=True)
class CloudSummary:
    """Datum and spread of a weighted cloud, in degrees and metres."""

    datum_lat: float
    datum_lon: float
    probable_error_m: float  # 50 % circle radius around the datum (De of the cloud)
    sd_major_m: float  # standard deviations along the principal axes
    sd_minor_m: float
    major_axis_deg: float  # true bearing of the major axis, in [0, 180)
    weight: float
    n: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "datum": {"lat": round(self.datum_lat, 6), "lon": round(self.datum_lon, 6)},
            "probable_error_m": round(self.probable_error_m, 1),
            "sd_major_m": round(self.sd_major_m, 1),
            "sd_minor_m": round(self.sd_minor_m, 1),
            "major_axis_deg": round(self.major_axis_deg, 1),
            "weight": self.weight,
            "particles": self.n,
        }


def weighted_quantile(values: FloatArray, weights: FloatArray, q: float) -> float:
    """The q-quantile of ``values`` under ``weights`` (q in [0, 1])."""
    order = np.argsort(values)
    v = values[order]
    cw = np.cumsum(weights[order])
    if cw[-1] <= 0:
        raise SearchInputError("weights sum to zero")
    idx = int(np.searchsorted(cw, q * cw[-1], side="left"))
    return float(v[min(idx, len(v) - 1)])


def principal_axes(
    x_m: FloatArray, y_m: FloatArray, w: FloatArray
) -> tuple[float, float, float, float, float]:
    """Weighted centroid (x, y), SDs along the principal axes and the major axis bearing."""
    wsum = float(w.sum())
    cx = float((w * x_m).sum() / wsum)
    cy = float((w * y_m).sum() / wsum)
    dx, dy = x_m - cx, y_m - cy
    cov = (
        np.array(
            [[(w * dx * dx).sum(), (w * dx * dy).sum()], [(w * dx * dy).sum(), (w * dy * dy).sum()]]
        )
        / wsum
    )
    evals, evecs = np.linalg.eigh(cov)
    major = evecs[:, 1]  # eigh sorts ascending
    bearing = math.degrees(math.atan2(major[0], major[1])) % 180.0
    return cx, cy, math.sqrt(max(evals[1], 0.0)), math.sqrt(max(evals[0], 0.0)), bearing


def summarise_cloud(
    lat_deg: Any, lon_deg: Any, weight: Any, projection: LocalProjection
) -> CloudSummary:
    """Datum, probable error and principal axes of a weighted cloud."""
    lat = np.asarray(lat_deg, float)
    lon = np.asarray(lon_deg, float)
    w = np.asarray(weight, float)
    if lat.size == 0 or float(w.sum()) <= 0:
        raise SearchInputError("cannot summarise an empty cloud")
    x, y = projection.to_xy(lat, lon)
    cx, cy, sd_major, sd_minor, bearing = principal_axes(x, y, w)
    r = np.hypot(x - cx, y - cy)
    cep = weighted_quantile(r, w, 0.5)
    dlat, dlon = projection.to_latlon(cx, cy)
    return CloudSummary(
        datum_lat=float(dlat),
        datum_lon=float(dlon),
        probable_error_m=cep,
        sd_major_m=sd_major,
        sd_minor_m=sd_minor,
        major_axis_deg=bearing,
        weight=float(w.sum()),
        n=int(lat.size),
    )


def total_probable_error_m(x_m: float, y_m: float, de_m: float) -> float:
    """IAMSAR total probable error E = √(X² + Y² + De²)."""
    for name, v in (("X", x_m), ("Y", y_m), ("De", de_m)):
        if not math.isfinite(v) or v < 0:
            raise SearchInputError(f"probable error {name} must be >= 0, got {v!r}")
    return math.sqrt(x_m * x_m + y_m * y_m + de_m * de_m)


def safety_factor(search_number: int) -> float:
    """fs for the n-th successive search (1-based; from the 5th on, 2.5)."""
    if search_number < 1:
        raise SearchInputError(f"search number must be >= 1, got {search_number!r}")
    return SAFETY_FACTORS[min(search_number, len(SAFETY_FACTORS)) - 1]


def search_radius_m(total_probable_error: float, search_number: int = 1) -> float:
    """R = fs × E."""
    return safety_factor(search_number) * total_probable_error
