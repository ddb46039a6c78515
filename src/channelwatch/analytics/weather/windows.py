"""Hourly classes and weather windows from a wind (and wave) time series. Pure numpy, no I/O.

Each hour is *likely*, *possible* or *unlikely* for crossings, and *none*, *danger* or *severe*
for a loaded inflatable already at sea. When the waves are not known the wind alone decides and
the hour says so (``wave_known``): no wave height is invented from the wind.
A window is a run of consecutive likely hours (optionally also possible ones) lasting at least
``min_window_h``; a gap in the series ends a run.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum
from typing import Any

import numpy as np
import numpy.typing as npt

from channelwatch.analytics.errors import AnalyticsInputError
from channelwatch.analytics.weather.thresholds import Thresholds

Times = npt.NDArray[np.datetime64]
Floats = npt.NDArray[np.float64]


class Likelihood(IntEnum):
    UNKNOWN = -1
    UNLIKELY = 0
    POSSIBLE = 1
    LIKELY = 2


class Danger(IntEnum):
    UNKNOWN = -1
    NONE = 0
    DANGER = 1
    SEVERE = 2


@dataclass(frozen=True, slots=True)
class HourlyWeather:
    """A point time series: UTC times (datetime64[s]), wind in knots, waves in metres (NaN =
    not known)."""

    times: Times
    wind_kn: Floats
    wave_m: Floats
    source: str = ""
    lat: float | None = None  # where the series was taken (grid cell centre)
    lon: float | None = None
    skipped_rows: int = 0

    def __post_init__(self) -> None:
        n = self.times.size
        if self.times.dtype.kind != "M":
            raise AnalyticsInputError(f"times must be datetime64, got {self.times.dtype}")
        if self.wind_kn.shape != (n,) or self.wave_m.shape != (n,):
            raise AnalyticsInputError(
                f"wind ({self.wind_kn.shape}) and waves ({self.wave_m.shape}) must match the "
                f"{n} times"
            )
        if n > 1 and np.any(np.diff(self.times).astype(np.int64) <= 0):
            raise AnalyticsInputError(f"{self.source or 'series'}: times not strictly increasing")
        for name, v in (("wind_kn", self.wind_kn), ("wave_m", self.wave_m)):
            finite = v[np.isfinite(v)]
            if np.any(finite < 0):
                raise AnalyticsInputError(f"{name} has a negative value {finite[finite < 0][0]}")

    def __len__(self) -> int:
        return int(self.times.size)

    @property
    def has_waves(self) -> bool:
        return bool(np.any(np.isfinite(self.wave_m)))


def classify_hours(
    wind_kn: Floats, wave_m: Floats, t: Thresholds
) -> tuple[npt.NDArray[np.int8], npt.NDArray[np.int8]]:
    """Per hour: the crossing likelihood and the danger level (as ``Likelihood``/``Danger``)."""
    wind = np.asarray(wind_kn, dtype=np.float64)
    wave = np.asarray(wave_m, dtype=np.float64)
    wave_known = np.isfinite(wave)
    wind_known = np.isfinite(wind)
    # An unknown wave height does not block a class the wind allows (stated, not guessed).
    calm_wave = ~wave_known | (wave <= t.likely_wave_m)
    fair_wave = ~wave_known | (wave < t.possible_wave_m)
    likely = wind_known & (wind <= t.likely_wind_kn) & calm_wave
    possible = wind_known & (wind <= t.possible_wind_kn) & fair_wave & ~likely
    like = np.full(wind.shape, Likelihood.UNLIKELY, dtype=np.int8)
    like[possible] = Likelihood.POSSIBLE
    like[likely] = Likelihood.LIKELY
    like[~wind_known] = Likelihood.UNKNOWN

    severe = (wind_known & (wind >= t.severe_wind_kn)) | (wave_known & (wave >= t.severe_wave_m))
    danger = (wind_known & (wind >= t.danger_wind_kn)) | (wave_known & (wave >= t.danger_wave_m))
    dang = np.full(wind.shape, Danger.NONE, dtype=np.int8)
    dang[danger] = Danger.DANGER
    dang[severe] = Danger.SEVERE
    dang[~wind_known & ~wave_known] = Danger.UNKNOWN
    return like, dang


def time_step_s(times: Times) -> float:
    """The series' regular step in seconds (the median spacing)."""
    if times.size < 2:
        return 3600.0
    return float(np.median(np.diff(times.astype("datetime64[s]")).astype(np.int64)))


