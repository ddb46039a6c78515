"""Our run for bench/drift.py: ChannelWatch's leeway model on the NorKyst/AROME files.

Run as a child process by bench/drift.py. Prints one JSON line: run time, peak RSS; writes the
final active particles to an .npz.
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

T_START = time.perf_counter()

import numpy as np  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--particles", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--land-fill", choices=("mean", "max"), default="mean")
    ap.add_argument("--out", type=Path, required=True)
    a = ap.parse_args()

    from channelwatch.drift import Forcing, GridReader, run_leeway

    t0 = time.perf_counter()
    forcing = Forcing.build(
        wind=[GridReader(a.data / "arome_subset_16Nov2015.nc", fill_method=a.land_fill)],
        current=[GridReader(a.data / "norkyst800_subset_16Nov2015.nc", fill_method=a.land_fill)],
    )
    result = run_leeway(
        forcing,
        "LIFE-RAFT-NB-1",
        59.6,
        4.5,
        datetime(2015, 11, 16, tzinfo=UTC),
        timedelta(hours=48),
        rng=np.random.default_rng(a.seed),
        n_particles=a.particles,
        radius_m=100.0,
        step=timedelta(minutes=15),
        output_step=timedelta(hours=1),
        land=None,
    )
    run_s = time.perf_counter() - t0
    lat, lon = result.cloud()
    np.savez(a.out, lat=lat, lon=lon, n_total=a.particles)
    print(
        json.dumps(
            {
                "run_s": run_s,
                "in_process_s": time.perf_counter() - T_START,
                "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
            }
        )
    )


if __name__ == "__main__":
    main()
