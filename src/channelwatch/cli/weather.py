"""``channelwatch weather``: crossing windows from a wind/wave forecast, and their back-test."""

from __future__ import annotations

from pathlib import Path

import typer

from channelwatch.cli.common import console, err_console, handle_errors, print_json

weather_app = typer.Typer(
    help="Weather windows: when crossings are likely and when a loaded boat is in danger.",
    no_args_is_help=True,
)

# Mid-Strait, between Cap Gris-Nez and Dover: the default point of a gridded forecast.
STRAIT_LAT = 51.0
STRAIT_LON = 1.5


@weather_app.command("thresholds")
@handle_errors
def thresholds_cmd(
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """The thresholds in use, each with its source, and which ones are assumptions."""
    from channelwatch.analytics.weather.thresholds import SOURCES, Thresholds

    t = Thresholds()
    if as_json:
        print_json({"thresholds": t.to_dict(), "sources": [c.to_dict() for c in SOURCES]})
        return
    console.print("[bold]Thresholds[/]")
    for k, v in t.to_dict().items():
        console.print(f"  {k} = {v:g}")
    console.print("[bold]Sources[/]")
    for c in SOURCES:
        tag = "[yellow]assumption[/]" if c.assumption else "[green]published[/]"
        console.print(f"  [{c.key}] {tag}: {c.statement}\n      ({c.source})")


@weather_app.command("windows")
@handle_errors
def windows_cmd(
    forecast: Path = typer.Argument(..., help="CF NetCDF forecast, or CSV of time,wind_kn,wave_m."),
    lat: float = typer.Option(STRAIT_LAT, "--lat", help="Latitude of the point (gridded input)."),
    lon: float = typer.Option(STRAIT_LON, "--lon", help="Longitude of the point (gridded input)."),
    waves: Path | None = typer.Option(
        None, "--waves", help="A separate wave forecast (same kind)."
    ),
    max_distance_km: float = typer.Option(
        25.0, "--max-distance-km", help="Refuse a point farther than this from every grid cell."
    ),
    include_possible: bool = typer.Option(
        False, "--include-possible", help="Count 'possible' hours into windows too."
    ),
    likely_wind_kn: float = typer.Option(10.0, "--likely-wind-kn", help="Likely at or below."),
    likely_wave_m: float = typer.Option(0.5, "--likely-wave-m", help="Likely at or below."),
    danger_wind_kn: float = typer.Option(17.0, "--danger-wind-kn", help="Danger from."),
    danger_wave_m: float = typer.Option(1.0, "--danger-wave-m", help="Danger from."),
    min_window_h: float = typer.Option(6.0, "--min-hours", help="Shortest window counted."),
    hours: bool = typer.Option(False, "--hours", help="With --json: include every hour's class."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    plot: Path | None = typer.Option(None, "--plot", help="Write a figure (.png, .svg, .pdf)."),
    export: list[Path] = typer.Option(
        [], "--export", help="Write the hourly classes to .csv, .parquet or .json (repeatable)."
    ),
) -> None:
    """The hours in which crossings are likely, and the hours of danger, from a forecast."""
    from dataclasses import replace

    from rich.table import Table

    from channelwatch.analytics.export import write_table
    from channelwatch.analytics.plots.style import check_format
    from channelwatch.analytics.weather import windows as wx
    from channelwatch.analytics.weather.readers import read_weather
    from channelwatch.analytics.weather.thresholds import Thresholds
    from channelwatch.cli.stats import progress_steps

    if plot is not None:
        check_format(plot)
    t = replace(
        Thresholds(),
        likely_wind_kn=likely_wind_kn,
        likely_wave_m=likely_wave_m,
        danger_wind_kn=danger_wind_kn,
        danger_wave_m=danger_wave_m,
        min_window_h=min_window_h,
    )
    with progress_steps(3 if plot else 2) as step:
        step(f"reading {forecast.name}")
        weather = read_weather(forecast, lat, lon, max_distance_km, waves)
        step("classifying hours")
        found = wx.find_windows(weather, t, include_possible)
        summary = wx.summarise(weather, t)
        if plot is not None:
            from channelwatch.analytics.plots.weather import plot_windows

            step(f"drawing {plot.name}")
            plot_windows(weather, found, t, plot)
    rows = wx.hourly_rows(weather, t) if (hours or export) else []
    for path in export:
        n = write_table(rows, path)
        err_console.print(f"wrote {n} rows to {path}")
    if as_json:
        doc = {
            "source": weather.source,
            "lat": weather.lat,
            "lon": weather.lon,
            "first": wx.to_datetime(weather.times[0]).isoformat(),
            "last": wx.to_datetime(weather.times[-1]).isoformat(),
            "waves_known": weather.has_waves,
            "thresholds": t.to_dict(),
            "summary": summary.to_dict(),
            "windows": [w.to_dict() for w in found],
        }
        if hours:
            doc["hours"] = rows
        print_json(doc)
        return
    where = "" if weather.lat is None else f" at {weather.lat:.3f}N {weather.lon:.3f}E"
    console.print(
        f"{weather.source}{where}: {len(weather)} steps from "
        f"{wx.to_datetime(weather.times[0]):%Y-%m-%d %H:%M} to "
        f"{wx.to_datetime(weather.times[-1]):%Y-%m-%d %H:%M} UTC"
    )
    if not weather.has_waves:
        console.print("[yellow]no wave data: the wind alone decides[/]")
    console.print(
        f"hours likely {summary.likely_h:g}, possible {summary.possible_h:g}, unlikely "
        f"{summary.unlikely_h:g}; danger {summary.danger_h:g}, severe {summary.severe_h:g}"
    )
    if not found:
        console.print(f"no window of at least {t.min_window_h:g} h")
    else:
        table = Table(title="Crossing windows (UTC)", title_justify="left", header_style="bold")
        for name in ("start", "end", "hours", "max wind kn", "max wave m", "note"):
            table.add_column(name)
        for w in found:
            table.add_row(
                f"{w.start:%Y-%m-%d %H:%M}",
                f"{w.end:%Y-%m-%d %H:%M}",
                f"{w.hours:g}",
                f"{w.max_wind_kn:.1f}",
                "–" if w.max_wave_m is None else f"{w.max_wave_m:.2f}",
                "at the edge of the forecast" if w.truncated else "",
            )
        console.print(table)
    console.print(
        "[dim]Thresholds: see `channelwatch weather thresholds` (some are assumptions).[/]"
    )


@weather_app.command("backtest")
@handle_errors
def backtest_cmd(
    climatology: Path = typer.Argument(
        ..., help="12-month wind-speed climatology NetCDF (e.g. COADS WSPD)."
    ),
    lat: float = typer.Option(STRAIT_LAT, "--lat", help="Latitude of the Strait cell."),
    lon: float = typer.Option(STRAIT_LON, "--lon", help="Longitude of the Strait cell."),
    data: Path | None = typer.Option(None, "--data", help="A newer SB_01 table (CSV or ODS)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    plot: Path | None = typer.Option(None, "--plot", help="Write a figure (.png, .svg, .pdf)."),
) -> None:
    """Back-test against the Home Office series with the weather data that exist (seasonal)."""
    from channelwatch.analytics.homeoffice import read_daily
    from channelwatch.analytics.weather.backtest import read_monthly_climatology, seasonal_backtest

    wind, cell_lat, cell_lon = read_monthly_climatology(climatology, lat, lon)
    result = seasonal_backtest(wind, read_daily(data), str(climatology), cell_lat, cell_lon)
    if plot is not None:
        from channelwatch.analytics.plots.weather import plot_backtest

        plot_backtest(result, plot)
    if as_json:
        print_json(result.to_dict())
        return
    console.print(f"[bold]Tested[/]: {result.tested}")
    console.print(
        f"wind cell {cell_lat:g}N {cell_lon:g}E; years {result.years[0]}-{result.years[-1]}"
    )
    for c in (result.people_vs_wind, result.active_days_vs_wind):
        console.print(
            f"  {c.what}: rho {c.rho:+.2f} (95% CI {c.ci_low:+.2f} to {c.ci_high:+.2f}, "
            f"n={c.n}, p={c.p_value:.3g})"
        )
    console.print("  per year (people by month vs climatological wind):")
    for c in result.per_year:
        console.print(f"    {c.what[-4:]}: rho {c.rho:+.2f} ({c.ci_low:+.2f} to {c.ci_high:+.2f})")
    console.print("[bold]Could not be tested[/]:")
    for line in result.cannot_test:
        console.print(f"  - {line}")
    if plot is not None:
        console.print(f"figure written to {plot}")


def register(app: typer.Typer) -> None:
    app.add_typer(weather_app, name="weather")
