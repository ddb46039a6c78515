"""Calendar periods (day, ISO week, month, year) of numpy dates: keys, labels and lengths.

Weeks are ISO weeks, Monday to Sunday, which is also how the Home Office cuts SB_02 (each week
is dated on its Sunday), so weekly totals from the daily table match the weekly table.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import cast

import numpy as np
import numpy.typing as npt

from channelwatch.analytics.errors import AnalyticsInputError
from channelwatch.analytics.series import Dates

_EPOCH_WEEKDAY = 3  # 1970-01-01 was a Thursday (Monday = 0)


class Period(StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"


def as_period(value: str | Period) -> Period:
    """Parse a period name, naming the bad value."""
    try:
        return Period(str(value).lower())
    except ValueError:
        choices = ", ".join(p.value for p in Period)
        raise AnalyticsInputError(f"unknown period {value!r}: use one of {choices}") from None


def period_start(dates: Dates, period: Period) -> Dates:
    """The first day of the period that contains each date (datetime64[D])."""
    d = dates.astype("datetime64[D]")
    if period is Period.DAY:
        return cast(Dates, d)
    if period is Period.WEEK:
        weekday = (d.astype(np.int64) + _EPOCH_WEEKDAY) % 7
        return cast(Dates, d - weekday.astype("timedelta64[D]"))
    if period is Period.MONTH:
        return cast(Dates, d.astype("datetime64[M]").astype("datetime64[D]"))
    return cast(Dates, d.astype("datetime64[Y]").astype("datetime64[D]"))


def period_end(starts: Dates, period: Period) -> Dates:
    """The last day of the periods that begin on ``starts``."""
    s = starts.astype("datetime64[D]")
    one = np.timedelta64(1, "D")
    if period is Period.DAY:
        return cast(Dates, s)
    if period is Period.WEEK:
        return cast(Dates, s + np.timedelta64(6, "D"))
    if period is Period.MONTH:
        return cast(Dates, (s.astype("datetime64[M]") + 1).astype("datetime64[D]") - one)
    return cast(Dates, (s.astype("datetime64[Y]") + 1).astype("datetime64[D]") - one)


def period_label(start: np.datetime64, period: Period) -> str:
    """A readable, sortable label: 2024-05-05, 2024-W18, 2024-05, 2024."""
    day = date.fromisoformat(str(start.astype("datetime64[D]")))
    if period is Period.DAY:
        return day.isoformat()
    if period is Period.WEEK:
        iso = day.isocalendar()
        return f"{iso.year}-W{iso.week:02d}"
    if period is Period.MONTH:
        return f"{day.year}-{day.month:02d}"
    return str(day.year)


def period_days(starts: Dates, period: Period) -> npt.NDArray[np.int64]:
    """The number of calendar days in each period."""
    span = period_end(starts, period) - starts.astype("datetime64[D]")
    return cast(npt.NDArray[np.int64], span.astype(np.int64) + 1)
