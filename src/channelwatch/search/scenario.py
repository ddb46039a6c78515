"""Scenarios of a case, and the particle cloud each one stands for at the search time.

Every scenario ends as a :class:`Cloud`: particle positions (lat, lon) with weights, whatever made
them (the drift model, a drift output file, or the Gaussian fallback here). The planner only
sees clouds, so it does not depend on how they were made.

The Gaussian fallback, for a case with no forcing: start at the last known position (LKP) with
its probable error X; if the boat was under way, dead-reckon it on its course and speed (each
particle with its own course and speed errors) until a stop time drawn uniformly in the time
window; add a known drift (set and rate) if given; then a drift error De that grows linearly
with the time since the LKP (``drift_error_kn`` × hours, a probable error). Without a time
window the boat is dead-reckoned until the search time. ``probable_error_m``
replaces X and De by one given total.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np

from channelwatch.geo import MS_PER_KN, FloatArray, LocalProjection
from channelwatch.search.datum import CEP50_PER_SIGMA
from channelwatch.search.errors import SearchInputError

DEFAULT_DRIFT_ERROR_KN = 0.3  # assumption: ~1/8 of a 2-3 kn Channel drift (IAMSAR's 1/8 rule)


def _check_utc(name: str, t: datetime) -> None:
    if t.tzinfo is None or t.utcoffset() is None:
        raise SearchInputError(f"{name} must be timezone-aware UTC, got {t!r}")


@dataclass(frozen=True, slots=True)
class Lkp:
    """Last known position: where, when, and its probable error X (50 % radius)."""

    lat: float
    lon: float
    time: datetime
    radius_m: float = 500.0

    def __post_init__(self) -> None:
        _check_utc("LKP time", self.time)
        if not (-90 <= self.lat <= 90 and -180 <= self.lon <= 180):
            raise SearchInputError(f"LKP position out of range: {self.lat!r}, {self.lon!r}")
        if not self.radius_m >= 0:
            raise SearchInputError(f"LKP radius must be >= 0 m, got {self.radius_m!r}")


@dataclass(frozen=True, slots=True)
class Underway:
    """The boat kept course and speed from the LKP until a stop time drawn uniformly in
    [stop_from, stop_to]; with neither given, until the search time (pure dead reckoning)."""

    course_deg: float
    speed_kn: float
    course_sd_deg: float = 10.0
    speed_sd_kn: float = 1.0
    stop_from: datetime | None = None  # None (with stop_to given): the LKP time
    stop_to: datetime | None = None  # None (with stop_from given): the search time

    def __post_init__(self) -> None:
        if self.speed_kn < 0 or self.speed_sd_kn < 0 or self.course_sd_deg < 0:
            raise SearchInputError(
                f"speed and SDs must be >= 0, got speed {self.speed_kn!r} kn, "
                f"SDs {self.speed_sd_kn!r} kn / {self.course_sd_deg!r}°"
            )
        for name, t in (("stop_from", self.stop_from), ("stop_to", self.stop_to)):
            if t is not None:
                _check_utc(name, t)
        if self.stop_from and self.stop_to and self.stop_to < self.stop_from:
            raise SearchInputError(f"time window ends before it starts: {self.stop_to.isoformat()}")


@dataclass(frozen=True, slots=True)
class GaussianScenario:
    """A scenario without forcing: Gaussian position error around a dead-reckoned datum."""

    id: str
    weight: float
    lkp: Lkp
    search_object: str
    underway: Underway | None = None
    drift_set_deg: float = 0.0  # direction the drift goes towards
    drift_rate_kn: float = 0.0
    drift_error_kn: float = DEFAULT_DRIFT_ERROR_KN
    probable_error_m: float | None = None


@dataclass(frozen=True, slots=True)
class ParticleFileScenario:
    """A scenario given as a drift output file (particle cloud NetCDF)."""

    id: str
    weight: float
    path: Path
    search_object: str | None = None
    time: datetime | None = None  # which time step; None: nearest the search time


@dataclass(frozen=True, slots=True)
class DriftScenario:
    """A scenario to run through the drift model on forcing files."""

    id: str
    weight: float
    lkp: Lkp
    search_object: str
    object_class: str  # the drift model's leeway class
    current_path: Path | None = None
    wind_path: Path | None = None
    particles: int = 5000
    seed: int | None = None
    options: dict[str, object] = field(default_factory=dict)


Scenario = GaussianScenario | ParticleFileScenario | DriftScenario


@dataclass(frozen=True, slots=True, eq=False)
class Cloud:
    """A scenario's particles at the search time; ``particle_weight`` sums to 1."""

    scenario_id: str
    weight: float  # the scenario's weight in the mixture (not yet normalised)
    lat: FloatArray
    lon: FloatArray
    particle_weight: FloatArray
    stranded_fraction: float = 0.0  # of the scenario's particles, dropped as ashore
    source: str = ""

    def __post_init__(self) -> None:
        if not (self.lat.shape == self.lon.shape == self.particle_weight.shape):
            raise SearchInputError(f"cloud {self.scenario_id!r}: arrays differ in shape")
        if self.lat.size == 0:
            raise SearchInputError(f"cloud {self.scenario_id!r} has no particle afloat")
        if not self.weight > 0:
            raise SearchInputError(f"scenario {self.scenario_id!r} weight must be > 0")


