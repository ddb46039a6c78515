"""Coverage and probability of detection (IAMSAR Vol. II; Koopman, *Search and Screening*).

The coverage factor of a search is C = W·L/A: sweep width times track length over the area
searched. Two detection functions turn it into a probability of detection:

* exponential (random search): POD = 1 − exp(−C). It is what an imperfectly navigated search
  achieves, and the law under which effort adds up (two searches of coverage C1, C2 give
  1 − exp(−(C1 + C2))); the planner uses it by default.
* inverse cube (Koopman's ideal parallel sweeps): POD = erf(√π/2 · C), higher for the same C.
"""

from __future__ import annotations

import math
from typing import Any, Literal

import numpy as np
from scipy.special import erf, erfinv

from channelwatch.search.errors import SearchInputError

DetectionModel = Literal["exponential", "inverse_cube"]
DETECTION_MODELS: tuple[DetectionModel, ...] = ("exponential", "inverse_cube")

_SQRT_PI_2 = math.sqrt(math.pi) / 2.0


def coverage_factor(sweep_width_m: Any, track_length_m: Any, area_m2: Any) -> Any:
    """C = W·L/A (dimensionless)."""
    area = np.asarray(area_m2, float)
    if np.any(area <= 0):
        raise SearchInputError(f"search area must be positive, got {area_m2!r} m²")
    return np.asarray(sweep_width_m, float) * np.asarray(track_length_m, float) / area


def pod_exponential(coverage: Any) -> Any:
    """POD = 1 − exp(−C), the random-search detection function."""
    return -np.expm1(-np.asarray(coverage, float))


def pod_inverse_cube(coverage: Any) -> Any:
    """POD = erf(√π/2 · C), Koopman's inverse-cube law for ideal parallel sweeps."""
    return erf(_SQRT_PI_2 * np.asarray(coverage, float))


def pod(coverage: Any, model: DetectionModel = "exponential") -> Any:
    """Probability of detection for coverage ``C`` under the named detection function."""
    if model == "exponential":
        return pod_exponential(coverage)
    if model == "inverse_cube":
        return pod_inverse_cube(coverage)
    raise SearchInputError(f"unknown detection model {model!r}; use one of {DETECTION_MODELS}")


def coverage_for_pod(target_pod: float, model: DetectionModel = "exponential") -> float:
    """The coverage factor that gives ``target_pod`` (the inverse of :func:`pod`)."""
    if not 0.0 <= target_pod < 1.0:
        raise SearchInputError(f"target POD must be in [0, 1), got {target_pod!r}")
    if model == "exponential":
        return float(-math.log1p(-target_pod))
    if model == "inverse_cube":
        return float(erfinv(target_pod) / _SQRT_PI_2)
    raise SearchInputError(f"unknown detection model {model!r}; use one of {DETECTION_MODELS}")
