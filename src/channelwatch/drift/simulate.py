"""The Monte Carlo leeway simulation: forward drift, and back-tracking with a negative step.

Each step, for all active particles at once: sample wind and current at their positions and the
step's start time, add the optional per-step wind and current noise, compute the leeway from
each particle's own coefficients, move by ``(leeway + current) · dt`` (forward Euler, as the
Leeway model of Allen and OpenDrift do), strand those that reached land, and let each jibe with
its per-step probability. Particles with no forcing at their position are deactivated.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Literal, Protocol

import numpy as np
import numpy.typing as npt

from channelwatch.drift.coefficients import draw_coefficients
from channelwatch.drift.errors import DriftInputError
from channelwatch.drift.forcing.cf import Quantity
from channelwatch.drift.forcing.environment import Forcing
from channelwatch.drift.leeway import LeewayClass, get_leeway_class
from channelwatch.drift.physics import advance, jibe_probability_per_step, leeway_velocity
from channelwatch.drift.result import DriftResult, ParticleStatus
from channelwatch.drift.seeding import SeedShape, seed_positions

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

DEFAULT_JIBE_PROBABILITY_PER_HOUR = 0.04  # Allen (2005), Breivik & Allen (2008)
_STRAND_BISECTIONS = 8


class LandTest(Protocol):
    """True where a position is on land (positions outside the land model: False)."""

    def __call__(self, lat: FloatArray, lon: FloatArray) -> BoolArray: ...


ProgressFn = Callable[[int, int], None]
Scheme = Literal["euler", "rk2"]


def _strand_points(
    lat0: FloatArray, lon0: FloatArray, lat1: FloatArray, lon1: FloatArray, land: LandTest
) -> tuple[FloatArray, FloatArray]:
    """First land point on each straight segment from water (0) to land (1), by bisection."""
    lo = np.zeros(lat0.size)
    hi = np.ones(lat0.size)
    for _ in range(_STRAND_BISECTIONS):
        mid = 0.5 * (lo + hi)
        on = np.asarray(land(lat0 + mid * (lat1 - lat0), lon0 + mid * (lon1 - lon0)), dtype=bool)
        hi = np.where(on, mid, hi)
        lo = np.where(on, lo, mid)
    return lat0 + hi * (lat1 - lat0), lon0 + hi * (lon1 - lon0)


def _noise(rng: np.random.Generator, m: int, sd_ms: float) -> npt.NDArray[np.complex64]:
    """Gaussian noise of standard deviation ``sd_ms`` on each component of ``m`` vectors."""
    z = rng.standard_normal((2, m), dtype=np.float32)
    z *= np.float32(sd_ms)
    out: npt.NDArray[np.complex64] = (z[0] + np.complex64(1j) * z[1]).astype(np.complex64)
    return out


def _seconds(t: datetime) -> float:
    if t.tzinfo is None or t.utcoffset() is None:
        raise DriftInputError(f"time {t.isoformat()} has no time zone: give UTC")
    return t.timestamp()


def run_leeway(
    forcing: Forcing,
    object_class: LeewayClass | str | int,
    lat: float | npt.ArrayLike,
    lon: float | npt.ArrayLike,
    start: datetime,
    duration: timedelta,
    *,
    rng: np.random.Generator,
    n_particles: int = 5000,
    radius_m: float = 0.0,
    seed_shape: SeedShape = "gaussian",
    step: timedelta = timedelta(minutes=15),
    output_step: timedelta | None = timedelta(hours=1),
    backward: bool = False,
    land: LandTest | None = None,
    jibe_probability_per_hour: float = DEFAULT_JIBE_PROBABILITY_PER_HOUR,
    wind_uncertainty_ms: float = 0.0,
    current_uncertainty_ms: float = 0.0,
    scheme: Scheme = "euler",
    progress: ProgressFn | None = None,
) -> DriftResult:
    """Run the leeway model and return the particles at each output time.

    Args:
        forcing: wind and current readers (see :class:`~channelwatch.drift.forcing.Forcing`).
        object_class: a :class:`LeewayClass`, its key (``"LIFE-RAFT-NB-1"``) or its number.
        lat, lon: release point (forward) or find position (``backward=True``), degrees; or
            arrays giving a cloud to start from (see :func:`seed_positions`).
        start: UTC-aware time of release (forward) or of the find (backward).
        duration: how long to simulate (positive; a backward run goes back this far).
        rng: the random generator (coefficients, jibing, noise, seed spread).
        n_particles, radius_m, seed_shape: the ensemble and its initial spread.
        step: time step (positive); ``duration`` and ``output_step`` must be multiples of it.
        output_step: interval of the stored clouds (``None``: only start and end).
        backward: integrate back in time from ``start`` (back-tracking).
        land: land test for stranding (``None``: no stranding).
        jibe_probability_per_hour: chance per hour that an object changes side of downwind.
        wind_uncertainty_ms, current_uncertainty_ms: standard deviation of Gaussian noise added
            to each component of each particle's wind and current, drawn anew every step.
        scheme: ``"euler"`` (forward Euler, as the published Leeway model and OpenDrift) or
            ``"rk2"`` (Heun's second-order scheme: twice the forcing look-ups, far smaller
            error at the same step).
        progress: called with (steps done, steps in all) after every step.
    """
    cls = object_class if isinstance(object_class, LeewayClass) else get_leeway_class(object_class)
    t0 = _seconds(start)
    step_s = step.total_seconds()
    dur_s = duration.total_seconds()
    if step_s <= 0:
        raise DriftInputError(f"time step must be positive, got {step}")
    if dur_s <= 0:
        raise DriftInputError(f"duration must be positive, got {duration}")
    n_steps = round(dur_s / step_s)
    # (a millisecond of slack: a step computed as duration / n is rounded to microseconds)
    if n_steps < 1 or abs(n_steps * step_s - dur_s) > 1e-3:
        raise DriftInputError(f"duration {duration} is not a whole number of steps of {step}")
    if output_step is None:
        out_every = n_steps
    else:
        ratio = output_step.total_seconds() / step_s
        out_every = round(ratio)
        if out_every < 1 or abs(out_every - ratio) > 1e-6 * max(ratio, 1.0):
            raise DriftInputError(f"output step {output_step} is not a multiple of step {step}")
    for name, value in (("wind", wind_uncertainty_ms), ("current", current_uncertainty_ms)):
        if not (np.isfinite(value) and value >= 0):
            raise DriftInputError(f"{name} uncertainty must be >= 0 m/s, got {value}")
    if scheme not in ("euler", "rk2"):
        raise DriftInputError(f"unknown integration scheme {scheme!r}: use 'euler' or 'rk2'")
    if not 0.0 <= jibe_probability_per_hour < 1.0:
        raise DriftInputError(
            f"jibe probability per hour must be in [0, 1), got {jibe_probability_per_hour}"
        )

    sign = -1.0 if backward else 1.0
    dt = sign * step_s
    t_end = t0 + sign * dur_s
    for q in Quantity:
        # the last step samples at t_end - dt (and at t_end with rk2); fail before any work if
        # the span is not covered
        forcing.check_time(q, t0)
        forcing.check_time(q, t_end if scheme == "rk2" else t_end - dt)

    lat0, lon0 = seed_positions(lat, lon, n_particles, radius_m, rng, seed_shape)
    n = lat0.size
    coef = draw_coefficients(cls, n, rng)
    p_jibe = jibe_probability_per_step(jibe_probability_per_hour, step_s)

    # full-size state (for output) and the compact working set of active particles
    all_lat = lat0.copy()
    all_lon = lon0.copy()
    all_status = np.zeros(n, dtype=np.int8)
    ids = np.arange(n)
    cur_lat, cur_lon = lat0, lon0

    def deactivate(mask: BoolArray, status: ParticleStatus) -> None:
        nonlocal ids, cur_lat, cur_lon, coef
        gone = ids[mask]
        all_lat[gone] = cur_lat[mask]
        all_lon[gone] = cur_lon[mask]
        all_status[gone] = status
        keep = ~mask
        ids, cur_lat, cur_lon = ids[keep], cur_lat[keep], cur_lon[keep]
        coef = coef.subset(keep)

    if land is not None:
        on = np.asarray(land(cur_lat, cur_lon), dtype=bool)
        if on.any():
            deactivate(on, ParticleStatus.STRANDED)

    n_out = n_steps // out_every + 1 + (1 if n_steps % out_every else 0)
    out_lat = np.empty((n_out, n), dtype=np.float32)
    out_lon = np.empty((n_out, n), dtype=np.float32)
    out_status = np.empty((n_out, n), dtype=np.int8)
    out_times: list[datetime] = []

    def record(t_s: float) -> None:
        k = len(out_times)
        all_lat[ids] = cur_lat
        all_lon[ids] = cur_lon
        out_lat[k] = all_lat
        out_lon[k] = all_lon
        out_status[k] = all_status
        out_times.append(datetime.fromtimestamp(t_s, UTC))

    record(t0)
    for k in range(n_steps):
        t = t0 + k * dt
        if ids.size:
            wind, ok_w = forcing.sample(Quantity.WIND, t, cur_lat, cur_lon)
            current, ok_c = forcing.sample(Quantity.CURRENT, t, cur_lat, cur_lon)
            ok = ok_w & ok_c
            if not ok.all():
                deactivate(~ok, ParticleStatus.OUT_OF_COVERAGE)
                wind, current = wind[ok], current[ok]
        if ids.size:
            m = ids.size
            wind_noise = current_noise = None
            if wind_uncertainty_ms > 0:
                wind_noise = _noise(rng, m, wind_uncertainty_ms)
                wind = (wind + wind_noise).astype(np.complex64)
            if current_uncertainty_ms > 0:
                current_noise = _noise(rng, m, current_uncertainty_ms)
                current = (current + current_noise).astype(np.complex64)
            velocity = leeway_velocity(
                wind, coef.dw_slope_pct, coef.dw_offset_cms, coef.cw_slope_pct, coef.cw_offset_cms
            )
            velocity += current
            if scheme == "rk2":
                # Heun: the mean of the velocities at the start and at the Euler end point (same
                # coefficients and noise); Euler where the end point has no forcing
                end_lat, end_lon = advance(cur_lat, cur_lon, velocity, dt)
                wind2, ok_w2 = forcing.sample(Quantity.WIND, t + dt, end_lat, end_lon)
                current2, ok_c2 = forcing.sample(Quantity.CURRENT, t + dt, end_lat, end_lon)
                if wind_noise is not None:
                    wind2 = (wind2 + wind_noise).astype(np.complex64)
                if current_noise is not None:
                    current2 = (current2 + current_noise).astype(np.complex64)
                velocity2 = leeway_velocity(
                    wind2,
                    coef.dw_slope_pct,
                    coef.dw_offset_cms,
                    coef.cw_slope_pct,
                    coef.cw_offset_cms,
                )
                velocity2 += current2
                both = ok_w2 & ok_c2
                velocity = np.where(
                    both, np.complex64(0.5) * (velocity + velocity2), velocity
                ).astype(np.complex64)
            new_lat, new_lon = advance(cur_lat, cur_lon, velocity, dt)
            stranded = None
            if land is not None:
                stranded = np.asarray(land(new_lat, new_lon), dtype=bool)
                if stranded.any():
                    s_lat, s_lon = _strand_points(
                        cur_lat[stranded],
                        cur_lon[stranded],
                        new_lat[stranded],
                        new_lon[stranded],
                        land,
                    )
                    new_lat[stranded], new_lon[stranded] = s_lat, s_lon
            cur_lat, cur_lon = new_lat, new_lon
            if stranded is not None and stranded.any():
                deactivate(stranded, ParticleStatus.STRANDED)
            if p_jibe > 0 and ids.size:
                coef.jibe(rng.random(ids.size, dtype=np.float32) < p_jibe)
        if (k + 1) % out_every == 0 or k + 1 == n_steps:
            record(t0 + (k + 1) * dt)
        if progress is not None:
            progress(k + 1, n_steps)

    return DriftResult(
        times=tuple(out_times),
        lat=out_lat,
        lon=out_lon,
        status=out_status,
        object_class=cls,
        backward=backward,
        step_s=step_s,
        attrs={
            "jibe_probability_per_hour": jibe_probability_per_hour,
            "wind_uncertainty_ms": wind_uncertainty_ms,
            "current_uncertainty_ms": current_uncertainty_ms,
            "radius_m": float(radius_m),
            "seed_shape": seed_shape,
            "scheme": scheme,
            "stranding": int(land is not None),
            "wind_readers": ", ".join(r.name for r in forcing.wind),
            "current_readers": ", ".join(r.name for r in forcing.current),
        },
    )
