"""The sun's elevation (NOAA's algorithm) against published sunrise/sunset times and geometry."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from channelwatch.assess import AssessInputError, is_daylight, sun_elevation_at, sun_elevation_deg
from channelwatch.assess.solar import CIVIL_TWILIGHT_DEG, SUNRISE_DEG

LONDON = (51.5074, -0.1278)


def crossings(day: datetime, lat: float, lon: float, threshold: float) -> list[datetime]:
    """Times (10 s resolution) at which the elevation crosses ``threshold`` on ``day``."""
    t = day.timestamp() + np.arange(0.0, 86400.0, 10.0)
    above = sun_elevation_deg(t, lat, lon) > threshold
    idx = np.flatnonzero(np.diff(above.astype(int)))
    return [datetime.fromtimestamp(float(t[i]), UTC) for i in idx]


@pytest.mark.parametrize(
    ("day", "sunrise", "sunset"),
    [
        # HM Nautical Almanac Office / timeanddate.com tables for London (UTC)
        (datetime(2024, 6, 21, tzinfo=UTC), (3, 43), (20, 21)),
        (datetime(2024, 12, 21, tzinfo=UTC), (8, 3), (15, 53)),
    ],
)
def test_sunrise_and_sunset_in_london(
    day: datetime, sunrise: tuple[int, int], sunset: tuple[int, int]
) -> None:
    rise, set_ = crossings(day, *LONDON, SUNRISE_DEG)
    for got, (h, m) in ((rise, sunrise), (set_, sunset)):
        want = day.replace(hour=h, minute=m)
        assert abs((got - want).total_seconds()) <= 120


def test_noon_elevation_at_the_solstices_follows_the_obliquity() -> None:
    lat, lon = 51.0, 1.85  # Calais
    for day, decl in (
        (datetime(2024, 6, 20, tzinfo=UTC), 23.44),
        (datetime(2024, 12, 21, tzinfo=UTC), -23.44),
    ):
        t = day.timestamp() + np.arange(0.0, 86400.0, 30.0)
        assert sun_elevation_deg(t, lat, lon).max() == pytest.approx(90 - lat + decl, abs=0.05)


def test_civil_twilight_is_the_daylight_threshold() -> None:
    day = datetime(2021, 11, 24, tzinfo=UTC)  # the day of the 24 November 2021 sinking
    dawn, dusk = crossings(day, 50.96, 1.85, CIVIL_TWILIGHT_DEG)
    assert not is_daylight(dawn - timedelta(minutes=2), 50.96, 1.85)
    assert is_daylight(dawn + timedelta(minutes=2), 50.96, 1.85)
    assert is_daylight(dusk - timedelta(minutes=2), 50.96, 1.85)
    assert not is_daylight(dusk + timedelta(minutes=2), 50.96, 1.85)
    # civil dawn is 30-45 minutes before sunrise at this latitude in November
    rise = crossings(day, 50.96, 1.85, SUNRISE_DEG)[0]
    assert timedelta(minutes=30) < rise - dawn < timedelta(minutes=45)


def test_refraction_lifts_the_sun_near_the_horizon_only() -> None:
    t = datetime(2024, 3, 20, 6, 5, tzinfo=UTC).timestamp()
    geo = float(sun_elevation_deg(t, *LONDON))
    app = float(sun_elevation_deg(t, *LONDON, refraction=True))
    assert 0.2 < app - geo < 0.7
    noon = datetime(2024, 3, 20, 12, 10, tzinfo=UTC).timestamp()
    lifted = float(sun_elevation_deg(noon, *LONDON, refraction=True))
    assert 0.0 < lifted - float(sun_elevation_deg(noon, *LONDON)) < 0.03


def test_naive_times_are_refused() -> None:
    with pytest.raises(AssessInputError, match="timezone-aware"):
        sun_elevation_at(datetime(2024, 1, 1, 12), *LONDON)


@settings(max_examples=200, deadline=None)
@given(
    minutes=st.integers(0, 100 * 365 * 24 * 60),
    lat=st.floats(-80, 80),
    lon=st.floats(-180, 180),
)
def test_elevation_bounds_and_vectorisation(minutes: int, lat: float, lon: float) -> None:
    t = datetime(1950, 1, 1, tzinfo=UTC) + timedelta(minutes=minutes)
    e = sun_elevation_at(t, lat, lon)
    assert -90.0 <= e <= 90.0
    # the sun is never higher than the geometry allows: 90 - |lat - declination|, |decl| <= 23.45
    assert e <= 90.0 - max(0.0, abs(lat) - 23.45) + 1e-6
    arr = sun_elevation_deg(np.array([t.timestamp()] * 3), np.full(3, lat), np.full(3, lon))
    assert np.allclose(arr, e)
