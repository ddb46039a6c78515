"""``channelwatch stats``: crossings (Home Office) and deaths (IOM) over time, plots and exports."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from channelwatch.cli.common import console, err_console, handle_errors, print_json

if TYPE_CHECKING:
    from channelwatch.analytics.crossings import PeriodStats
    from channelwatch.analytics.deaths import Classified, DeathPeriod
    from channelwatch.analytics.series import WeeklyCrossings

stats_app = typer.Typer(
    help="Crossings (Home Office series) and deaths (IOM Missing Migrants) over time.",
    no_args_is_help=True,
)


@contextmanager
def progress_steps(total: int) -> Iterator[Callable[[str], None]]:
    """A progress bar on stderr (stdout stays clean for --json); yields ``step(description)``."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
    ) as progress:
        task = progress.add_task("starting", total=total)
        first = True

        def step(description: str) -> None:
            nonlocal first
            if not first:
                progress.advance(task)
            first = False
            progress.update(task, description=description)

        yield step
        progress.update(task, completed=total)


def _date(value: str | None, option: str) -> date | None:
    from channelwatch.analytics.errors import AnalyticsInputError

    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise AnalyticsInputError(f"{option} {value!r} is not a date (YYYY-MM-DD)") from None


def _fmt(value: float | int | None, digits: int = 0) -> str:
    if value is None:
        return "–"
    return f"{value:,.{digits}f}"


def _crossings_table(stats: Sequence[PeriodStats], title: str) -> None:
    from rich.table import Table

    table = Table(title=title, title_justify="left", header_style="bold")
    for name in ("period", "people", "boats", "per boat", "uncontrolled", "prevented", "trend"):
        table.add_column(name, justify="left" if name == "period" else "right")
    for s in stats:
        table.add_row(
            s.period + ("" if s.complete else f" (to {s.last_day})"),
            _fmt(s.people),
            _fmt(s.boats),
            _fmt(s.people_per_boat, 1),
            _fmt(s.uncontrolled_boats),
            _fmt(s.people_prevented),
            _fmt(s.people_rolling_mean),
        )
    console.print(table)


def _exports(
    rows: list[dict[str, Any]], paths: Sequence[Path], attribution: str, geo: bool
) -> None:
    from channelwatch.analytics.export import write_table

    for path in paths:
        n = write_table(rows, path, attribution=attribution, geo=geo)
        err_console.print(f"wrote {n} rows to {path}")


@stats_app.command("crossings")
@handle_errors
def crossings(
    by: str = typer.Option("year", "--by", help="Period: day, week, month or year."),
    data: Path | None = typer.Option(
        None, "--data", help="A newer SB_01 daily table: CSV export or the Home Office ODS."
    ),
    weekly: Path | None = typer.Option(
        None, "--weekly", help="A newer SB_02 weekly table (CSV); taken from --data if an ODS."
    ),
    first: str | None = typer.Option(None, "--from", help="First day (YYYY-MM-DD)."),
    last: str | None = typer.Option(None, "--to", help="Last day (YYYY-MM-DD)."),
    window: int | None = typer.Option(
        None, "--window", help="Trailing mean over this many periods (default 7/4/3/1)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON list of periods."),
    plot: Path | None = typer.Option(None, "--plot", help="Write a figure (.png, .svg, .pdf)."),
    export: list[Path] = typer.Option(
        [], "--export", help="Write the periods to .csv, .parquet or .json (repeatable)."
    ),
) -> None:
    """People and boats detected crossing in small boats, per day, week, month or year."""
    import numpy as np

    from channelwatch.analytics import crossings as cx
    from channelwatch.analytics.errors import AnalyticsInputError
    from channelwatch.analytics.homeoffice import (
        ATTRIBUTION,
        is_workbook,
        read_daily,
        read_weekly,
        read_workbook,
    )
    from channelwatch.analytics.periods import as_period
    from channelwatch.analytics.plots.style import check_format

    period = as_period(by)
    if plot is not None:
        check_format(plot)
    start, end = _date(first, "--from"), _date(last, "--to")
    with progress_steps(3 if plot else 2) as step:
        step("reading the Home Office tables")
        weekly_tab: WeeklyCrossings | None
        if data is not None and is_workbook(data):
            daily_all, weekly_tab = read_workbook(data)
        else:
            daily_all = read_daily(data)
            # A newer daily CSV alone gets no weekly table: the shipped one could be older.
            weekly_tab = None if data is not None else read_weekly(None)
        if weekly is not None:
            weekly_tab = read_weekly(weekly)
        step("aggregating")
        daily = daily_all.between(
            np.datetime64(start) if start else None, np.datetime64(end) if end else None
        )
        if len(daily) == 0:
            raise AnalyticsInputError(
                f"no days from {first or 'the start'} to {last or 'the end'}: the series covers "
                f"{daily_all.dates[0]} to {daily_all.dates[-1]}"
            )
        stats = cx.aggregate(daily, period, weekly_tab, window)
        if len(daily) < len(daily_all):
            history = cx.aggregate(daily_all, period, weekly_tab, window)
            stats = cx.trend_from_history(stats, history)
        profile = cx.seasonality(daily_all) if cx.complete_years(daily_all.dates) else []
        if plot is not None:
            from channelwatch.analytics.plots.crossings import plot_crossings

            step(f"drawing {plot.name}")
            since = None
            if weekly_tab is not None:
                has = np.isfinite(weekly_tab.people_prevented)
                if has.any():
                    since = date.fromisoformat(str(weekly_tab.week_end[has][0]))
            plot_crossings(stats, profile, plot, period.value, prevented_from=since)
    rows = [s.to_dict() for s in stats]
    if export:
        _exports(rows, export, ATTRIBUTION, geo=False)
    if as_json:
        print_json(rows)
        return
    if not stats:
        console.print("no days in the requested range")
        return
    _crossings_table(stats, f"Small-boat crossings per {period.value}")
    t = cx.totals(daily)
    console.print(
        f"Total {t.first} to {t.last}: [bold]{t.people:,}[/] people in {t.boats:,} boats "
        f"({_fmt(t.people_per_boat, 1)} per boat), crossings on {t.days_with_crossings:,} of "
        f"{t.days:,} days."
    )
    if daily_all.skipped_rows:
        err_console.print(f"{daily_all.skipped_rows} unreadable rows skipped in {daily_all.source}")
    console.print(f"[dim]{ATTRIBUTION}[/]")
    if plot is not None:
        console.print(f"figure written to {plot}")


