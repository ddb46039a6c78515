"""The deaths briefing figure: dead and missing per year (sea, land, unclear), per calendar month,
and a map of the incidents over the region's land (no map tiles: land polygons only).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from channelwatch.analytics.deaths import Classified, DeathPeriod, Setting
from channelwatch.analytics.errors import AnalyticsInputError
from channelwatch.analytics.iom import ATTRIBUTION
from channelwatch.analytics.plots import style

if TYPE_CHECKING:
    from matplotlib.axes import Axes

# The Strait from Berck to Dunkirk and Dungeness to Ramsgate, where the records cluster.
MAP_EXTENT = (0.35, 2.75, 50.2, 51.45)  # lon_min, lon_max, lat_min, lat_max
_COLOURS = {Setting.SEA: style.SEA, Setting.LAND: style.LAND, Setting.UNCLEAR: style.UNCLEAR}
_LABELS = {Setting.SEA: "at sea", Setting.LAND: "on land", Setting.UNCLEAR: "unclear"}
_MONTHS = "JFMAMJJASOND"


def _year_panel(ax: Axes, years: Sequence[DeathPeriod]) -> None:
    x = np.arange(len(years))
    bottom = np.zeros(len(years))
    for s in (Setting.SEA, Setting.LAND, Setting.UNCLEAR):
        v = np.array([getattr(p, s.value) for p in years], dtype=float)
        ax.bar(x, v, bottom=bottom, color=_COLOURS[s], width=0.75, label=_LABELS[s], zorder=2)
        bottom += v
    for xi, total in zip(x, bottom, strict=True):
        if total > 0:
            ax.annotate(
                f"{total:.0f}",
                (xi, total),
                xytext=(0, 2),
                textcoords="offset points",
                ha="center",
                fontsize=7.5,
            )
    ax.set_xticks(x, [p.period for p in years], fontsize=8, rotation=45, ha="right")
    ax.grid(axis="x", visible=False)
    ax.set_ylim(0, max(1.0, float(bottom.max())) * 1.15)
    ax.set_title("Dead and missing per year")
    ax.legend(loc="upper left", fontsize=8)


def _month_panel(ax: Axes, records: Sequence[Classified]) -> None:
    counts = {s: np.zeros(12) for s in Setting}
    for r in records:
        counts[r.setting][r.incident.date.month - 1] += r.incident.dead_missing
    x = np.arange(12)
    bottom = np.zeros(12)
    for s in (Setting.SEA, Setting.LAND, Setting.UNCLEAR):
        ax.bar(x, counts[s], bottom=bottom, color=_COLOURS[s], width=0.75, zorder=2)
        bottom += counts[s]
    ax.set_xticks(x, list(_MONTHS), fontsize=8)
    ax.grid(axis="x", visible=False)
    ax.set_title("By calendar month, all years")


def _map_panel(ax: Axes, records: Sequence[Classified], land: Any | None) -> int:
    lon_min, lon_max, lat_min, lat_max = MAP_EXTENT
    ax.set_facecolor(style.WATER)
    if land is not None:
        style.draw_land(ax, land, extent=MAP_EXTENT)
    outside = 0
    order = sorted(records, key=lambda r: -r.incident.dead_missing)  # big circles underneath
    for s in (Setting.LAND, Setting.UNCLEAR, Setting.SEA):
        pts = [
            r
            for r in order
            if r.setting is s and r.incident.lat is not None and r.incident.lon is not None
        ]
        inside = [
            r
            for r in pts
            if lon_min <= (r.incident.lon or 0.0) <= lon_max
            and lat_min <= (r.incident.lat or 0.0) <= lat_max
        ]
        outside += len(pts) - len(inside)
        if not inside:
            continue
        ax.scatter(
            np.array([r.incident.lon for r in inside], dtype=float),
            np.array([r.incident.lat for r in inside], dtype=float),
            s=[14.0 * r.incident.dead_missing for r in inside],
            color=_COLOURS[s],
            alpha=0.7,
            edgecolors="white",
            linewidths=0.6,
            zorder=3,
            label=_LABELS[s],
        )
    outside += sum(1 for r in records if r.incident.lat is None or r.incident.lon is None)
    ax.set_xlim(lon_min, lon_max)
    ax.set_ylim(lat_min, lat_max)
    ax.set_aspect(1.0 / np.cos(np.radians((lat_min + lat_max) / 2)))  # true shape at this latitude
    ax.grid(True, axis="both", color="#dde6ee", lw=0.5)
    ax.set_xlabel("longitude (°E)")
    ax.set_ylabel("latitude (°N)")
    from matplotlib.lines import Line2D

    # Colour and size explained apart: a legend of scatter handles would mix the two.
    handles = [
        Line2D([], [], marker="o", ls="", color=_COLOURS[s], ms=7, label=_LABELS[s])
        for s in (Setting.SEA, Setting.LAND, Setting.UNCLEAR)
    ]
    handles += [
        Line2D(
            [],
            [],
            marker="o",
            ls="",
            color="#999999",
            alpha=0.6,
            ms=float(np.sqrt(14.0 * n)),
            label=f"{n} dead/missing",
        )
        for n in (1, 5, 20)
    ]
    ax.legend(
        handles=handles,
        loc="lower right",
        fontsize=7.5,
        labelspacing=1.0,
        borderpad=0.8,
        frameon=True,
    )
    title = "Where: IOM recorded locations"
    if land is None:
        title += " (land outline unavailable)"
    ax.set_title(title)
    return outside


def plot_deaths(
    records: Sequence[Classified],
    years: Sequence[DeathPeriod],
    path: Path,
    land: Any | None = None,
) -> Path:
    """Draw and save the deaths figure. ``land`` is a shapely geometry in lon/lat (or None)."""
    style.check_format(path)
    if not records:
        raise AnalyticsInputError("no incidents to plot with the filters asked")
    fig = style.figure(12.0, 7.6)
    grid = fig.add_gridspec(2, 2, width_ratios=(1.0, 1.25))
    _year_panel(fig.add_subplot(grid[0, 0]), years)
    _month_panel(fig.add_subplot(grid[1, 0]), records)
    outside = _map_panel(fig.add_subplot(grid[:, 1]), records, land)
    total = sum(r.incident.dead_missing for r in records)
    first = min(r.incident.date for r in records)
    last = max(r.incident.date for r in records)
    note = (
        f"{ATTRIBUTION} {len(records)} records, {total} dead and missing, {first} to {last}; "
        f"{outside} records lie outside the map. Setting derived from cause and location text "
        "(docs/analytics.md); circle area is proportional to the dead and missing."
    )
    style.footnote(fig, note)
    return style.save(fig, path)
