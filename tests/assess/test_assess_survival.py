"""Cold-water survival: Hayward et al. (1975) within the published bands, swim failure cap."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from channelwatch.assess import estimate_survival, survival_min
from channelwatch.assess.survival import (
    SWIM_FAILURE_MIN,
    describe_minutes,
    hayward_survival_min,
    survival_band_min,
)


def test_hayward_equation_values() -> None:
    # t = 15 + 7.2 / (0.0785 - 0.0034 T) minutes
    assert float(hayward_survival_min(10.0)) == pytest.approx(15 + 7.2 / 0.0445)
    assert float(hayward_survival_min(0.0)) == pytest.approx(15 + 7.2 / 0.0785)
    # beyond the fitted range the equation is held at 20 °C rather than diverging near 23 °C
    assert float(hayward_survival_min(25.0)) == float(hayward_survival_min(20.0))


@pytest.mark.parametrize(
    ("temp_c", "low_min", "high_min"),
    [(2.0, 30, 90), (7.0, 60, 180), (12.0, 60, 360), (18.0, 120, 2400), (24.0, 180, None)],
)
def test_estimate_lies_in_the_published_band(
    temp_c: float, low_min: float, high_min: float | None
) -> None:
    low, high = survival_band_min(temp_c)
    assert float(low) == low_min
    if high_min is not None:
        assert float(high) == high_min
    est = float(survival_min(temp_c))
    assert float(low) <= est <= float(high)


def test_near_freezing_the_band_caps_hayward() -> None:
    # Hayward gives ~1.9 h at 2 °C; the published band says 30-90 min
    assert float(hayward_survival_min(2.0)) > 90
    assert float(survival_min(2.0)) == 90


def test_without_a_lifejacket_swim_failure_comes_first() -> None:
    est = estimate_survival(11.0)
    assert est.without_lifejacket_min == SWIM_FAILURE_MIN
    assert est.with_lifejacket_min > 150
    assert est.to_dict()["water_temp_c"] == 11.0


@given(st.lists(st.floats(-2.0, 35.0), min_size=2, max_size=20))
def test_survival_never_shortens_as_water_warms(temps: list[float]) -> None:
    t = np.sort(np.array(temps))
    for lifejacket in (True, False):
        s = survival_min(t, lifejacket=lifejacket)
        assert np.all(np.diff(s) >= -1e-9)
        assert np.all(s > 0)
    assert np.all(survival_min(t, lifejacket=False) <= survival_min(t, lifejacket=True))


def test_officer_wording() -> None:
    assert describe_minutes(10) == "~10 min"
    assert describe_minutes(200) == "~3 h"
    assert describe_minutes(2400) == "over a day"
    assert describe_minutes(1e9) == "indefinite"