@stats_app.command("totals")
@handle_errors
def totals_cmd(
    data: Path | None = typer.Option(None, "--data", help="A newer SB_01 table (CSV or ODS)."),
    first: str | None = typer.Option(None, "--from", help="First day (YYYY-MM-DD)."),
    last: str | None = typer.Option(None, "--to", help="Last day (YYYY-MM-DD)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Total people and boats over a date range (the whole series by default)."""
    import numpy as np

    from channelwatch.analytics.crossings import totals
    from channelwatch.analytics.homeoffice import ATTRIBUTION, read_daily

    start, end = _date(first, "--from"), _date(last, "--to")
    daily = read_daily(data).between(
        np.datetime64(start) if start else None, np.datetime64(end) if end else None
    )
    t = totals(daily)
    if as_json:
        print_json(t.to_dict())
        return
    console.print(
        f"{t.first} to {t.last} ({t.days:,} days): [bold]{t.people:,}[/] people, "
        f"{t.boats:,} boats, {_fmt(t.people_per_boat, 1)} per boat; busiest day "
        f"{t.max_people_date} with {t.max_people_day:,} people."
    )
    console.print(f"[dim]{ATTRIBUTION}[/]")


@stats_app.command("seasonality")
@handle_errors
def seasonality_cmd(
    data: Path | None = typer.Option(None, "--data", help="A newer SB_01 table (CSV or ODS)."),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON list of 12 months."),
) -> None:
    """People per calendar month over the complete years of the series."""
    from rich.table import Table

    from channelwatch.analytics.crossings import seasonality
    from channelwatch.analytics.homeoffice import ATTRIBUTION, read_daily

    profile = seasonality(read_daily(data))
    if as_json:
        print_json([p.to_dict() for p in profile])
        return
    table = Table(
        title=f"Seasonality over {profile[0].years} complete years",
        title_justify="left",
        header_style="bold",
    )
    for name in ("month", "mean people", "lowest", "highest", "share of year", "days with boats"):
        table.add_column(name, justify="right")
    for p in profile:
        table.add_row(
            date(2000, p.month, 1).strftime("%b"),
            _fmt(p.mean_people),
            _fmt(p.min_people),
            _fmt(p.max_people),
            f"{p.share_of_year:.1%}",
            f"{p.share_days_with_crossings:.0%}",
        )
    console.print(table)
    console.print(f"[dim]{ATTRIBUTION}[/]")


def _land(path: Path | None) -> tuple[Any | None, str]:
    """Land polygons for the map: a GeoJSON given by path, else the region model, else none."""
    if path is not None:
        from channelwatch.analytics.geo_files import read_land

        return read_land(path), str(path)
    import importlib

    # Looked up by name: the region model is optional for a map (land is then left out).
    try:
        load_region = importlib.import_module("channelwatch.region").load_region
    except (ImportError, AttributeError):
        return None, "none (region model not available)"
    return load_region().land, "region model"


def _deaths_table(periods: Sequence[DeathPeriod], records: Sequence[Classified]) -> None:
    from rich.table import Table

    table = Table(
        title="Dead and missing on the route to the UK", title_justify="left", header_style="bold"
    )
    for name in ("period", "at sea", "on land", "unclear", "total", "incidents"):
        table.add_column(name, justify="left" if name == "period" else "right")
    for p in periods:
        table.add_row(
            p.period, str(p.sea), str(p.land), str(p.unclear), str(p.total), str(p.incidents)
        )
    sea = sum(p.sea for p in periods)
    land = sum(p.land for p in periods)
    unclear = sum(p.unclear for p in periods)
    table.add_row(
        "all",
        str(sea),
        str(land),
        str(unclear),
        str(sea + land + unclear),
        str(len(records)),
        style="bold",
    )
    console.print(table)


@stats_app.command("deaths")
@handle_errors
def deaths(
    by: str = typer.Option("year", "--by", help="Group by year or month."),
    data: Path | None = typer.Option(
        None, "--data", help="A newer IOM Missing Migrants CSV (route extract or global download)."
    ),
    route: str = typer.Option(
        "Mainland Europe to the UK", "--route", help="IOM route kept when the file has one."
    ),
    first: str | None = typer.Option(None, "--from", help="First day (YYYY-MM-DD)."),
    last: str | None = typer.Option(None, "--to", help="Last day (YYYY-MM-DD)."),
    setting: str | None = typer.Option(None, "--setting", help="Keep only sea, land or unclear."),
    in_region: bool = typer.Option(
        False,
        "--in-region",
        help="Keep only records located in the Strait box (49.5-52N, 1W-3.5E).",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON list of periods."),
    records_json: bool = typer.Option(
        False, "--records", help="With --json: print the classified records instead of periods."
    ),
    plot: Path | None = typer.Option(
        None, "--plot", help="Write a figure with a map (.png/.svg/.pdf)."
    ),
    land_file: Path | None = typer.Option(
        None, "--land", help="GeoJSON land polygons for the map (default: the region model)."
    ),
    export: list[Path] = typer.Option(
        [],
        "--export",
        help="Write the classified records to .csv, .parquet, .geojson (repeatable).",
    ),
) -> None:
    """Deaths and disappearances (IOM) at sea or on land, per year or month, with a map."""
    from channelwatch.analytics import deaths as dx
    from channelwatch.analytics.errors import AnalyticsInputError
    from channelwatch.analytics.iom import ATTRIBUTION, read_incidents
    from channelwatch.analytics.plots.style import check_format

    if plot is not None:
        check_format(plot)
    keep: dx.Setting | None = None
    if setting is not None:
        try:
            keep = dx.Setting(setting.lower())
        except ValueError:
            raise AnalyticsInputError(f"--setting {setting!r}: use sea, land or unclear") from None
    with progress_steps(3 if plot else 2) as step:
        step("reading IOM records")
        table = read_incidents(data, route=route or None)
        step("classifying sea / land")
        records = dx.classify_all(table.incidents)
        records = dx.between(records, _date(first, "--from"), _date(last, "--to"))
        if in_region:
            records = dx.in_box(records, 49.5, 52.0, -1.0, 3.5)
        if keep is not None:
            records = [r for r in records if r.setting is keep]
        periods = dx.by_period(records, by)
        if plot is not None:
            from channelwatch.analytics.plots.deaths import plot_deaths

            step(f"drawing {plot.name}")
            land, _ = _land(land_file)
            plot_deaths(records, dx.by_period(records, "year"), plot, land)
    rows = [dx.record_dict(r) for r in records]
    if export:
        _exports(rows, export, ATTRIBUTION, geo=True)
    if as_json:
        print_json(rows if records_json else [p.to_dict() for p in periods])
        return
    _deaths_table(periods, records)
    if table.skipped_rows:
        err_console.print(f"{table.skipped_rows} unreadable rows skipped in {table.source}")
    console.print(f"[dim]{ATTRIBUTION}[/]")
    if plot is not None:
        console.print(f"figure written to {plot}")


def register(app: typer.Typer) -> None:
    app.add_typer(stats_app, name="stats")
