"""Aggregation by period, trends and seasonality: invariants and the real series."""

from __future__ import annotations

import itertools
from datetime import date

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from channelwatch.analytics.crossings import (
    aggregate,
    complete_years,
    seasonality,
    totals,
    trailing_mean,
    trend_from_history,
)
from channelwatch.analytics.errors import AnalyticsInputError
from channelwatch.analytics.homeoffice import read_daily, read_weekly
from channelwatch.analytics.periods import (
    Period,
    as_period,
    period_days,
    period_end,
    period_label,
    period_start,
)
from channelwatch.analytics.series import DailyCrossings


def _series(start: date, people: list[int], boats: list[int]) -> DailyCrossings:
    n = len(people)
    dates = np.datetime64(start) + np.arange(n).astype("timedelta64[D]")
    return DailyCrossings(
        dates=dates.astype("datetime64[D]"),
        people=np.array(people, dtype=np.int64),
        boats=np.array(boats, dtype=np.int64),
        uncontrolled_boats=np.full(n, np.nan),
        revised=np.zeros(n, dtype=bool),
    )


series_strategy = st.integers(1, 400).flatmap(
    lambda n: st.tuples(
        st.dates(min_value=date(2018, 1, 1), max_value=date(2030, 1, 1)),
        st.lists(st.integers(0, 2_000), min_size=n, max_size=n),
        st.lists(st.integers(0, 40), min_size=n, max_size=n),
    )
)


@settings(max_examples=60, deadline=None)
@given(series_strategy, st.sampled_from(list(Period)))
def test_periods_partition_the_days(data: tuple[date, list[int], list[int]], p: Period) -> None:
    start, people, boats = data
    daily = _series(start, people, boats)
    stats = aggregate(daily, p)
    assert sum(s.people for s in stats) == sum(people)
    assert sum(s.boats for s in stats) == sum(boats)
    assert sum(s.days for s in stats) == len(people)
    for a, b in itertools.pairwise(stats):
        assert a.end < b.start
    for s in stats:
        assert s.start <= s.last_day <= s.end
        assert s.complete == (s.days == (s.end - s.start).days + 1)
        if s.boats:
            assert s.people_per_boat == pytest.approx(s.people / s.boats)
        else:
            assert s.people_per_boat is None


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31)))
def test_period_bounds(d: date) -> None:
    x = np.array([d], dtype="datetime64[D]")
    for p in Period:
        s, e = period_start(x, p), period_end(period_start(x, p), p)
        assert s[0] <= x[0] <= e[0]
        assert int(period_days(s, p)[0]) == int((e[0] - s[0]).astype(int)) + 1
    week = period_start(x, Period.WEEK)[0]
    assert date.fromisoformat(str(week)).weekday() == 0  # Monday
    iso = d.isocalendar()
    assert period_label(week, Period.WEEK) == f"{iso.year}-W{iso.week:02d}"


@given(st.lists(st.floats(0, 1e4), min_size=1, max_size=60), st.integers(1, 10))
def test_trailing_mean_matches_naive(values: list[float], window: int) -> None:
    v = np.array(values)
    got = trailing_mean(v, window)
    for i in range(len(v)):
        if i + 1 < window:
            assert np.isnan(got[i])
        else:
            assert got[i] == pytest.approx(v[i + 1 - window : i + 1].mean(), rel=1e-9, abs=1e-6)


def test_bad_window_and_period() -> None:
    with pytest.raises(AnalyticsInputError, match="at least 1"):
        trailing_mean(np.zeros(3), 0)
    with pytest.raises(AnalyticsInputError, match="'fortnight'"):
        as_period("fortnight")


def test_real_series_by_month_and_week() -> None:
    daily, weekly = read_daily(), read_weekly()
    months = aggregate(daily, Period.MONTH, weekly)
    assert months[0].period == "2018-01" and months[-1].period == "2026-08"
    assert not months[-1].complete and months[-1].last_day == date(2026, 8, 20)
    weeks = aggregate(daily, Period.WEEK, weekly)
    # Every week with a French estimate in SB_02 lands on its ISO week.
    prevented_weeks = int(np.isfinite(weekly.people_prevented).sum())
    assert sum(1 for w in weeks if w.people_prevented is not None) == prevented_weeks
    assert sum(w.people_prevented or 0 for w in weeks) == int(np.nansum(weekly.people_prevented))
    # The day view has no preventions (they are weekly figures).
    assert all(s.people_prevented is None for s in aggregate(daily, Period.DAY, weekly)[-30:])


def test_trend_is_not_restarted_by_a_range() -> None:
    daily = read_daily()
    cut = daily.between(np.datetime64("2025-01-01"), None)
    stats = trend_from_history(aggregate(cut, Period.MONTH), aggregate(daily, Period.MONTH))
    jan = stats[0]
    months = {s.period: s.people for s in aggregate(daily, Period.MONTH)}
    expected = (months["2024-11"] + months["2024-12"] + months["2025-01"]) / 3
    assert jan.people_rolling_mean == pytest.approx(expected)


def test_seasonality_on_the_real_series() -> None:
    daily = read_daily()
    assert complete_years(daily.dates) == list(range(2018, 2026))
    profile = seasonality(daily)
    assert [p.month for p in profile] == list(range(1, 13))
    assert sum(p.share_of_year for p in profile) == pytest.approx(1.0)
    total_2018_2025 = totals(
        daily.between(np.datetime64("2018-01-01"), np.datetime64("2025-12-31"))
    )
    assert sum(p.mean_people for p in profile) * 8 == pytest.approx(total_2018_2025.people)
    # Summer and early autumn are the busy months, midwinter the quiet ones.
    by_month = {p.month: p.mean_people for p in profile}
    assert max(by_month, key=lambda m: by_month[m]) in (8, 9)
    assert min(by_month, key=lambda m: by_month[m]) in (1, 2)
    with pytest.raises(AnalyticsInputError, match="not complete"):
        seasonality(daily, [2026])
