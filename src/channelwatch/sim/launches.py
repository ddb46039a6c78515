"""When small boats launch: the Home Office daily series gives, month by month, how often a day
sees crossings and how many boats and people cross on such a day (seasonality over the last
complete years); launches fall at night and at dawn."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache

import numpy as np


@dataclass(frozen=True, slots=True)
class MonthRate:
    month: int
    p_crossing_day: float  # share of the month's days with at least one boat
    boats_per_crossing_day: float
    people_per_boat: float
    years: tuple[int, ...]


@lru_cache(maxsize=1)
def month_rates(last_years: int = 3) -> tuple[MonthRate, ...]:
    """Seasonal rates from the Home Office series shipped with ChannelWatch."""
    from channelwatch.analytics.crossings import complete_years, seasonality
    from channelwatch.analytics.homeoffice import read_daily

    daily = read_daily()
    years = complete_years(daily.dates)[-last_years:]
    out = []
    for p in seasonality(daily, years):
        days = float(np.mean([calendar.monthrange(y, p.month)[1] for y in years]))
        share = max(p.share_days_with_crossings, 1e-6)
        out.append(
            MonthRate(
                month=p.month,
                p_crossing_day=p.share_days_with_crossings,
                boats_per_crossing_day=p.mean_boats / (days * share),
                people_per_boat=p.mean_people / max(p.mean_boats, 1e-6),
                years=tuple(years),
            )
        )
    return tuple(out)


def launch_times(
    t0: datetime,
    t1: datetime,
    rng: np.random.Generator,
    hour_mean: float,
    hour_sd: float,
    rates: tuple[MonthRate, ...] | None = None,
) -> list[tuple[datetime, int]]:
    """Launches between t0 and t1 (UTC): (time, people planned aboard), in time order."""
    rates = rates or month_rates()
    out: list[tuple[datetime, int]] = []
    day = datetime(t0.year, t0.month, t0.day, tzinfo=UTC) - timedelta(days=1)
    while day <= t1:
        r = rates[day.month - 1]
        if rng.random() < r.p_crossing_day:
            for _ in range(int(rng.poisson(r.boats_per_crossing_day))):
                t = day + timedelta(hours=float(rng.normal(hour_mean, hour_sd)))
                if t0 <= t < t1:
                    people = int(np.clip(rng.normal(r.people_per_boat, 10.0), 8, 90))
                    out.append((t, people))
        day += timedelta(days=1)
    return sorted(out)