def uniform_weights(n: int) -> FloatArray:
    return np.full(n, 1.0 / n)


def gaussian_cloud(
    scenario: GaussianScenario, search_time: datetime, n: int, rng: np.random.Generator
) -> Cloud:
    """Sample ``n`` particles of the Gaussian fallback at ``search_time``."""
    _check_utc("search time", search_time)
    lkp = scenario.lkp
    elapsed_s = (search_time - lkp.time).total_seconds()
    if elapsed_s < 0:
        raise SearchInputError(
            f"scenario {scenario.id!r}: LKP time {lkp.time.isoformat()} is after the search "
            f"time {search_time.isoformat()}"
        )
    if n < 1:
        raise SearchInputError(f"particle count must be >= 1, got {n!r}")
    proj = LocalProjection(lkp.lat, lkp.lon)
    x = np.zeros(n)
    y = np.zeros(n)
    uw = scenario.underway
    if uw is not None:
        no_window = uw.stop_from is None and uw.stop_to is None
        t0 = (uw.stop_from or (search_time if no_window else lkp.time)) - lkp.time
        t1 = (uw.stop_to or search_time) - lkp.time
        lo = min(max(t0.total_seconds(), 0.0), elapsed_s)
        hi = min(max(t1.total_seconds(), lo), elapsed_s)
        run_s = rng.uniform(lo, hi, n) if hi > lo else np.full(n, lo)
        course = np.radians(uw.course_deg + uw.course_sd_deg * rng.standard_normal(n))
        speed_ms = np.clip(uw.speed_kn + uw.speed_sd_kn * rng.standard_normal(n), 0, None)
        dist = speed_ms * MS_PER_KN * run_s
        x += dist * np.sin(course)
        y += dist * np.cos(course)
    drift_m = scenario.drift_rate_kn * MS_PER_KN * elapsed_s
    x += drift_m * np.sin(np.radians(scenario.drift_set_deg))
    y += drift_m * np.cos(np.radians(scenario.drift_set_deg))
    if scenario.probable_error_m is not None:
        if scenario.probable_error_m < 0:
            raise SearchInputError(
                f"probable_error_m must be >= 0, got {scenario.probable_error_m}"
            )
        sigma = scenario.probable_error_m / CEP50_PER_SIGMA
    else:
        de_m = scenario.drift_error_kn * MS_PER_KN * elapsed_s
        sigma = float(np.hypot(lkp.radius_m, de_m)) / CEP50_PER_SIGMA
    x += sigma * rng.standard_normal(n)
    y += sigma * rng.standard_normal(n)
    lat, lon = proj.to_latlon(x, y)
    return Cloud(
        scenario_id=scenario.id,
        weight=scenario.weight,
        lat=lat,
        lon=lon,
        particle_weight=uniform_weights(n),
        source="gaussian",
    )
