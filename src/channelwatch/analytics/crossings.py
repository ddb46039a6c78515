"""Crossings by period: people, boats, people per boat, uncontrolled landings, preventions,
rolling means and the seasonal profile. Pure functions on the series arrays; no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt

from channelwatch.analytics.errors import AnalyticsInputError
from channelwatch.analytics.periods import (
    Period,
    period_days,
    period_end,
    period_label,
    period_start,
)
from channelwatch.analytics.series import DailyCrossings, Dates, Floats, WeeklyCrossings

# Trailing window (in periods) of the default rolling mean: a week of days, four weeks, a quarter.
DEFAULT_WINDOW: Mapping[Period, int] = {
    Period.DAY: 7,
    Period.WEEK: 4,
    Period.MONTH: 3,
    Period.YEAR: 1,
}


@dataclass(frozen=True, slots=True)
class PeriodStats:
    """One period of the series. ``None`` means not recorded, never zero."""

    period: str  # label: 2024-05-05, 2024-W18, 2024-05 or 2024
    start: date
    end: date
    days: int  # days with data in the period
    last_day: date  # last day with data (before ``end`` when the series stops mid-period)
    complete: bool  # every calendar day of the period has data
    people: int
    boats: int
    people_per_boat: float | None
    uncontrolled_boats: int | None
    people_prevented: int | None  # French estimates, from the weekly table (SB_02)
    events_prevented: int | None
    people_rolling_mean: float | None  # trailing mean of ``people`` over ``rolling_window``
    rolling_window: int

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["start"] = self.start.isoformat()
        d["end"] = self.end.isoformat()
        d["last_day"] = self.last_day.isoformat()
        return d


def _nan_sum(values: Floats, inverse: npt.NDArray[np.intp], n: int) -> Floats:
    """Per-group sum of the finite values; NaN where a group has none (not recorded)."""
    finite = np.isfinite(values)
    sums = np.bincount(inverse, weights=np.where(finite, values, 0.0), minlength=n)
    counts = np.bincount(inverse, weights=finite.astype(np.float64), minlength=n)
    return np.where(counts > 0, sums, np.nan)


def trailing_mean(values: Floats, window: int) -> Floats:
    """Mean of the last ``window`` values at each position (NaN until the window is full)."""
    if window < 1:
        raise AnalyticsInputError(f"rolling window must be at least 1, got {window}")
    out = np.full(values.shape, np.nan)
    if values.size >= window:
        csum = np.concatenate(([0.0], np.cumsum(values, dtype=np.float64)))
        out[window - 1 :] = (csum[window:] - csum[:-window]) / window
    return out


def _optional_int(x: float) -> int | None:
    return None if not np.isfinite(x) else round(x)


def aggregate(
    daily: DailyCrossings,
    period: Period,
    weekly: WeeklyCrossings | None = None,
    window: int | None = None,
) -> list[PeriodStats]:
    """Totals per period. Preventions (weekly only) go to the period holding the week's Sunday,
    so they are absent for ``Period.DAY`` and approximate at month and year boundaries.
    """
    if len(daily) == 0:
        return []
    win = DEFAULT_WINDOW[period] if window is None else window
    starts = period_start(daily.dates, period)
    keys, inverse = np.unique(starts, return_inverse=True)
    inverse = inverse.ravel()
    n = keys.size
    people = np.bincount(inverse, weights=daily.people, minlength=n).round().astype(np.int64)
    boats = np.bincount(inverse, weights=daily.boats, minlength=n).round().astype(np.int64)
    days = np.bincount(inverse, minlength=n)
    last_day = np.full(n, daily.dates[0])
    np.maximum.at(last_day, inverse, daily.dates)
    uncontrolled = _nan_sum(daily.uncontrolled_boats, inverse, n)
    prevented = np.full(n, np.nan)
    events = np.full(n, np.nan)
    if weekly is not None and period is not Period.DAY and len(weekly) > 0:
        wk_start = period_start(weekly.week_end, period)
        pos = np.searchsorted(keys, wk_start)
        inside = (pos < n) & (keys[np.minimum(pos, n - 1)] == wk_start)
        if np.any(inside):
            idx = pos[inside].astype(np.intp)
            prevented = _nan_sum(weekly.people_prevented[inside], idx, n)
            events = _nan_sum(weekly.events_prevented[inside], idx, n)
    rolling = trailing_mean(people.astype(np.float64), win)
    ends = period_end(keys, period)
    calendar_days = period_days(keys, period)
    out: list[PeriodStats] = []
    for i in range(n):
        out.append(
            PeriodStats(
                period=period_label(keys[i], period),
                start=_to_date(keys[i]),
                end=_to_date(ends[i]),
                days=int(days[i]),
                last_day=_to_date(last_day[i]),
                complete=bool(days[i] == calendar_days[i]),
                people=int(people[i]),
                boats=int(boats[i]),
                people_per_boat=float(people[i] / boats[i]) if boats[i] > 0 else None,
                uncontrolled_boats=_optional_int(float(uncontrolled[i])),
                people_prevented=_optional_int(float(prevented[i])),
                events_prevented=_optional_int(float(events[i])),
                people_rolling_mean=None if np.isnan(rolling[i]) else float(rolling[i]),
                rolling_window=win,
            )
        )
    return out


def trend_from_history(stats: list[PeriodStats], history: list[PeriodStats]) -> list[PeriodStats]:
    """Take the trailing mean from the whole series, so a range cut with --from does not restart
    the trend. Only periods whose totals match the history's (not cut) take its value.
    """
    full = {h.period: h for h in history}
    out = []
    for s in stats:
        h = full.get(s.period)
        if h is not None and h.people == s.people and h.days == s.days:
            s = replace(s, people_rolling_mean=h.people_rolling_mean)
        out.append(s)
    return out


def _to_date(d: np.datetime64) -> date:
    return date.fromisoformat(str(d.astype("datetime64[D]")))


@dataclass(frozen=True, slots=True)
class Totals:
    """Totals over a date range, with what the range actually covers."""

    first: date
    last: date
    days: int
    people: int
    boats: int
    people_per_boat: float | None
    days_with_crossings: int
    max_people_day: int
    max_people_date: date

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        for k in ("first", "last", "max_people_date"):
            d[k] = getattr(self, k).isoformat()
        return d


def totals(daily: DailyCrossings) -> Totals:
    """People and boats over the whole series given (slice it first with ``between``)."""
    if len(daily) == 0:
        raise AnalyticsInputError("no days in the requested range")
    people = int(daily.people.sum())
    boats = int(daily.boats.sum())
    top = int(np.argmax(daily.people))
    return Totals(
        first=_to_date(daily.dates[0]),
        last=_to_date(daily.dates[-1]),
        days=len(daily),
        people=people,
        boats=boats,
        people_per_boat=people / boats if boats else None,
        days_with_crossings=int(np.count_nonzero(daily.boats > 0)),
        max_people_day=int(daily.people[top]),
        max_people_date=_to_date(daily.dates[top]),
    )


@dataclass(frozen=True, slots=True)
class MonthProfile:
    """One calendar month over the complete years of the series."""

    month: int  # 1..12
    years: int  # complete years averaged
    mean_people: float
    min_people: int
    max_people: int
    mean_boats: float
    share_of_year: float  # mean fraction of the year's people that crossed in this month
    share_days_with_crossings: float  # fraction of this month's days with at least one boat

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def complete_years(dates: Dates) -> list[int]:
    """Years in which every calendar day has data."""
    years = dates.astype("datetime64[Y]").astype(np.int64) + 1970
    out = []
    for y in np.unique(years):
        n_days = 366 if (y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)) else 365
        if np.count_nonzero(years == y) == n_days:
            out.append(int(y))
    return out


def seasonality(daily: DailyCrossings, years: list[int] | None = None) -> list[MonthProfile]:
    """The seasonal profile over complete years (all of them unless ``years`` is given)."""
    all_complete = complete_years(daily.dates)
    use = all_complete if years is None else years
    missing = sorted(set(use) - set(all_complete))
    if missing:
        raise AnalyticsInputError(f"years not complete in the series: {missing}")
    if not use:
        raise AnalyticsInputError("the series has no complete year for a seasonal profile")
    year_of = daily.dates.astype("datetime64[Y]").astype(np.int64) + 1970
    month_of = daily.dates.astype("datetime64[M]").astype(np.int64) % 12
    y_index = {y: i for i, y in enumerate(use)}
    keep = np.isin(year_of, use)
    yi = np.array([y_index[int(y)] for y in year_of[keep]], dtype=np.intp)
    cell = yi * 12 + month_of[keep]
    ny = len(use)
    people = np.bincount(cell, weights=daily.people[keep], minlength=ny * 12).reshape(ny, 12)
    boats = np.bincount(cell, weights=daily.boats[keep], minlength=ny * 12).reshape(ny, 12)
    active = np.bincount(cell, weights=daily.boats[keep] > 0, minlength=ny * 12).reshape(ny, 12)
    n_days = np.bincount(cell, minlength=ny * 12).reshape(ny, 12)
    year_total = people.sum(axis=1, keepdims=True)
    share = np.divide(people, year_total, out=np.zeros_like(people), where=year_total > 0)
    return [
        MonthProfile(
            month=m + 1,
            years=ny,
            mean_people=float(people[:, m].mean()),
            min_people=int(people[:, m].min()),
            max_people=int(people[:, m].max()),
            mean_boats=float(boats[:, m].mean()),
            share_of_year=float(share[:, m].mean()),
            share_days_with_crossings=float(active[:, m].sum() / n_days[:, m].sum()),
        )
        for m in range(12)
    ]


def weekly_check(daily: DailyCrossings, weekly: WeeklyCrossings) -> list[tuple[date, int, int]]:
    """Weeks where the daily table's sum differs from the weekly table: (Sunday, daily, weekly).

    The two tables are published together; a difference points to a revision in one of them.
    """
    stats = aggregate(daily, Period.WEEK)
    by_end = {s.end: s for s in stats if s.complete}
    out = []
    for end, people in zip(weekly.week_end, weekly.people, strict=True):
        day = _to_date(end)
        s = by_end.get(day)
        if s is not None and s.people != int(people):
            out.append((day, s.people, int(people)))
    return out
