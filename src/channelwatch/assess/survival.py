"""How long people can be expected to survive in the water, from the water temperature.

Two published sources, used together:

* Hayward, Eckerson and Collis (1975), "Thermal balance and survival time prediction of man in
  cold water", Can. J. Physiol. Pharmacol. 53:21-32: predicted time for a lightly clothed adult
  *wearing a lifejacket*, still in calm water, to cool to a core temperature of 30 °C,
  ``t_min = 15 + 7.2 / (0.0785 - 0.0034 * T)``, fitted for about 0-20 °C.
* The table of expected survival times by water temperature published by the US Search and
  Rescue Task Force and reproduced in US Coast Guard boating-safety material (0-4.5 °C:
  30-90 min; 4.5-10 °C: 1-3 h; 10-15.5 °C: 1-6 h; 15.5-21 °C: 2-40 h; 21-27 °C: 3 h to
  indefinite; above 27 °C: indefinite).

The estimate is Hayward's time clipped into that table's band: both are for people afloat.
Without a lifejacket the danger is drowning long before hypothermia: cold shock in the first
minute and swim failure within about ten minutes (Giesbrecht's "1-10-1"; Golden and Tipton,
*Essentials of Sea Survival*, 2002). Without a lifejacket the estimate is therefore capped at
10 minutes. Individual survival varies widely (body mass, clothing, sea state): treat the
figures as an order of magnitude, never as a promise.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

HAYWARD_MAX_C = 20.0  # the fit diverges near 23 °C; it was fitted for cold water
SWIM_FAILURE_MIN = 10.0
INDEFINITE_MIN = 7 * 24 * 60.0  # a stand-in for "indefinite": a week

# (upper water temperature °C, lower and upper expected survival in minutes)
_BANDS: tuple[tuple[float, float, float], ...] = (
    (4.5, 30.0, 90.0),
    (10.0, 60.0, 180.0),
    (15.5, 60.0, 360.0),
    (21.0, 120.0, 2400.0),
    (27.0, 180.0, INDEFINITE_MIN),
    (float("inf"), INDEFINITE_MIN, INDEFINITE_MIN),
)
_BAND_EDGES = np.array([b[0] for b in _BANDS[:-1]])
_BAND_LOW = np.array([b[1] for b in _BANDS])
_BAND_HIGH = np.array([b[2] for b in _BANDS])


def hayward_survival_min(water_temp_c: Any) -> FloatArray:
    """Hayward et al. (1975) time to 30 °C core, minutes, afloat with a lifejacket."""
    t = np.clip(np.asarray(water_temp_c, dtype=np.float64), 0.0, HAYWARD_MAX_C)
    return np.asarray(15.0 + 7.2 / (0.0785 - 0.0034 * t), dtype=np.float64)


def survival_band_min(water_temp_c: Any) -> tuple[FloatArray, FloatArray]:
    """The published band of expected survival (lower, upper) in minutes for each temperature."""
    t = np.asarray(water_temp_c, dtype=np.float64)
    i = np.searchsorted(_BAND_EDGES, t, side="right")
    return _BAND_LOW[i], _BAND_HIGH[i]


def survival_min(water_temp_c: Any, *, lifejacket: Any = True) -> FloatArray:
    """Expected survival time in the water, minutes (vectorised over temperatures)."""
    low, high = survival_band_min(water_temp_c)
    afloat = np.clip(hayward_survival_min(water_temp_c), low, high)
    return np.asarray(
        np.where(np.asarray(lifejacket, dtype=bool), afloat, np.minimum(afloat, SWIM_FAILURE_MIN)),
        dtype=np.float64,
    )


@dataclass(frozen=True, slots=True)
class SurvivalEstimate:
    """Survival in the water at one temperature, with and without a lifejacket."""

    water_temp_c: float
    with_lifejacket_min: float
    without_lifejacket_min: float
    band_low_min: float
    band_high_min: float

    def to_dict(self) -> dict[str, float]:
        return {
            "water_temp_c": self.water_temp_c,
            "with_lifejacket_min": round(self.with_lifejacket_min, 1),
            "without_lifejacket_min": round(self.without_lifejacket_min, 1),
            "band_low_min": self.band_low_min,
            "band_high_min": self.band_high_min,
        }


def estimate_survival(water_temp_c: float) -> SurvivalEstimate:
    low, high = survival_band_min(water_temp_c)
    return SurvivalEstimate(
        water_temp_c=float(water_temp_c),
        with_lifejacket_min=float(survival_min(water_temp_c, lifejacket=True)),
        without_lifejacket_min=float(survival_min(water_temp_c, lifejacket=False)),
        band_low_min=float(low),
        band_high_min=float(high),
    )


def describe_minutes(minutes: float) -> str:
    """Officer-style rounding: '~10 min', '~2 h', 'over a day'."""
    if minutes >= INDEFINITE_MIN:
        return "indefinite"
    if minutes >= 24 * 60:
        return "over a day"
    if minutes >= 90:
        return f"~{minutes / 60:.0f} h"
    return f"~{minutes:.0f} min"
