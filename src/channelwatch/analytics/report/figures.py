"""The case map: reported positions in time order, plans' areas, land and the SAR line."""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from channelwatch.analytics.plots import style
from channelwatch.analytics.report.model import IncidentReport

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

_KIND_COLOUR = {
    "call": "#c0392b",
    "sighting": "#1f77b4",
    "outcome": "#111111",
    "datum": "#6a3d9a",
    "other": "#7f7f7f",
}
_MIN_SPAN_DEG = 0.25


def _extent(report: IncidentReport) -> tuple[float, float, float, float] | None:
    lats = [p.lat for p in report.points]
    lons = [p.lon for p in report.points]
    for s in report.shapes:
        xy = _coords(s.geometry)
        lons += [x for x, _ in xy]
        lats += [y for _, y in xy]
    if not lats:
        return None
    lat_c, lon_c = (min(lats) + max(lats)) / 2, (min(lons) + max(lons)) / 2
    half_lat = max((max(lats) - min(lats)) / 2 * 1.25, _MIN_SPAN_DEG / 2)
    half_lon = max(
        (max(lons) - min(lons)) / 2 * 1.25, _MIN_SPAN_DEG / 2 / np.cos(np.radians(lat_c))
    )
    return lon_c - half_lon, lon_c + half_lon, lat_c - half_lat, lat_c + half_lat


def _coords(geom: Mapping[str, Any]) -> list[tuple[float, float]]:
    out: list[tuple[float, float]] = []

    def walk(c: Any) -> None:
        if (
            isinstance(c, list | tuple)
            and len(c) >= 2
            and all(isinstance(v, int | float) for v in c[:2])
        ):
            out.append((float(c[0]), float(c[1])))
        elif isinstance(c, list | tuple):
            for v in c:
                walk(v)

    walk(geom.get("coordinates"))
    return out


def _draw_shapes(ax: Axes, report: IncidentReport) -> None:
    from shapely.geometry import shape

    for s in report.shapes:
        try:
            geom = shape(dict(s.geometry))
        except (ValueError, TypeError, AttributeError):
            continue  # a malformed geometry is listed in the tables, not drawn
        if geom.geom_type in ("Polygon", "MultiPolygon"):
            polys = [geom] if geom.geom_type == "Polygon" else list(geom.geoms)
            for poly in polys:
                x, y = poly.exterior.xy
                ax.fill(x, y, color=_KIND_COLOUR["datum"], alpha=0.12, zorder=2)
                ax.plot(x, y, color=_KIND_COLOUR["datum"], lw=0.8, zorder=2)
        elif geom.geom_type in ("LineString", "MultiLineString"):
            lines = [geom] if geom.geom_type == "LineString" else list(geom.geoms)
            for line in lines:
                x, y = line.xy
                ax.plot(x, y, color=_KIND_COLOUR["datum"], lw=1.0, zorder=2)


def case_map(report: IncidentReport, land: Any | None, sar_line: Any | None) -> Figure | None:
    """The map figure, or None when no entry carries a position."""
    extent = _extent(report)
    if extent is None:
        return None
    lon_min, lon_max, lat_min, lat_max = extent
    fig = style.figure(7.2, 6.2)
    ax = fig.add_subplot(1, 1, 1)
    ax.set_facecolor(style.WATER)
    if land is not None:
        style.draw_land(ax, land, extent=extent)
    if sar_line is not None:
        for line in getattr(sar_line, "geoms", [sar_line]):
            if hasattr(line, "xy"):
                x, y = line.xy
                ax.plot(x, y, color="#333333", lw=1.0, ls="--", zorder=1.5)
    _draw_shapes(ax, report)
    calls = [p for p in report.points if p.kind in ("call", "sighting")]
    if len(calls) > 1:
        # The reported positions in time order: how the picture of the boat moved.
        ax.plot([p.lon for p in calls], [p.lat for p in calls], color="#999999", lw=0.8, zorder=3)
    for n, p in enumerate(report.points, start=1):
        ax.scatter(
            p.lon,
            p.lat,
            s=36,
            color=_KIND_COLOUR.get(p.kind, "#7f7f7f"),
            zorder=4,
            edgecolors="white",
            linewidths=0.6,
        )
        ax.annotate(
            str(n),
            (p.lon, p.lat),
            xytext=(4, 3),
            textcoords="offset points",
            fontsize=7,
            zorder=5,
        )
    ax.set_xlim(lon_min, lon_max)
    ax.set_ylim(lat_min, lat_max)
    ax.set_aspect(1.0 / np.cos(np.radians((lat_min + lat_max) / 2)))
    ax.grid(True, axis="both", color="#dde6ee", lw=0.5)
    ax.set_xlabel("longitude (°E)")
    ax.set_ylabel("latitude (°N)")
    from matplotlib.lines import Line2D

    kinds = sorted({p.kind for p in report.points})
    handles = [
        Line2D([], [], marker="o", ls="", color=_KIND_COLOUR.get(k, "#7f7f7f"), label=k)
        for k in kinds
    ]
    if sar_line is not None:
        handles.append(Line2D([], [], color="#333333", ls="--", label="FR/UK SAR line"))
    if report.shapes:
        handles.append(Line2D([], [], color=_KIND_COLOUR["datum"], label="drift/search area"))
    ax.legend(handles=handles, loc="best", fontsize=7.5, frameon=True)
    ax.set_title(f"Case {report.case_id}: reported positions (numbers: order in time)")
    note = "Positions as recorded in the ledger (numbers refer to the position list)."
    if land is None:
        note += " Land outline unavailable."
    style.footnote(fig, note)
    return fig


def figure_bytes(fig: Figure, fmt: str = "png", dpi: int = 150) -> bytes:
    buf = io.BytesIO()
    meta: dict[str, Any] = {"Creator": "ChannelWatch"}
    if fmt == "svg":
        meta["Date"] = None
    fig.savefig(buf, format=fmt, dpi=dpi, metadata=meta, facecolor="white")
    return buf.getvalue()
