"""The Home Office small-boat series as numpy arrays (one record per table).

SB_01 is daily arrivals; SB_02 is weekly arrivals plus the French authorities' "prevented"
estimates. A missing value (shown as "-" by the Home Office, e.g. uncontrolled landings before
2023) is NaN in the float columns, never 0: "not recorded" is not "none".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from channelwatch.analytics.errors import AnalyticsInputError

Dates = npt.NDArray[np.datetime64]
Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]


def _check_dates(dates: Dates, what: str) -> None:
    if dates.dtype != np.dtype("datetime64[D]"):
        raise AnalyticsInputError(f"{what}: dates must be datetime64[D], got {dates.dtype}")
    if dates.size > 1:
        steps = np.diff(dates).astype(np.int64)
        if np.any(steps <= 0):
            bad = dates[1:][steps <= 0][0]
            raise AnalyticsInputError(f"{what}: dates not strictly increasing at {bad}")


def _check_counts(name: str, values: Ints | Floats, n: int, what: str) -> None:
    if values.shape != (n,):
        raise AnalyticsInputError(f"{what}: {name} has shape {values.shape}, expected ({n},)")
    finite = values[np.isfinite(values)] if values.dtype.kind == "f" else values
    if np.any(finite < 0):
        raise AnalyticsInputError(f"{what}: {name} has a negative value {finite[finite < 0][0]}")


@dataclass(frozen=True, slots=True)
class DailyCrossings:
    """Table SB_01: people and boats detected per day (UTC calendar days, as published)."""

    dates: Dates  # datetime64[D], strictly increasing
    people: Ints
    boats: Ints
    uncontrolled_boats: Floats  # boats in uncontrolled landings; NaN = not recorded
    revised: Bools  # the Home Office marked the row "Revised"
    source: str = ""
    skipped_rows: int = 0  # rows of the file that could not be read (counted, not guessed)

    def __post_init__(self) -> None:
        what = self.source or "daily series"
        _check_dates(self.dates, what)
        n = self.dates.size
        _check_counts("people", self.people, n, what)
        _check_counts("boats", self.boats, n, what)
        _check_counts("uncontrolled_boats", self.uncontrolled_boats, n, what)
        if self.revised.shape != (n,):
            raise AnalyticsInputError(f"{what}: revised has shape {self.revised.shape}")

    def __len__(self) -> int:
        return int(self.dates.size)

    def between(self, first: np.datetime64 | None, last: np.datetime64 | None) -> DailyCrossings:
        """The days from ``first`` to ``last`` inclusive (either may be None: open)."""
        keep = np.ones(self.dates.size, dtype=bool)
        if first is not None:
            keep &= self.dates >= first
        if last is not None:
            keep &= self.dates <= last
        return DailyCrossings(
            self.dates[keep],
            self.people[keep],
            self.boats[keep],
            self.uncontrolled_boats[keep],
            self.revised[keep],
            self.source,
            self.skipped_rows,
        )


@dataclass(frozen=True, slots=True)
class WeeklyCrossings:
    """Table SB_02: weekly arrivals and preventions, dated on the week's last day (Sunday)."""

    week_end: Dates
    people: Ints
    boats: Ints
    uncontrolled_boats: Floats
    people_prevented: Floats  # French operational estimates; NaN = not published that week
    events_prevented: Floats
    source: str = ""
    skipped_rows: int = 0

    def __post_init__(self) -> None:
        what = self.source or "weekly series"
        _check_dates(self.week_end, what)
        n = self.week_end.size
        for name in ("people", "boats", "uncontrolled_boats", "people_prevented"):
            _check_counts(name, getattr(self, name), n, what)
        _check_counts("events_prevented", self.events_prevented, n, what)

    def __len__(self) -> int:
        return int(self.week_end.size)
