"""Weather-window figures: the forecast timeline with its classes, and the seasonal back-test."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from channelwatch.analytics.plots import style
from channelwatch.analytics.weather.backtest import Backtest
from channelwatch.analytics.weather.thresholds import Thresholds
from channelwatch.analytics.weather.windows import (
    Danger,
    HourlyWeather,
    Window,
    classify_hours,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes


def _shade(ax: Axes, times: np.ndarray, mask: np.ndarray, colour: str, alpha: float) -> None:
    # Half a step either side so single hours show as bands, not lines.
    if not mask.any():
        return
    step = np.median(np.diff(times)) if times.size > 1 else np.timedelta64(3600, "s")
    for t in times[mask]:
        ax.axvspan(t - step / 2, t + step / 2, color=colour, alpha=alpha, lw=0, zorder=0)


def plot_windows(
    weather: HourlyWeather, windows: Sequence[Window], t: Thresholds, path: Path
) -> Path:
    """Wind (and waves) over time, crossing windows shaded red, danger hours marked."""
    style.check_format(path)
    times = weather.times.astype("datetime64[s]")
    _, dang = classify_hours(weather.wind_kn, weather.wave_m, t)
    rows = 2 if weather.has_waves else 1
    fig = style.figure(11.0, 3.4 + 2.2 * (rows - 1))
    axes = [fig.add_subplot(rows, 1, i + 1) for i in range(rows)]
    ax = axes[0]
    for w in windows:
        # matplotlib's stub types span limits as floats; its date converter takes datetime64.
        start: Any = np.datetime64(w.start.replace(tzinfo=None))
        end: Any = np.datetime64(w.end.replace(tzinfo=None))
        ax.axvspan(
            start,
            end,
            color=style.GOOD,
            alpha=0.16,
            lw=0,
            zorder=0,
        )
    _shade(ax, times, dang == Danger.SEVERE, style.DANGER, 0.14)
    ax.plot(times, weather.wind_kn, color=style.INK, lw=1.6, zorder=3, label="wind (kn)")
    for value, label, colour, below in (
        (t.likely_wind_kn, "likely up to", style.GOOD, False),
        (t.possible_wind_kn, "possible up to", style.MAYBE, True),
        (t.danger_wind_kn, "danger from", style.DANGER, False),
    ):
        ax.axhline(value, color=colour, lw=1.0, ls="--", zorder=2)
        ax.annotate(
            f"{label} {value:g} kn",
            (1.0, value),
            xycoords=("axes fraction", "data"),
            xytext=(-4, -2 if below else 2),
            textcoords="offset points",
            ha="right",
            va="top" if below else "bottom",
            fontsize=7.5,
            color=colour,
        )
    ax.set_ylabel("10 m wind (kn)")
    ax.set_ylim(bottom=0)
    where = "" if weather.lat is None else f" at {weather.lat:.3f}N {weather.lon:.3f}E"
    ax.set_title(
        f"Crossing windows{where}: {len(windows)} of at least {t.min_window_h:g} h "
        "(red bands; purple: severe for a loaded inflatable)"
    )
    if rows == 2:
        axw = axes[1]
        axw.plot(times, weather.wave_m, color=style.SEA, lw=1.6)
        axw.axhline(t.likely_wave_m, color=style.GOOD, lw=1.0, ls="--")
        axw.axhline(t.danger_wave_m, color=style.DANGER, lw=1.0, ls="--")
        axw.set_ylabel("significant wave (m)")
        axw.set_ylim(bottom=0)
    note = (
        f"Forecast: {weather.source}. Thresholds: ChannelWatch assumptions anchored on the WMO "
        "Beaufort and sea-state scales (channelwatch weather thresholds)."
        + ("" if weather.has_waves else " No wave data: the wind alone decides.")
    )
    style.footnote(fig, note)
    return style.save(fig, path)


def plot_backtest(result: Backtest, path: Path) -> Path:
    """Monthly climatological wind against the crossings' seasonal profile."""
    style.check_format(path)
    fig = style.figure(10.0, 4.2)
    ax1 = fig.add_subplot(1, 2, 1)
    ax2 = fig.add_subplot(1, 2, 2)
    months = np.arange(1, 13)
    ax1.bar(months, result.people_by_month, color=style.PEOPLE, width=0.7, label="people/month")
    ax1.set_xticks(months, list("JFMAMJJASOND"))
    ax1.grid(axis="x", visible=False)
    style.thousands(ax1)
    twin = ax1.twinx()
    twin.plot(months, result.wind_kn_by_month, color=style.TREND, lw=2, marker="o", ms=4)
    twin.set_ylabel("mean wind (kn)", color=style.TREND)
    twin.spines["right"].set_visible(True)
    twin.grid(False)
    ax1.set_title("Crossings (bars) and climatological wind (line)")
    ax2.scatter(
        result.wind_kn_by_month, np.array(result.share_days_by_month) * 100, color=style.PEOPLE
    )
    for m, x, y in zip(months, result.wind_kn_by_month, result.share_days_by_month, strict=True):
        ax2.annotate("JFMAMJJASOND"[m - 1], (x, y * 100), xytext=(3, 3), textcoords="offset points")
    c = result.active_days_vs_wind
    ax2.set_xlabel("climatological mean wind (kn)")
    ax2.set_ylabel("days with a crossing (%)")
    ax2.set_title(f"Days with a crossing: rho {c.rho:.2f} [{c.ci_low:.2f}, {c.ci_high:.2f}]")
    note = (
        f"Wind: {result.wind_source} at {result.wind_lat:g}N {result.wind_lon:g}E. Crossings: "
        f"Home Office SB_01, years {result.years[0]}-{result.years[-1]}. A seasonal association "
        "only: daylight and sea temperature follow the same cycle."
    )
    style.footnote(fig, note)
    return style.save(fig, path)
