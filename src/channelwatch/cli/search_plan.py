"""``channelwatch search-plan``: datum, probability map, unit areas and IAMSAR patterns."""

from __future__ import annotations

from pathlib import Path

import typer

from channelwatch.cli.common import console, err_console, handle_errors, print_json


def register(app: typer.Typer) -> None:
    @app.command("search-plan")
    @handle_errors
    def search_plan_cmd(
        scenarios: Path = typer.Option(
            ..., "--scenarios", help="Case JSON: search time, conditions, weighted scenarios."
        ),
        units: Path = typer.Option(..., "--units", help="Units JSON: the units available."),
        out_geojson: Path | None = typer.Option(
            None, "--out-geojson", help="Write the map, datums, areas and routes as GeoJSON."
        ),
        out_gpx: Path | None = typer.Option(
            None, "--out-gpx", help="Directory for one GPX 1.1 route file per unit."
        ),
        grid_m: float | None = typer.Option(
            None, "--grid-m", min=10.0, help="Grid cell size in metres (default: automatic)."
        ),
        seed: int = typer.Option(
            0, "--seed", help="Seed of the random generator (Gaussian scenarios, drift runs)."
        ),
        no_land: bool = typer.Option(
            False, "--no-land", help="Do not empty land cells (even if the region model is there)."
        ),
        as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
    ) -> None:
        """Plan a search: where to look, which unit where, on which pattern, with what POS."""
        import numpy as np
        from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        from channelwatch.search.case import load_case, load_units
        from channelwatch.search.export import plan_summary, write_outputs
        from channelwatch.search.service import make_plan

        case = load_case(scenarios)
        unit_specs = load_units(units)
        with Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            TimeElapsedColumn(),
            console=err_console,
            transient=True,
            disable=as_json,
        ) as bar:
            task = bar.add_task("planning", total=None)

            def progress(msg: str) -> None:
                bar.update(task, description=msg)

            plan = make_plan(
                case,
                unit_specs,
                rng=np.random.default_rng(seed),
                grid_m=grid_m,
                land_fn=not no_land,
                progress=progress,
            )
            progress("writing")
            written = write_outputs(plan, out_geojson, out_gpx)
        summary = plan_summary(plan)
        summary["written"] = [str(p) for p in written]
        if as_json:
            print_json(summary)
            return
        _print_human(summary)


def _print_human(s: dict[str, object]) -> None:
    from typing import Any

    from rich.table import Table

    d: dict[str, Any] = dict(s)
    console.print(
        f"[bold]Search plan[/] {d['case_id']}  at {d['search_time']}  object "
        f"[bold]{d['search_object']}[/]",
        highlight=False,
    )
    t = Table(title="Datums (IAMSAR: E = √(X² + Y² + De²), R = fs·E)")
    for col in ("scenario", "weight", "datum", "De m", "E m", "R m", "stranded"):
        t.add_column(col)
    rows = [*d["scenarios"], {**d["mixture"], "id": "mixture", "stranded_fraction": None}]
    for sc in rows:
        i = sc["iamsar"]
        t.add_row(
            str(sc["id"]),
            f"{sc['weight']:.2f}",
            f"{sc['datum']['lat']:.4f} {sc['datum']['lon']:.4f}",
            f"{i['de_m']:.0f}",
            f"{i['e_m']:.0f}",
            f"{i['search_radius_m']:.0f}",
            "" if sc["stranded_fraction"] is None else f"{sc['stranded_fraction']:.1%}",
        )
    console.print(t)
    u = Table(title=f"Units (layout: {d['layout']}, detection: {d['detection_model']})")
    for col in ("unit", "pattern", "W NM", "S NM", "track NM", "area NM²", "C", "POD", "POS"):
        u.add_column(col)
    for a in d["units"]:
        u.add_row(
            str(a["unit"]),
            str(a["pattern"]),
            f"{a['sweep_width_nm']:.2f}",
            f"{a['track_spacing_nm']:.2f}",
            f"{a['track_length_nm']:.1f}/{a['available_track_nm']:.1f}",
            f"{a['area_nm2']:.1f}",
            f"{a['coverage']:.2f}",
            f"{a['pod']:.2f}",
            f"{a['pos']:.3f}",
        )
    console.print(u)
    opt = d["optimal_pos"]
    console.print(
        f"POS of the plan [bold]{d['pos']:.3f}[/]"
        + (f" (Stone's optimum for the same effort: {opt:.3f})" if opt is not None else "")
        + f"; map holds {d['map']['contained']:.1%} of the probability",
        highlight=False,
    )
    for sk in d["skipped"]:
        console.print(f"  not assigned: {sk['unit']}: {sk['reason']}", highlight=False)
    for note in d["notes"]:
        console.print(f"  [italic]{note}[/]", highlight=False)
    for path in d["written"]:
        console.print(f"  wrote {path}", highlight=False)
