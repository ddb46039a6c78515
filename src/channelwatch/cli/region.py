"""``channelwatch where`` and ``channelwatch region ...``: the operating area."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import typer

from channelwatch.cli.common import console, handle_errors, print_json

region_app = typer.Typer(
    help="The operating area: layers, packs and their index.", no_args_is_help=True
)

REGION_OPT = typer.Option(
    None, "--region", help="Region pack name or folder (default dover_strait)."
)


def _number(text: str, name: str, limit: float) -> float:
    from channelwatch.region.errors import CoordinateError

    try:
        value = float(text)
    except ValueError:
        raise CoordinateError(f"{name} {text!r} is not a number") from None
    if not math.isfinite(value):
        raise CoordinateError(f"{name} {text!r} is not a finite number")
    if abs(value) > limit:
        raise CoordinateError(f"{name} {text!r} is out of range [-{limit:g}, {limit:g}]")
    return value


@handle_errors
def where_cmd(
    lat: str = typer.Argument(..., help="Latitude, decimal degrees north (e.g. 50.637)."),
    lon: str = typer.Argument(..., help="Longitude, decimal degrees east (e.g. 1.570; west < 0)."),
    json_out: bool = typer.Option(False, "--json", help="Print one JSON object."),
    region: str | None = REGION_OPT,
) -> None:
    """Everything ChannelWatch knows about a point: land or sea, coast, strips, territorial sea,
    SAR region and centre, TSS, nearest beach and rescue stations."""
    from channelwatch.region import load_region

    la = _number(lat, "latitude", 90.0)
    lo = _number(lon, "longitude", 180.0)
    result = load_region(region).where(la, lo)
    if json_out:
        print_json(result.to_dict())
        return
    _print_where(result.to_dict())


def _print_where(d: dict[str, Any]) -> None:
    from rich.markup import escape
    from rich.table import Table

    if not d["inside_region"]:
        console.print(f"[yellow]{escape(d['message'])}[/]")
        return
    t = Table(show_header=False, box=None, title=f"{d['lat']:.5f}N {d['lon']:.5f}E ({d['region']})")
    t.add_row("on land", "yes" if d["on_land"] else "no (at sea)")
    t.add_row(
        "distance to coast", f"{d['distance_to_coast_m']:.0f} m (coast of {d['coast_country']})"
    )
    for k, v in d.items():
        if k.startswith("in_strip_"):
            t.add_row(
                k.replace("in_strip_", "in the ").replace("m", " m strip"), "yes" if v else "no"
            )
    t.add_row("territorial sea", d["territorial_sea"] or "none")
    edge = "published 1988 line" if d["sar_region_published_edge"] else "partly our derived line"
    t.add_row("SAR region", f"{d['sar_region']}: {d['sar_centre']} (edge: {edge})")
    tss = d["tss"]
    if tss:
        text = tss["element"].replace("_", " ")
        if "direction_deg" in tss:
            text += f", traffic towards {tss['direction_deg']:.1f}°"
        if tss["approximate"]:
            text += " [approximate]"
        t.add_row("TSS", escape(f"{text}: {tss['name']}"))
    else:
        t.add_row("TSS", "outside the scheme's polygons")
    b = d["nearest_beach"]
    t.add_row("nearest beach", f"{b['name']} ({b['role']}, {b['distance_m']:.0f} m)")
    for s in d["nearest_stations"]:
        eta = f"{s['eta_min']:.0f} min" if s["eta_min"] is not None else "speed unknown"
        mark = "" if s["verified"] else " [not verified]"
        t.add_row("rescue asset", escape(f"{s['name']}: {s['distance_nm']:.1f} nm, {eta}{mark}"))
    console.print(t)


@region_app.command("info")
@handle_errors
def info_cmd(
    region: str | None = REGION_OPT,
    json_out: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """The region's box, layers, SAR centres, stations and beaches."""
    from channelwatch.region import load_region

    r = load_region(region)
    out = {
        "name": r.name,
        "title": r.info.title,
        "version": r.info.version,
        "bbox": list(r.bbox),
        "layers": {k: str(r.layer_path(k)) for k in r.info.layers},
        "sar_centres": r.info.sar_centres,
        "strips": {
            "countries": list(r.info.strip_countries),
            "widths_m": list(r.info.strip_widths_m),
        },
        "stations": len(r.stations),
        "beaches": len(r.beaches),
        "tss_elements": [e.element for e in r.tss_elements],
        "attribution": str(r.info.root / r.info.attribution),
    }
    if json_out:
        print_json(out)
    else:
        for k, v in out.items():
            console.print(f"[bold]{k}[/]: {v}")


@region_app.command("list")
def list_cmd() -> None:
    """Region packs available (shipped, and on CHANNELWATCH_REGION_PATH)."""
    from channelwatch.region import available_packs

    for name in available_packs():
        typer.echo(name)


@region_app.command("build")
@handle_errors
def build_cmd(region: str | None = REGION_OPT) -> None:
    """Build (or rebuild) the region's query index and cache it."""
    import time

    from channelwatch.region import cache
    from channelwatch.region.model import build_region
    from channelwatch.region.pack import read_pack_info, resolve_pack

    root = resolve_pack(region)
    info = read_pack_info(root)
    path = cache.cache_path(info.name, info.digest())
    path.unlink(missing_ok=True)
    t0 = time.monotonic()
    with console.status(f"building the index of {info.name} ..."):
        build_region(root)
    console.print(f"built {info.name} in {time.monotonic() - t0:.1f} s: {path}")


@region_app.command("layer")
@handle_errors
def layer_cmd(
    name: str = typer.Argument(..., help="Layer name (land, tss, sar, stations, beaches, ...)."),
    out: Path | None = typer.Option(None, "--out", help="Write to this file instead of stdout."),
    region: str | None = REGION_OPT,
) -> None:
    """Print or save one of the region's GeoJSON layers (for GIS tools)."""
    from channelwatch.region import load_region
    from channelwatch.region.errors import UnknownRegionError

    r = load_region(region)
    if name not in r.info.layers:
        raise UnknownRegionError(f"no layer {name!r}; layers: {', '.join(sorted(r.info.layers))}")
    data = r.layer_path(name).read_text(encoding="utf-8")
    if out is None:
        typer.echo(data, nl=False)
    else:
        out.write_text(data, encoding="utf-8")


def register(app: typer.Typer) -> None:
    app.command(
        "where",
        context_settings={"ignore_unknown_options": True},  # so that "-0.5" is a longitude
    )(where_cmd)
    app.add_typer(region_app, name="region")
