"""``channelwatch track``: run the multi-target tracker over a file of detections."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from channelwatch.cli.common import console, handle_errors, print_json


def register(app: typer.Typer) -> None:
    @app.command("track")
    @handle_errors
    def track(
        detections: Path = typer.Argument(
            ..., help="DETECTIONS.csv with columns scan,t_s,det_id,x,y (metres, seconds)."
        ),
        out: Path = typer.Option(
            ..., "--out", "-o", help="TRACKS.csv to write: scan,t_s,track_id,x,y,vx,vy."
        ),
        process_noise: float = typer.Option(
            0.05, "--process-noise", help="NCV process noise q, m^2/s^3 per axis."
        ),
        sigma_m: float = typer.Option(10.0, "--sigma-m", help="Detection noise, 1 sigma, m."),
        pd: float = typer.Option(0.9, "--pd", help="Probability of detection per scan."),
        clutter_density: float = typer.Option(
            2.5e-7, "--clutter-density", help="False detections per m^2 per scan."
        ),
        init_speed_sigma: float = typer.Option(
            5.0, "--init-speed-sigma", help="Prior 1-sigma of a new track's speed per axis, m/s."
        ),
        truth: Path | None = typer.Option(
            None, "--truth", help="TRUTH.csv (scan,t_s,target_id,x,vx,y,vy): score OSPA/GOSPA."
        ),
        json_out: bool = typer.Option(False, "--json", help="Print a JSON summary."),
    ) -> None:
        """Track DETECTIONS.csv; write every confirmed track at every scan to TRACKS.csv.

        GNN assignment over NCV Kalman filters, kd-tree gating, M-of-N confirmation."""
        import time

        from rich.progress import Progress

        from channelwatch.track.config import TrackerConfig
        from channelwatch.track.io import read_detections_csv, write_tracks_csv
        from channelwatch.track.scans import track_scans

        config = TrackerConfig(
            process_noise_m2s3=process_noise,
            sigma_m=sigma_m,
            pd=pd,
            clutter_density_per_m2=clutter_density,
            init_speed_sigma_ms=init_speed_sigma,
        )
        dets = read_detections_csv(detections)
        scans = list(dets.by_scan())
        # the tracker's scipy modules load before the clock starts: not a per-scan cost
        import scipy.optimize
        import scipy.sparse.csgraph
        import scipy.spatial  # noqa: F401

        cpu0 = time.process_time()
        with Progress(console=console, transient=True, disable=json_out) as progress:
            task = progress.add_task("tracking", total=len(scans))
            rows = track_scans(scans, config, on_scan=lambda _: progress.advance(task))
        cpu_s = time.process_time() - cpu0
        write_tracks_csv(out, rows)
        summary: dict[str, Any] = {
            "detections": int(dets.scan.size),
            "skipped_rows": dets.n_skipped,
            "scans": len(scans),
            "rows_written": len(rows),
            "tracks": len(set(rows.track_id.tolist())),
            "confirmed_at_last_scan": int((rows.scan == scans[-1][0]).sum()) if scans else 0,
            "cpu_ms_per_scan": round(1000.0 * cpu_s / max(len(scans), 1), 3),
            "out": str(out),
        }
        if truth is not None:
            summary.update(_score(truth, rows, [s for s, _, _ in scans]))
        if json_out:
            print_json(summary)
            return
        from rich.table import Table

        table = Table(title=f"channelwatch track → {out}", show_header=False)
        for key, value in summary.items():
            table.add_row(key, f"{value:.3f}" if isinstance(value, float) else str(value))
        console.print(table)


def _score(truth_path: Path, rows: Any, scans: list[int]) -> dict[str, float]:
    from channelwatch.track.io import read_truth_csv
    from channelwatch.track.metrics import metric_series

    truth = read_truth_csv(truth_path)
    series = metric_series(truth.scan, truth.xy, rows.scan, rows.xy, scans=scans)
    return {k: round(v, 3) for k, v in series.summary().items()}
