"""``channelwatch ensemble run``: many drift scenarios in parallel on Dask, results gathered."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from channelwatch.cli.common import console, err_console, handle_errors, print_json

ensemble_app = typer.Typer(
    help="Drift ensembles on Dask: many leeway scenarios in parallel.", no_args_is_help=True
)


@ensemble_app.command("run")
@handle_errors
def run_cmd(
    scenarios: Annotated[Path, typer.Argument(help="Scenarios JSON (see docs/scale.md).")],
    scheduler: Annotated[
        str | None,
        typer.Option("--scheduler", help="Dask scheduler address (default: a LocalCluster here)."),
    ] = None,
    workers: Annotated[
        int, typer.Option("--workers", min=1, help="LocalCluster worker processes.")
    ] = 2,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write every scenario's result (JSON).")
    ] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")] = False,
) -> None:
    """Run every scenario on the cluster; print each one's final cloud and all together.
    Exit 1 if any scenario failed (the others' results are kept)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from channelwatch.cli.common import clean_json
    from channelwatch.scale.cluster import dask_client, describe
    from channelwatch.scale.ensemble import load_scenarios, run_ensemble

    items = load_scenarios(scenarios)
    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
        disable=json_out or not err_console.is_terminal,
    ) as bar:
        task = bar.add_task("scenarios", total=len(items))
        with dask_client(scheduler, workers=workers) as client:
            where = describe(client)
            result = run_ensemble(items, client, on_done=lambda _r: bar.advance(task))
    doc = {**result.to_dict(), "cluster": where}
    if out is not None:
        out.write_text(json.dumps(clean_json(doc), indent=1), encoding="utf-8")
    if json_out:
        print_json(doc)
    else:
        from rich.table import Table

        table = Table(title=f"{len(items)} scenarios on {where['workers']} worker(s)")
        for col in ("id", "class", "active", "centroid", "r50 km", "r90 km", "s"):
            table.add_column(col)
        for r in doc["scenarios"]:
            st = r.get("stats") or {}
            table.add_row(
                r["id"],
                r["scenario"]["object_class"],
                str(st.get("n", "")),
                f"{st['centroid_lat']:.4f}N {st['centroid_lon']:.4f}E" if st.get("n") else "",
                f"{st['r50_km']:.2f}" if st.get("n") else "",
                f"{st['r90_km']:.2f}" if st.get("n") else "",
                f"{r['wall_s']:.1f}",
            )
        console.print(table)
        for r in doc["scenarios"]:
            if "error" in r:
                err_console.print(f"[red]{r['id']} failed:[/] {r['error']}", highlight=False)
        c = doc["combined"]
        console.print(
            f"all: {c['n']} particles, r50 {c['r50_km']:.2f} km, r90 {c['r90_km']:.2f} km; "
            f"{result.wall_s:.1f} s",
            highlight=False,
        )
    if result.failed:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.add_typer(ensemble_app, name="ensemble")