def runs(mask: npt.NDArray[np.bool_], times: Times) -> list[tuple[int, int]]:
    """Index ranges [i, j) of consecutive True values; a gap longer than 1.5 steps ends a run."""
    if mask.size == 0:
        return []
    step = time_step_s(times)
    gaps = np.diff(times.astype("datetime64[s]")).astype(np.int64) > 1.5 * step
    breaks = np.concatenate(([True], gaps | (mask[1:] != mask[:-1])))
    starts = np.flatnonzero(breaks)
    ends = np.concatenate((starts[1:], [mask.size]))
    return [(int(i), int(j)) for i, j in zip(starts, ends, strict=True) if mask[i]]


@dataclass(frozen=True, slots=True)
class Window:
    """A run of hours in which crossings are likely (or possible, if asked)."""

    start: datetime  # UTC, first hour
    end: datetime  # UTC, end of the last hour (start of the next step)
    hours: float
    max_wind_kn: float
    mean_wind_kn: float
    max_wave_m: float | None  # None when the waves are not known
    wave_known: bool
    kind: str  # "likely" or "likely+possible"
    truncated: bool  # touches the start or end of the series: it may be longer

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "hours": self.hours,
            "max_wind_kn": self.max_wind_kn,
            "mean_wind_kn": self.mean_wind_kn,
            "max_wave_m": self.max_wave_m,
            "wave_known": self.wave_known,
            "kind": self.kind,
            "truncated": self.truncated,
        }


def to_datetime(t: np.datetime64) -> datetime:
    """A numpy time (taken as UTC) as an aware datetime."""
    from datetime import UTC

    seconds = int(t.astype("datetime64[s]").astype(np.int64))
    return datetime.fromtimestamp(seconds, tz=UTC)


def find_windows(
    weather: HourlyWeather, t: Thresholds, include_possible: bool = False
) -> list[Window]:
    """The windows of at least ``t.min_window_h`` hours."""
    like, _ = classify_hours(weather.wind_kn, weather.wave_m, t)
    floor = Likelihood.POSSIBLE if include_possible else Likelihood.LIKELY
    mask = like >= floor
    step_s = time_step_s(weather.times)
    out = []
    for i, j in runs(mask, weather.times):
        hours = (j - i) * step_s / 3600.0
        if hours + 1e-9 < t.min_window_h:
            continue
        waves = weather.wave_m[i:j]
        known = np.isfinite(waves)
        out.append(
            Window(
                start=to_datetime(weather.times[i]),
                end=to_datetime(weather.times[j - 1] + np.timedelta64(round(step_s), "s")),
                hours=hours,
                max_wind_kn=float(np.max(weather.wind_kn[i:j])),
                mean_wind_kn=float(np.mean(weather.wind_kn[i:j])),
                max_wave_m=float(np.max(waves[known])) if known.any() else None,
                wave_known=bool(known.all()),
                kind="likely+possible" if include_possible else "likely",
                truncated=i == 0 or j == len(weather),
            )
        )
    return out


@dataclass(frozen=True, slots=True)
class WindowSummary:
    """Counts of hours per class over the series."""

    hours: float
    likely_h: float
    possible_h: float
    unlikely_h: float
    unknown_h: float
    danger_h: float
    severe_h: float
    wave_known_h: float

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__slots__}


def summarise(weather: HourlyWeather, t: Thresholds) -> WindowSummary:
    like, dang = classify_hours(weather.wind_kn, weather.wave_m, t)
    h = time_step_s(weather.times) / 3600.0
    return WindowSummary(
        hours=len(weather) * h,
        likely_h=float(np.count_nonzero(like == Likelihood.LIKELY)) * h,
        possible_h=float(np.count_nonzero(like == Likelihood.POSSIBLE)) * h,
        unlikely_h=float(np.count_nonzero(like == Likelihood.UNLIKELY)) * h,
        unknown_h=float(np.count_nonzero(like == Likelihood.UNKNOWN)) * h,
        danger_h=float(np.count_nonzero(dang == Danger.DANGER)) * h,
        severe_h=float(np.count_nonzero(dang == Danger.SEVERE)) * h,
        wave_known_h=float(np.count_nonzero(np.isfinite(weather.wave_m))) * h,
    )


def hourly_rows(weather: HourlyWeather, t: Thresholds) -> list[dict[str, Any]]:
    """One flat row per hour (for --json --hours and exports)."""
    like, dang = classify_hours(weather.wind_kn, weather.wave_m, t)
    rows = []
    for k in range(len(weather)):
        wave = float(weather.wave_m[k])
        wind = float(weather.wind_kn[k])
        rows.append(
            {
                "time": to_datetime(weather.times[k]).isoformat(),
                "wind_kn": wind if np.isfinite(wind) else None,
                "wave_m": wave if np.isfinite(wave) else None,
                "likelihood": Likelihood(int(like[k])).name.lower(),
                "danger": Danger(int(dang[k])).name.lower(),
            }
        )
    return rows
