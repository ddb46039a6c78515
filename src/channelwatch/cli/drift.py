"""``channelwatch drift``: the Monte Carlo leeway model on wind and current files;
``channelwatch drift-classes``: the leeway object classes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import typer

from channelwatch.cli.common import console, err_console, handle_errors, print_json


def _parse_start(text: str) -> datetime:
    from channelwatch.drift.errors import DriftInputError

    try:
        t = datetime.fromisoformat(text.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise DriftInputError(f"--start {text!r} is not an ISO 8601 time") from None
    # a time without offset is read as UTC (the Channel runs on UTC at sea)
    return t.replace(tzinfo=UTC) if t.tzinfo is None else t.astimezone(UTC)


def _parse_vector(text: str | None, option: str) -> tuple[float, float] | None:
    from channelwatch.drift.errors import DriftInputError

    if text is None:
        return None
    parts = text.replace(" ", "").split(",")
    try:
        east, north = (float(p) for p in parts)
    except ValueError:
        raise DriftInputError(f"{option} {text!r}: give EAST,NORTH in m/s, e.g. 5,-2") from None
    return east, north


def register(app: typer.Typer) -> None:
    @app.command("drift")
    @handle_errors
    def drift_cmd(
        wind: list[Path] = typer.Option(
            [], "--wind", help="Wind NetCDF (CF); repeat for fallbacks in priority order."
        ),
        current: list[Path] = typer.Option(
            [], "--current", help="Current NetCDF (CF); repeat for fallbacks in priority order."
        ),
        wind_const: str | None = typer.Option(
            None, "--wind-const", help="Fallback wind EAST,NORTH m/s where no file covers."
        ),
        current_const: str | None = typer.Option(
            None, "--current-const", help="Fallback current EAST,NORTH m/s where no file covers."
        ),
        object_class: str = typer.Option(
            ..., "--object", help="Leeway class key (LIFE-RAFT-NB-1) or number (26)."
        ),
        lat: float = typer.Option(..., "--lat", min=-89.5, max=89.5, help="Latitude, degrees."),
        lon: float = typer.Option(..., "--lon", min=-180.0, max=360.0, help="Longitude, degrees."),
        radius_m: float = typer.Option(
            0.0, "--radius-m", min=0.0, help="Seed spread: SD of east and north offsets, metres."
        ),
        start: str = typer.Option(
            ..., "--start", help="UTC start (ISO 8601); the time found with --backward."
        ),
        hours: float = typer.Option(..., "--hours", min=0.0, help="Duration in hours."),
        step_min: float = typer.Option(15.0, "--step-min", min=0.01, help="Time step, minutes."),
        output_min: float = typer.Option(
            60.0, "--output-min", min=0.01, help="Interval of stored positions, minutes."
        ),
        particles: int = typer.Option(5000, "--particles", min=1, help="Number of particles."),
        seed: int = typer.Option(0, "--seed", help="Seed of the random generator."),
        backward: bool = typer.Option(
            False, "--backward", help="Back-track: where did an object found at --start come from?"
        ),
        no_stranding: bool = typer.Option(
            False, "--no-stranding", help="Let particles cross land (no region land test)."
        ),
        jibe_per_hour: float = typer.Option(
            0.04, "--jibe-per-hour", min=0.0, max=0.99, help="Jibing probability per hour."
        ),
        wind_sd: float = typer.Option(
            0.0, "--wind-sd", min=0.0, help="Wind noise SD per component and step, m/s."
        ),
        current_sd: float = typer.Option(
            0.0, "--current-sd", min=0.0, help="Current noise SD per component and step, m/s."
        ),
        scheme: str = typer.Option(
            "euler", "--scheme", help="Time stepping: 'euler' (as published) or 'rk2' (Heun)."
        ),
        fill_method: str = typer.Option(
            "mean", "--land-fill", help="Extend currents onto land by 'mean' or 'max' (OpenDrift)."
        ),
        out: Path = typer.Option(..., "--out", help="Trajectories, CF NetCDF (trajectory, time)."),
        stats_json: Path | None = typer.Option(
            None, "--stats-json", help="Statistics of the final active cloud (JSON)."
        ),
        geojson: Path | None = typer.Option(
            None, "--geojson", help="Hull and density contours (default: OUT with .geojson)."
        ),
        as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
    ) -> None:
        """Drift a cloud of particles (forward, or back in time) and write where they go."""
        import numpy as np
        from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

        from channelwatch.drift import Forcing, GridReader, cloud_stats, get_leeway_class
        from channelwatch.drift.errors import DriftInputError
        from channelwatch.drift.forcing.fill import FillMethod
        from channelwatch.drift.geojson import cloud_geojson
        from channelwatch.drift.output import stats_document, write_json, write_netcdf
        from channelwatch.drift.simulate import run_leeway

        if fill_method not in ("mean", "max"):
            raise DriftInputError(f"--land-fill {fill_method!r}: use 'mean' or 'max'")
        fill: FillMethod = "max" if fill_method == "max" else "mean"
        if scheme not in ("euler", "rk2"):
            raise DriftInputError(f"--scheme {scheme!r}: use 'euler' or 'rk2'")
        cls = get_leeway_class(object_class)
        t0 = _parse_start(start)
        wind_fb = _parse_vector(wind_const, "--wind-const")
        current_fb = _parse_vector(current_const, "--current-const")
        if not wind and wind_fb is None:
            raise DriftInputError("give --wind FILE (or --wind-const EAST,NORTH)")
        if not current and current_fb is None:
            raise DriftInputError("give --current FILE (or --current-const EAST,NORTH)")
        readers: list[GridReader] = []
        try:
            wind_readers = [GridReader(p, fill_method=fill) for p in wind]
            readers += wind_readers
            current_readers = [GridReader(p, fill_method=fill) for p in current]
            readers += current_readers
            forcing = Forcing.build(
                wind_readers,
                current_readers,
                wind_fallback_ms=wind_fb,
                current_fallback_ms=current_fb,
            )
            land = None
            region = None
            if not no_stranding:
                from channelwatch.drift.land import region_land_test
                from channelwatch.region import load_region

                region = load_region()
                land = region_land_test(region)
            with Progress(
                TextColumn("[bold]drift[/] {task.description}"),
                BarColumn(),
                TextColumn("{task.completed}/{task.total} steps"),
                TimeRemainingColumn(),
                console=err_console,
                transient=True,
                disable=as_json,
            ) as bar:
                task = bar.add_task(cls.key, total=None)

                def progress(done: int, total: int) -> None:
                    bar.update(task, completed=done, total=total)

                result = run_leeway(
                    forcing,
                    cls,
                    lat,
                    lon,
                    t0,
                    timedelta(hours=hours),
                    rng=np.random.default_rng(seed),
                    n_particles=particles,
                    radius_m=radius_m,
                    step=timedelta(minutes=step_min),
                    output_step=timedelta(minutes=output_min),
                    backward=backward,
                    land=land,
                    jibe_probability_per_hour=jibe_per_hour,
                    wind_uncertainty_ms=wind_sd,
                    current_uncertainty_ms=current_sd,
                    scheme="rk2" if scheme == "rk2" else "euler",
                    progress=progress,
                )
        finally:
            for r in readers:
                r.close()
        f_lat, f_lon = result.cloud()
        stats = cloud_stats(f_lat, f_lon)
        written = [write_netcdf(result, out, seed=seed, land_fill=fill_method)]
        if stats_json is not None:
            written.append(write_json(stats_document(stats), stats_json))
        gj_path = geojson if geojson is not None else out.with_suffix(".geojson")
        props = {
            "object_class": cls.key,
            "time": result.times[-1].isoformat(),
            "direction": "backward" if backward else "forward",
        }
        written.append(
            write_json(
                cloud_geojson(f_lat, f_lon, properties=props, stats=stats), gj_path, indent=None
            )
        )
        summary: dict[str, Any] = {
            "object_class": cls.to_dict(),
            "start": result.times[0].isoformat(),
            "end": result.times[-1].isoformat(),
            "direction": "backward" if backward else "forward",
            "particles": result.n_particles,
            "counts": result.counts(),
            "stats": stats.to_dict(),
            "written": [str(p) for p in written],
        }
        if backward and region is not None:
            from channelwatch.drift.backtrack import Site, origins_by_site, stranded_points

            sites = [
                Site(b.name, b.country, b.lat, b.lon)
                for b in region.beaches
                if b.role == "embarkation"
            ]
            s_lat, s_lon = stranded_points(result)
            summary["origins"] = [
                o.to_dict() for o in origins_by_site(s_lat, s_lon, result.n_particles, sites)
            ]
        if as_json:
            print_json(summary)
            return
        _print_human(summary)

    @app.command("drift-classes")
    @handle_errors
    def drift_classes_cmd(
        search: str | None = typer.Argument(None, help="Show only classes matching this text."),
        as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
    ) -> None:
        """List the leeway object classes (number, key, coefficients)."""
        from rich.table import Table

        from channelwatch.drift.leeway import find_leeway_classes, leeway_classes

        classes = find_leeway_classes(search) if search else list(leeway_classes())
        if as_json:
            print_json([c.to_dict() for c in classes])
            return
        t = Table(title="Leeway object classes (slopes % of 10 m wind, offsets and SD cm/s)")
        t.add_column("no", no_wrap=True)
        t.add_column("key", no_wrap=True)
        for col in ("description", "downwind", "right", "left"):
            t.add_column(col)
        for c in classes:

            def fmt(s: Any) -> str:
                return f"{s.slope_pct:g}% {s.offset_cms:+g} ±{s.std_cms:g}"

            t.add_row(
                str(c.number),
                c.key,
                ("  " * c.level) + c.description,
                fmt(c.downwind),
                fmt(c.crosswind_right),
                fmt(c.crosswind_left),
            )
        console.print(t)


def _print_human(s: dict[str, Any]) -> None:
    st = s["stats"]
    cls = s["object_class"]
    console.print(
        f"[bold]{cls['key']}[/] ({cls['number']}) {s['direction']} {s['start']} → {s['end']}, "
        f"{s['particles']} particles: "
        + ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in s["counts"].items()),
        highlight=False,
    )
    if st["n"]:
        console.print(
            f"final active cloud: centroid {st['centroid_lat']:.4f}N {st['centroid_lon']:.4f}E, "
            f"SD east {st['std_east_km']:.1f} km, north {st['std_north_km']:.1f} km, "
            f"r50 {st['r50_km']:.1f} km, r90 {st['r90_km']:.1f} km",
            highlight=False,
        )
    else:
        console.print("no particle is still drifting at the end", highlight=False)
    origins = s.get("origins")
    if origins is not None:
        if origins:
            console.print("reached the coast, going back, near (embarkation beaches):")
        for o in origins[:8]:
            console.print(
                f"  {o['name']} ({o['country']}): {o['share']:.1%} of the particles",
                highlight=False,
            )
    for path in s["written"]:
        console.print(f"  wrote {path}", highlight=False)
