"""Weather windows: thresholds, hourly classes, windows; readers on a real forecast; back-test."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from channelwatch.analytics.errors import AnalyticsInputError, CoverageError
from channelwatch.analytics.homeoffice import read_daily
from channelwatch.analytics.weather.backtest import (
    read_monthly_climatology,
    seasonal_backtest,
    spearman,
)
from channelwatch.analytics.weather.readers import read_weather, weather_from_csv_rows
from channelwatch.analytics.weather.thresholds import SOURCES, Thresholds
from channelwatch.analytics.weather.windows import (
    Danger,
    HourlyWeather,
    Likelihood,
    classify_hours,
    find_windows,
    hourly_rows,
    summarise,
)
from channelwatch.geo import MS_PER_KN

T = Thresholds()


def _hours(
    wind: list[float], wave: list[float] | None = None, start: str = "2024-07-01"
) -> HourlyWeather:
    n = len(wind)
    times = np.datetime64(f"{start}T00:00:00") + np.arange(n) * np.timedelta64(1, "h")
    waves = np.full(n, np.nan) if wave is None else np.array(wave, dtype=float)
    return HourlyWeather(times.astype("datetime64[s]"), np.array(wind, dtype=float), waves)


@pytest.fixture(scope="module")
def arome(shared_data: Path) -> Path:
    return shared_data / "drift" / "norkyst_arome_16nov2015" / "arome_subset_16Nov2015.nc"


def test_every_threshold_group_is_sourced() -> None:
    keys = {c.key for c in SOURCES}
    assert {"home-office-red-days", "beaufort", "sea-state", "likely", "danger"} <= keys
    assert any(c.assumption for c in SOURCES) and any(not c.assumption for c in SOURCES)
    with pytest.raises(AnalyticsInputError, match="likely_wind_kn"):
        Thresholds(likely_wind_kn=20.0, possible_wind_kn=16.0)
    with pytest.raises(AnalyticsInputError, match=">= 0"):
        Thresholds(min_window_h=-1.0)


def test_danger_limits_agree_with_assess() -> None:
    seastate = pytest.importorskip("channelwatch.assess.seastate")
    assert (T.danger_wind_kn, T.danger_wave_m) == (seastate.ROUGH_WIND_KN, seastate.ROUGH_WAVE_M)
    assert (T.severe_wind_kn, T.severe_wave_m) == (
        seastate.SEVERE_WIND_KN,
        seastate.SEVERE_WAVE_M,
    )


@given(
    st.floats(0, 60),
    st.floats(0, 60),
    st.one_of(st.none(), st.floats(0, 5)),
)
def test_more_wind_never_makes_crossing_likelier(w1: float, w2: float, wave: float | None) -> None:
    lo, hi = sorted((w1, w2))
    h = np.array([np.nan if wave is None else wave] * 2)
    like, dang = classify_hours(np.array([lo, hi]), h, T)
    assert like[0] >= like[1]
    assert dang[0] <= dang[1]


@given(st.floats(0, 60), st.floats(0, 5), st.floats(0, 5))
def test_more_waves_never_make_crossing_likelier(wind: float, h1: float, h2: float) -> None:
    lo, hi = sorted((h1, h2))
    like, dang = classify_hours(np.array([wind, wind]), np.array([lo, hi]), T)
    assert like[0] >= like[1]
    assert dang[0] <= dang[1]


def test_classes_at_the_limits() -> None:
    like, dang = classify_hours(
        np.array([10.0, 10.0, 16.0, 16.5, 17.0, 22.0, np.nan]),
        np.array([0.5, 0.6, 0.9, np.nan, np.nan, np.nan, 2.5]),
        T,
    )
    assert like.tolist() == [
        Likelihood.LIKELY,
        Likelihood.POSSIBLE,
        Likelihood.POSSIBLE,
        Likelihood.UNLIKELY,
        Likelihood.UNLIKELY,
        Likelihood.UNLIKELY,
        Likelihood.UNKNOWN,
    ]
    assert dang.tolist() == [0, 0, 0, 0, Danger.DANGER, Danger.SEVERE, Danger.SEVERE]


def test_windows_need_min_hours_and_break_at_gaps() -> None:
    w = _hours([20] * 3 + [8] * 7 + [20] * 2 + [8] * 5 + [20])
    found = find_windows(w, T)
    assert [x.hours for x in found] == [7.0]
    assert found[0].start.isoformat() == "2024-07-01T03:00:00+00:00"
    assert found[0].end.isoformat() == "2024-07-01T10:00:00+00:00"
    assert not found[0].truncated and not found[0].wave_known
    assert [x.hours for x in find_windows(w, replace(T, min_window_h=5))] == [7.0, 5.0]
    # A missing hour in the middle splits the run into two short ones.
    gap = HourlyWeather(np.delete(w.times, 6), np.delete(w.wind_kn, 6), np.delete(w.wave_m, 6))
    assert find_windows(gap, T) == []


def test_summary_counts_every_hour() -> None:
    w = _hours([5, 12, 18, 25, np.nan], [0.2, 0.8, 1.2, 2.5, 0.3])
    s = summarise(w, T)
    assert (s.likely_h, s.possible_h, s.unlikely_h, s.unknown_h) == (1, 1, 2, 1)
    assert (s.danger_h, s.severe_h) == (1, 1)
    assert [r["danger"] for r in hourly_rows(w, T)] == ["none", "none", "danger", "severe", "none"]


def test_real_forecast_arome(arome: Path) -> None:
    # AROME MetCoOp 10 m winds, Norway, 16-18 Nov 2015 (a real hourly CF NetCDF forecast).
    w = read_weather(arome, 60.0, 4.5)
    assert len(w) == 67
    assert abs(w.lat - 60.0) < 0.05 and abs(w.lon - 4.5) < 0.05  # type: ignore[operator]
    assert not w.has_waves
    assert np.all(np.isfinite(w.wind_kn)) and 30 < float(w.wind_kn.max()) < 60  # a gale
    s = summarise(w, T)
    assert s.hours == 67 and s.severe_h > 24
    windows = find_windows(w, T, include_possible=True)
    assert len(windows) == 1 and windows[0].truncated  # the wind drops at the forecast's end


def test_point_outside_the_forecast(arome: Path) -> None:
    with pytest.raises(CoverageError, match=r"51\.0000N 1\.5000E"):
        read_weather(arome, 51.0, 1.5)
    with pytest.raises(AnalyticsInputError, match="--lat and --lon"):
        read_weather(arome)


def test_csv_forecast() -> None:
    rows = [
        ["time", "wind_ms", "wave_m"],
        ["2024-07-01T00:00Z", "2.0", "0.3"],
        ["2024-07-01T01:00+02:00", "3.0", ""],  # 2023-06-30T23:00 UTC: sorted first
        ["bad", "1", "1"],
        ["2024-07-01T02:00Z", "-", "0.4"],
    ]
    w = weather_from_csv_rows(rows)
    assert w.skipped_rows == 1
    assert str(w.times[0]) == "2024-06-30T23:00:00"
    assert w.wind_kn[0] == pytest.approx(3.0 / MS_PER_KN)
    assert np.isnan(w.wave_m[0]) and np.isnan(w.wind_kn[2])
    with pytest.raises(AnalyticsInputError, match="no UTC offset"):
        weather_from_csv_rows([["time", "wind_kn"], ["2024-07-01T00:00", "3"]])
    with pytest.raises(AnalyticsInputError, match="need columns"):
        weather_from_csv_rows([["when", "speed"]])


def test_spearman_interval() -> None:
    x = np.arange(12.0)
    c = spearman(x, -x, "perfect")
    assert c.rho == pytest.approx(-1.0) and c.ci_high < -0.9
    rng = np.random.default_rng(7)
    noise = spearman(x, rng.normal(size=12), "noise")
    assert noise.ci_low < noise.rho < noise.ci_high


def test_seasonal_backtest_on_coads(shared_data: Path) -> None:
    path = shared_data / "metocean" / "coads_climatology_channel_coarse.nc"
    wind, lat, lon = read_monthly_climatology(path, 51.0, 1.5)
    assert (lat, lon) == (51.0, 1.0)
    assert wind.shape == (12,) and 10 < wind.min() < wind.max() < 20  # knots
    assert wind.argmax() in (0, 1, 11) and 5 <= wind.argmin() <= 7  # windy winter, calm summer
    result = seasonal_backtest(wind, read_daily(), str(path), lat, lon)
    assert result.years == list(range(2018, 2026))
    for c in (result.people_vs_wind, result.active_days_vs_wind):
        assert c.n == 12 and c.ci_low <= c.rho <= c.ci_high
    assert len(result.per_year) == 8
    assert result.cannot_test  # the limits are stated


def test_monthly_series_of_other_years_is_refused(shared_data: Path) -> None:
    # FNOC monthly winds 1982-1992: components only and no overlap with 2018 onwards.
    path = shared_data / "metocean" / "monthly_navy_winds_channel_coarse.nc"
    with pytest.raises(AnalyticsInputError, match="scalar wind speed"):
        read_monthly_climatology(path, 51.0, 1.5)
