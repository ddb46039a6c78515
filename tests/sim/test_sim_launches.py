"""Small-boat launches follow the Home Office series' seasonality."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np

from channelwatch.sim.launches import launch_times, month_rates


def test_rates_come_from_the_home_office_series() -> None:
    rates = month_rates()
    assert len(rates) == 12
    aug, jan = rates[7], rates[0]
    # summer sees far more crossing days than winter (the published seasonal pattern)
    assert aug.p_crossing_day > jan.p_crossing_day
    assert 40 < aug.people_per_boat < 75  # 2023-2025: about 50-60 people per boat
    assert all(r.boats_per_crossing_day > 0 for r in rates)


def test_a_simulated_month_matches_its_rate() -> None:
    rng = np.random.default_rng(3)
    aug = month_rates()[7]
    launches = launch_times(
        datetime(2025, 8, 1, tzinfo=UTC), datetime(2025, 9, 1, tzinfo=UTC), rng, 2.5, 2.0
    )
    # expected boats in August: days * p(crossing day) * boats per crossing day (less the few
    # launches that fall outside the month's edges)
    expect = 31 * aug.p_crossing_day * aug.boats_per_crossing_day
    assert 0.6 * expect < len(launches) < 1.4 * expect
    people = np.array([p for _, p in launches])
    assert abs(people.mean() - aug.people_per_boat) < 6
    hours = np.array([t.hour + t.minute / 60 for t, _ in launches])
    night = ((hours >= 22) | (hours <= 7)).mean()
    assert night > 0.8  # launches at night and at dawn
