"""Wind and sea as they matter to an open, overloaded small boat.

The Beaufort force is the WMO scale (upper wind speed of each force in knots). The two
thresholds for small open boats are ChannelWatch's judgement, stated so they can be argued
with: from force 5 (17 kn) or waves of 1 m an overloaded inflatable ships water and its
passengers cannot stay dry; from force 6 (22 kn) or waves of 2 m capsize and loss of people
overboard are likely.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import numpy as np
import numpy.typing as npt

# Upper bound (exclusive) of forces 0..11 in knots; 64 kn and over is force 12 (WMO).
_BEAUFORT_UPPER_KN = np.array([1, 4, 7, 11, 17, 22, 28, 34, 41, 48, 56, 64], dtype=np.float64)

ROUGH_WIND_KN = 17.0
ROUGH_WAVE_M = 1.0
SEVERE_WIND_KN = 22.0
SEVERE_WAVE_M = 2.0


def beaufort(wind_kn: Any) -> npt.NDArray[np.int64]:
    """Beaufort force (0-12) of wind speeds in knots."""
    return np.searchsorted(_BEAUFORT_UPPER_KN, np.asarray(wind_kn, dtype=np.float64), side="right")


class SeaState(StrEnum):
    MODERATE = "moderate"
    ROUGH = "rough"
    SEVERE = "severe"
    UNKNOWN = "unknown"


def sea_state(wind_kn: float | None, wave_m: float | None) -> SeaState:
    """The worse of what the wind and the waves say; UNKNOWN only when both are unknown."""
    if wind_kn is None and wave_m is None:
        return SeaState.UNKNOWN
    if (wind_kn is not None and wind_kn >= SEVERE_WIND_KN) or (
        wave_m is not None and wave_m >= SEVERE_WAVE_M
    ):
        return SeaState.SEVERE
    if (wind_kn is not None and wind_kn >= ROUGH_WIND_KN) or (
        wave_m is not None and wave_m >= ROUGH_WAVE_M
    ):
        return SeaState.ROUGH
    return SeaState.MODERATE
