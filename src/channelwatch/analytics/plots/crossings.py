"""The crossings briefing figure: people per period with the trend, people per boat, the seasonal
profile, and arrivals against the French "prevented" estimates.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from channelwatch.analytics.crossings import MonthProfile, PeriodStats
from channelwatch.analytics.errors import AnalyticsInputError
from channelwatch.analytics.homeoffice import ATTRIBUTION
from channelwatch.analytics.plots import style

if TYPE_CHECKING:
    from matplotlib.axes import Axes

_BAR_LIMIT = 160  # above this many periods a filled line reads better than bars
_LABEL_LIMIT = 20  # up to this many periods, label each one on a categorical axis


def _x(stats: Sequence[PeriodStats]) -> tuple[Any, Any, bool]:
    """X positions, bar widths, and whether the axis is categorical (few periods)."""
    if len(stats) <= _LABEL_LIMIT:
        return np.arange(len(stats), dtype=float), np.full(len(stats), 0.8), True
    starts = np.array([s.start for s in stats], dtype="datetime64[D]")
    ends = np.array([s.end for s in stats], dtype="datetime64[D]")
    width = (ends - starts).astype(float) + 1.0
    return starts + (ends - starts) / 2, width * 0.85, False


def _date_axis(ax: Axes) -> None:
    import matplotlib.dates as mdates

    locator = mdates.AutoDateLocator(minticks=3, maxticks=6)  # type: ignore[no-untyped-call]
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))  # type: ignore[no-untyped-call]


def _categorical(ax: Axes, stats: Sequence[PeriodStats]) -> None:
    ax.set_xticks(np.arange(len(stats)), [s.period for s in stats], fontsize=8)
    ax.grid(axis="x", visible=False)
    if len(stats) > 10:
        for label in ax.get_xticklabels():
            label.set_rotation(45)
            label.set_horizontalalignment("right")


def _people_panel(ax: Axes, stats: Sequence[PeriodStats], period_name: str) -> None:
    x, width, categorical = _x(stats)
    people = np.array([s.people for s in stats], dtype=float)
    complete = np.array([s.complete for s in stats])
    if len(stats) <= _BAR_LIMIT:
        # Incomplete periods are lighter so that a partial year is not read as a fall.
        colours = np.where(complete, style.PEOPLE, style.PARTIAL)
        ax.bar(x, people, width=width, color=colours, zorder=2)
    else:
        ax.fill_between(x, people, step="mid", color=style.PEOPLE, alpha=0.55, lw=0)
    if categorical:
        for s, xi, y in zip(stats, x, people, strict=True):
            label = f"{s.people:,}" + ("" if s.complete else f"\n(to {s.last_day:%d %b})")
            ax.annotate(
                label,
                (xi, y),
                xytext=(0, 3),
                textcoords="offset points",
                ha="center",
                va="bottom",
                fontsize=8.5,
                color=style.INK,
            )
        _categorical(ax, stats)
    else:
        _date_axis(ax)
    window = stats[0].rolling_window
    if window > 1:
        rolling = [
            np.nan if s.people_rolling_mean is None else s.people_rolling_mean for s in stats
        ]
        ax.plot(
            x, rolling, color=style.TREND, lw=2.0, zorder=3, label=f"{window}-{period_name} mean"
        )
        ax.legend(loc="upper left")
    ax.set_title(f"People detected crossing the Channel in small boats, per {period_name}")
    ax.set_ylabel("people")
    ax.set_ylim(0, max(1.0, float(np.nanmax(people))) * 1.18)
    style.thousands(ax)


def _ratio_panel(ax: Axes, stats: Sequence[PeriodStats]) -> None:
    x, _, categorical = _x(stats)
    ppb = np.array([np.nan if s.people_per_boat is None else s.people_per_boat for s in stats])
    ax.plot(x, ppb, color=style.PEOPLE, lw=1.2 if len(stats) > _BAR_LIMIT else 2.0)
    if len(stats) <= 60:
        ax.scatter(x, ppb, s=14, color=style.PEOPLE, zorder=3)
    if categorical:
        _categorical(ax, stats)
    else:
        _date_axis(ax)
    ax.set_title("People per boat")
    ax.set_ylim(bottom=0)


def _season_panel(ax: Axes, profile: Sequence[MonthProfile]) -> None:
    if not profile:
        ax.set_axis_off()
        return
    months = np.arange(1, 13)
    mean = np.array([p.mean_people for p in profile])
    lo = np.array([p.min_people for p in profile], dtype=float)
    hi = np.array([p.max_people for p in profile], dtype=float)
    ax.bar(months, mean, color=style.PEOPLE, width=0.7, zorder=2, label="mean of the years")
    ax.errorbar(
        months,
        mean,
        yerr=[mean - lo, hi - mean],
        fmt="none",
        ecolor=style.TREND,
        elinewidth=1.2,
        capsize=3,
        zorder=3,
        label="lowest and highest year",
    )
    ax.set_xticks(months, list("JFMAMJJASOND"), fontsize=8)
    ax.grid(axis="x", visible=False)
    ax.set_title(f"Seasonality ({profile[0].years} full years)")
    ax.set_ylabel("people per month")
    ax.legend(loc="upper left", fontsize=7.5)
    style.thousands(ax)


def _prevented_panel(
    ax: Axes, stats: Sequence[PeriodStats], period_name: str, since: date | None
) -> None:
    prevented = [s for s in stats if s.people_prevented is not None]
    if not prevented:
        ax.text(
            0.5,
            0.5,
            "French 'prevented' estimates are weekly (SB_02)"
            + (f"\nfrom the week ending {since}" if since else "")
            + f":\nnone per {period_name}",
            ha="center",
            va="center",
            transform=ax.transAxes,
            color="#555555",
        )
        ax.set_axis_off()
        return
    arrived = np.array([s.people for s in prevented], dtype=float)
    stopped = np.array([s.people_prevented or 0 for s in prevented], dtype=float)
    x, _, categorical = _x(prevented)
    if categorical:
        ax.bar(x - 0.2, arrived, width=0.4, color=style.PEOPLE, label="arrived in the UK")
        ax.bar(x + 0.2, stopped, width=0.4, color=style.TREND, label="prevented (French est.)")
        _categorical(ax, prevented)
    else:
        ax.plot(x, arrived, color=style.PEOPLE, lw=1.6, label="arrived in the UK")
        ax.plot(x, stopped, color=style.TREND, lw=1.6, label="prevented (French est.)")
        _date_axis(ax)
    ax.set_title(f"Arrived and prevented, per {period_name}")
    ax.legend(loc="upper left", fontsize=7.5)
    ax.set_ylim(0, max(arrived.max(), stopped.max(), 1.0) * 1.2)
    style.thousands(ax)


def plot_crossings(
    stats: Sequence[PeriodStats],
    profile: Sequence[MonthProfile],
    path: Path,
    period_name: str,
    prevented_from: date | None = None,
) -> Path:
    """Draw and save the four-panel crossings figure; returns ``path``.

    ``prevented_from`` is the first week with French estimates (stated in the footnote).
    """
    style.check_format(path)
    if not stats:
        raise AnalyticsInputError("no periods to plot in the range asked")
    fig = style.figure(11.0, 8.2)
    grid = fig.add_gridspec(2, 3, height_ratios=(1.3, 1.0))
    _people_panel(fig.add_subplot(grid[0, :]), stats, period_name)
    _ratio_panel(fig.add_subplot(grid[1, 0]), stats)
    _season_panel(fig.add_subplot(grid[1, 1]), profile)
    _prevented_panel(fig.add_subplot(grid[1, 2]), stats, period_name, prevented_from)
    note = (
        f"{ATTRIBUTION} Data {stats[0].start} to {stats[-1].last_day}; lighter bars are incomplete "
        "periods. 'Prevented': operational estimates of the French authorities (SB_02)"
        + (f", published from the week ending {prevented_from}." if prevented_from else ".")
    )
    style.footnote(fig, note)
    return style.save(fig, path)
