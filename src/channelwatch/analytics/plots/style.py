"""Shared look of the briefing figures, saving, and drawing shapely land on an axis."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from channelwatch.analytics.errors import AnalyticsInputError

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

FORMATS = (".png", ".svg", ".pdf")

INK = "#1d2733"
PEOPLE = "#1f4e79"
TREND = "#d9822b"
BOATS = "#5b8c5a"
PARTIAL = "#9db4cc"
SEA = "#1f77b4"
LAND = "#b5651d"
UNCLEAR = "#8c8c8c"
LAND_FILL = "#e8e4da"
LAND_EDGE = "#a39e93"
WATER = "#f4f8fb"
GOOD = "#d7301f"  # crossings likely: red, as the Home Office "red days"
MAYBE = "#fdae61"
DANGER = "#5e3c99"

_RC = {
    "font.family": "DejaVu Sans",
    "font.size": 9.5,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.edgecolor": "#7a7a7a",
    "axes.labelcolor": INK,
    "axes.grid": True,
    "axes.grid.axis": "y",
    "grid.color": "#e3e3e3",
    "grid.linewidth": 0.8,
    "xtick.color": INK,
    "ytick.color": INK,
    "legend.frameon": False,
    "svg.fonttype": "none",  # text stays text in SVG: searchable, smaller
    "svg.hashsalt": "channelwatch",  # stable ids: the same data gives the same file
    "pdf.fonttype": 42,
}


def check_format(path: Path) -> None:
    if path.suffix.lower() not in FORMATS:
        raise AnalyticsInputError(
            f"{path}: unsupported plot format {path.suffix!r} (use {', '.join(FORMATS)})"
        )


def figure(width_in: float, height_in: float) -> Figure:
    """A new figure with the house style (Agg backend, no global pyplot state)."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    cast(Any, matplotlib.rcParams).update(_RC)  # the stub types keys as a closed Literal
    return Figure(figsize=(width_in, height_in), layout="constrained")


def thousands(ax: Axes, axis: str = "y") -> None:
    from matplotlib.ticker import FuncFormatter

    fmt = FuncFormatter(lambda v, _pos: f"{v:,.0f}")
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(fmt)


def footnote(fig: Figure, text: str) -> None:
    """The source line at the foot; the layout keeps room for it (about 16 chars per inch)."""
    import math

    width_in, height_in = fig.get_size_inches()
    lines = max(1, math.ceil(len(text) / (width_in * 16.0)))
    room = min(0.3, (0.08 + 0.13 * lines) / height_in)
    fig.get_layout_engine().set(rect=(0, room, 1, 1 - room))  # type: ignore[call-arg, union-attr]
    fig.text(0.01, 0.008, text, fontsize=7, color="#555555", ha="left", va="bottom", wrap=True)


def save(fig: Figure, path: Path, dpi: int = 200) -> Path:
    """Write the figure in the format of the suffix (metadata kept free of dates: reproducible)."""
    check_format(path)
    suffix = path.suffix.lower()
    meta: dict[str, Any] = {"Creator": "ChannelWatch"}
    if suffix == ".svg":
        meta["Date"] = None
    elif suffix == ".pdf":
        meta["CreationDate"] = None
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=dpi, metadata=meta, facecolor="white")
    return path


def _polygons(geom: Any) -> Iterable[Any]:
    kind = getattr(geom, "geom_type", "")
    if kind == "Polygon":
        yield geom
    elif kind in ("MultiPolygon", "GeometryCollection"):
        for g in geom.geoms:
            yield from _polygons(g)


def draw_land(
    ax: Axes,
    land: Any,
    zorder: float = 1.0,
    extent: tuple[float, float, float, float] | None = None,
) -> int:
    """Fill shapely (Multi)Polygons given in lon/lat as one compound path; returns how many
    polygons were drawn. With ``extent`` (lon_min, lon_max, lat_min, lat_max) the land is first
    clipped to it: a detailed coastline has thousands of islets outside a small map.
    """
    import numpy as np
    from matplotlib.patches import PathPatch
    from matplotlib.path import Path as MplPath

    if extent is not None:
        from shapely.geometry import box

        lon_min, lon_max, lat_min, lat_max = extent
        pad = 0.05 * max(lon_max - lon_min, lat_max - lat_min)
        land = land.intersection(box(lon_min - pad, lat_min - pad, lon_max + pad, lat_max + pad))
    verts = []
    codes = []
    drawn = 0
    for poly in _polygons(land):
        for ring in (poly.exterior, *poly.interiors):
            xy = np.asarray(ring.coords)[:, :2]
            if len(xy) < 3:
                continue
            verts.append(xy)
            c = np.full(len(xy), MplPath.LINETO, dtype=np.uint8)
            c[0] = MplPath.MOVETO
            c[-1] = MplPath.CLOSEPOLY
            codes.append(c)
        drawn += 1
    if verts:
        path = MplPath(np.concatenate(verts), np.concatenate(codes))
        ax.add_patch(
            PathPatch(path, facecolor=LAND_FILL, edgecolor=LAND_EDGE, linewidth=0.5, zorder=zorder)
        )
    return drawn
