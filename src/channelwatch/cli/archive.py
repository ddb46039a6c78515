"""``channelwatch archive``: AIS history as partitioned Parquet, and its statistics, on Dask."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from channelwatch.cli.common import console, err_console, handle_errors, print_json

archive_app = typer.Typer(
    help="AIS archives on Dask: decode files into partitioned Parquet; statistics and tracks.",
    no_args_is_help=True,
)

SchedulerOpt = Annotated[
    str | None,
    typer.Option("--scheduler", help="Dask scheduler address (default: a LocalCluster here)."),
]
WorkersOpt = Annotated[
    int, typer.Option("--workers", min=1, help="LocalCluster worker processes (1 thread each).")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]


def _progress(total: int, what: str, quiet: bool) -> Any:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    bar = Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
        disable=quiet or not err_console.is_terminal,
    )
    return bar, bar.add_task(what, total=total)


@archive_app.command("build")
@handle_errors
def build_cmd(
    files: Annotated[list[Path], typer.Argument(help="AIS NMEA files (plain or gzip).")],
    out: Annotated[Path, typer.Option("--out", help="The archive folder (DIR.parquet).")],
    scheduler: SchedulerOpt = None,
    workers: WorkersOpt = 2,
    overwrite: Annotated[bool, typer.Option("--overwrite", help="Replace an archive.")] = False,
    prefix_tz: Annotated[
        str, typer.Option(help="Time zone of shore-log line prefixes.")
    ] = "Europe/Paris",
    json_out: JsonOpt = False,
) -> None:
    """Decode AIS files in parallel (one task per file) into Parquet partitioned by date/hour."""
    from channelwatch.scale.archive import build_archive, check_inputs
    from channelwatch.scale.cluster import dask_client, describe

    check_inputs(files)
    bar, task = _progress(len(files), "decoding", json_out)
    with dask_client(scheduler, workers=workers) as client, bar:
        where = describe(client)
        manifest = build_archive(
            files,
            out,
            client,
            overwrite=overwrite,
            prefix_tz=prefix_tz,
            on_done=lambda _r: bar.advance(task),
        )
    manifest["cluster"] = where
    if json_out:
        print_json(manifest)
        return
    rows = manifest["rows"]
    console.print(
        f"{out}: {rows['messages']} messages, {rows['positions']} positions, "
        f"{rows['statics']} static reports from {len(files)} file(s) "
        f"({manifest['undated']} undated skipped); {where['workers']} worker(s)",
        highlight=False,
    )


@archive_app.command("stats")
@handle_errors
def stats_cmd(
    archive: Annotated[Path, typer.Argument(help="An archive made by 'archive build'.")],
    scheduler: SchedulerOpt = None,
    workers: WorkersOpt = 2,
    tracks_out: Annotated[
        Path | None, typer.Option("--tracks-out", help="Write every track summary (Parquet).")
    ] = None,
    top: Annotated[int, typer.Option(min=0, help="Tracks listed in the output.")] = 10,
    json_out: JsonOpt = False,
) -> None:
    """Messages per type, vessels, messages per hour, speeds, and one track per MMSI."""
    from channelwatch.scale.archive import read_manifest
    from channelwatch.scale.cluster import dask_client
    from channelwatch.scale.stats import archive_stats

    read_manifest(archive)
    with dask_client(scheduler, workers=workers) as client:
        stats = archive_stats(archive, client, top=top)
    tracks = stats.pop("tracks_frame")
    if tracks_out is not None:
        tracks.to_parquet(tracks_out, index=False)
        stats["tracks_out"] = str(tracks_out)
    if json_out:
        print_json(stats)
        return
    from rich.table import Table

    console.print(
        f"{archive}: {stats['messages']} messages over {len(stats['days'])} day(s), "
        f"{stats['vessels']} MMSI ({stats['vessels_with_positions']} with positions)",
        highlight=False,
    )
    types = Table(title="messages per type")
    types.add_column("type")
    types.add_column("messages", justify="right")
    for k, v in stats["messages_per_type"].items():
        types.add_row(k, str(v))
    console.print(types)
    sp = stats["speed_kn"]
    console.print(
        f"speed over ground: p50 {sp['p50']} kn, p90 {sp['p90']} kn, p99 {sp['p99']} kn; "
        + ", ".join(f"{k}: {v}" for k, v in sp["histogram"].items()),
        highlight=False,
    )
    tr = Table(title=f"tracks: {stats['tracks']['vessels']} vessels (top {top} by fixes)")
    for col in ("mmsi", "fixes", "first", "hours", "path km", "max kn", "jumps"):
        tr.add_column(col)
    for r in stats["tracks"]["top"]:
        tr.add_row(
            str(r["mmsi"]),
            str(r["fixes"]),
            r["first"][:16],
            f"{r['duration_h']:.1f}",
            f"{r['path_km']:.1f}",
            "" if r["max_sog_kn"] != r["max_sog_kn"] else f"{r['max_sog_kn']:.1f}",
            str(r["jumps"]),
        )
    console.print(tr)


def register(app: typer.Typer) -> None:
    app.add_typer(archive_app, name="archive")
