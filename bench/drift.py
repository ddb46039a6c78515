"""Drift benchmark: OpenDrift 1.14 Leeway and ChannelWatch side by side, in one run.

    .venv-bench/bin/python bench/drift.py [--particles 100000] [--seed 1]

Same input for both: NorKyst-800 currents and AROME winds of 16 Nov 2015
(../shared/data/drift), object class 26 LIFE-RAFT-NB-1, particles seeded at 4.5E 59.6N with a
100 m Gaussian at 2015-11-16T00Z, 48 h, 15 min step, hourly output, no stranding. Each model runs
in its own process (so each one's peak resident memory is its own); the final active clouds are
summarised by the same function (channelwatch.drift.cloud_stats).

Ours runs twice: with currents extended onto land by the neighbours' maximum, as OpenDrift's
interpolator does ("max", the like-for-like comparison), and by their mean (our default).

Goals (issue 6): centroid within 2 km of OpenDrift's; SD east/north, r50, r90 within 10 %;
at least 20x less wall time; at most a tenth of its peak memory.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from channelwatch.drift import cloud_stats
from channelwatch.geo import haversine_m

HERE = Path(__file__).resolve().parent
DATA = HERE.parent.parent / "shared" / "data" / "drift" / "norkyst_arome_16nov2015"


def _with_change(value: float, ref: float) -> str:
    return f"{value:.2f} ({100 * (value / ref - 1):+.1f}%)"


def _child(script: str, args: list[str]) -> dict[str, Any]:
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, str(HERE / script), *args], capture_output=True, text=True, check=False
    )
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr[-4000:])
        raise SystemExit(f"{script} failed with exit code {proc.returncode}")
    info: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    info["wall_s"] = wall
    return info


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--particles", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--skip-mean", action="store_true", help="Run ours only with 'max' fill.")
    a = ap.parse_args()

    runs: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        common = ["--data", str(a.data), "--particles", str(a.particles), "--seed", str(a.seed)]
        plan = [("OpenDrift", "drift_opendrift.py", [])]
        plan.append(("ours (max fill)", "drift_ours.py", ["--land-fill", "max"]))
        if not a.skip_mean:
            plan.append(("ours (mean fill)", "drift_ours.py", ["--land-fill", "mean"]))
        for label, script, extra in plan:
            out = Path(tmp) / f"{len(runs)}.npz"
            print(f"running {label} ...", file=sys.stderr, flush=True)
            info = _child(script, [*common, *extra, "--out", str(out)])
            z = np.load(out)
            info["stats"] = cloud_stats(z["lat"], z["lon"])
            runs[label] = info

    ref = runs["OpenDrift"]
    rs = ref["stats"]
    print(
        f"drift benchmark: {a.particles} particles, LIFE-RAFT-NB-1, 48 h, 15 min step, "
        f"seed {a.seed}"
    )
    header = f"{'':24s}" + "".join(f"{k:>20s}" for k in runs)
    print(header)

    def row(name: str, fmt: str, get: Any) -> None:
        print(f"{name:24s}" + "".join(f"{fmt.format(get(v)):>20s}" for v in runs.values()))

    row("active particles", "{:d}", lambda v: v["stats"].n)
    row("centroid lon", "{:.4f}", lambda v: v["stats"].centroid_lon)
    row("centroid lat", "{:.4f}", lambda v: v["stats"].centroid_lat)
    row(
        "centroid offset km",
        "{:.2f}",
        lambda v: (
            float(
                haversine_m(
                    rs.centroid_lat,
                    rs.centroid_lon,
                    v["stats"].centroid_lat,
                    v["stats"].centroid_lon,
                )
            )
            / 1000.0
        ),
    )
    for field in ("std_east_km", "std_north_km", "r50_km", "r90_km"):
        row(
            field,
            "{}",
            lambda v, f=field: _with_change(getattr(v["stats"], f), getattr(rs, f)),
        )
    row("run s", "{:.2f}", lambda v: v["run_s"])
    row("process wall s", "{:.2f}", lambda v: v["wall_s"])
    row("peak RSS MB", "{:.0f}", lambda v: v["peak_rss_mb"])
    row("wall ratio OD/this", "{:.1f}x", lambda v: ref["wall_s"] / v["wall_s"])
    row("run ratio OD/this", "{:.1f}x", lambda v: ref["run_s"] / v["run_s"])
    row("memory this/OD", "{:.3f}", lambda v: v["peak_rss_mb"] / ref["peak_rss_mb"])

    print("goals (vs OpenDrift):")
    for label, v in runs.items():
        if label == "OpenDrift":
            continue
        s = v["stats"]
        off_km = (
            float(haversine_m(rs.centroid_lat, rs.centroid_lon, s.centroid_lat, s.centroid_lon))
            / 1000
        )
        spread = max(
            abs(getattr(s, f) / getattr(rs, f) - 1)
            for f in ("std_east_km", "std_north_km", "r50_km", "r90_km")
        )
        checks = {
            "centroid <= 2 km": off_km <= 2.0,
            "spread within 10%": spread <= 0.10,
            "wall >= 20x faster": ref["wall_s"] / v["wall_s"] >= 20.0,
            "memory <= 1/10": v["peak_rss_mb"] <= ref["peak_rss_mb"] / 10.0,
        }
        print(
            f"  {label}: " + ", ".join(f"{k}: {'yes' if ok else 'NO'}" for k, ok in checks.items())
        )


if __name__ == "__main__":
    main()
