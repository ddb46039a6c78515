"""Tuning of the kinematic tracker, validated once when it is built."""

from __future__ import annotations

import math
from dataclasses import dataclass

from channelwatch.track.errors import TrackInputError
from channelwatch.track.gating import chi2_gate_2dof

MAX_WINDOW = 32  # hit histories are kept as 32-bit masks


@dataclass(frozen=True, slots=True)
class TrackerConfig:
    """Models and rules of the multi-target tracker.

    The defaults describe the benchmark sensor of ``shared/data/tracking`` (10 m position noise,
    detection probability 0.9, 2.5e-7 clutter plots per m^2); the live façade passes its own.
    """

    process_noise_m2s3: float = 0.05  # NCV white-acceleration spectral density, per axis
    sigma_m: float = 10.0  # default 1-sigma position noise of a detection, per axis
    pd: float = 0.9  # probability that a target is detected in a scan
    clutter_density_per_m2: float = 2.5e-7  # false detections per m^2 per scan
    gate_probability: float = 0.999  # chi-square gate (2 dof) around each predicted position
    init_speed_sigma_ms: float = 5.0  # prior 1-sigma of each velocity component of a new track
    confirm_m: int = 3  # a tentative track is confirmed after M hits ...
    confirm_n: int = 4  # ... within its first N scans, and dropped when it can no longer reach M
    max_misses: int = 5  # consecutive missed scans after which a confirmed track is deleted
    max_coast_s: float = math.inf  # any track not updated for longer is deleted
    trail_len: int = 32  # recent updated positions kept per track

    def __post_init__(self) -> None:
        positive = {
            "process_noise_m2s3": self.process_noise_m2s3,
            "sigma_m": self.sigma_m,
            "clutter_density_per_m2": self.clutter_density_per_m2,
            "init_speed_sigma_ms": self.init_speed_sigma_ms,
            "max_coast_s": self.max_coast_s,
        }
        for name, value in positive.items():
            if not (value > 0.0) or math.isnan(value):
                raise TrackInputError(f"{name} must be > 0, got {value!r}")
        for name, value in positive.items():
            if name != "max_coast_s" and not math.isfinite(value):
                raise TrackInputError(f"{name} must be finite, got {value!r}")
        if not 0.0 < self.pd < 1.0:
            raise TrackInputError(f"pd must be in (0, 1), got {self.pd!r}")
        if not 0.0 < self.gate_probability < 1.0:
            raise TrackInputError(
                f"gate_probability must be in (0, 1), got {self.gate_probability!r}"
            )
        if not 1 <= self.confirm_n <= MAX_WINDOW:
            raise TrackInputError(f"confirm_n must be in 1..{MAX_WINDOW}, got {self.confirm_n!r}")
        if not 1 <= self.confirm_m <= self.confirm_n:
            raise TrackInputError(
                f"confirm_m must be in 1..confirm_n ({self.confirm_n}), got {self.confirm_m!r}"
            )
        if self.max_misses < 1:
            raise TrackInputError(f"max_misses must be >= 1, got {self.max_misses!r}")
        if self.trail_len < 1:
            raise TrackInputError(f"trail_len must be >= 1, got {self.trail_len!r}")

    @property
    def gate_d2(self) -> float:
        """Squared Mahalanobis gate for 2-D positions."""
        return chi2_gate_2dof(self.gate_probability)

    @property
    def log_clutter_ratio(self) -> float:
        """ln(clutter density) + ln((1 - pd) / pd): the cost of explaining a plot as clutter."""
        return math.log(self.clutter_density_per_m2) + math.log((1.0 - self.pd) / self.pd)
