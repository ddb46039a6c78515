"""Anchor run for bench/drift.py: OpenDrift's Leeway on the NorKyst/AROME files.

Run as a child process by bench/drift.py (bench environment only; the product never imports
OpenDrift). Prints one JSON line: run time, peak RSS; writes the final particles to an .npz.
"""

from __future__ import annotations

import argparse
import json
import logging
import resource
import time
from datetime import datetime, timedelta
from pathlib import Path

T_START = time.perf_counter()

import numpy as np  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--particles", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", type=Path, required=True)
    a = ap.parse_args()

    from opendrift.models.leeway import Leeway
    from opendrift.readers import reader_netCDF_CF_generic

    np.random.seed(a.seed)  # OpenDrift draws from numpy's global generator
    o = Leeway(loglevel=logging.CRITICAL)
    o.add_reader(
        [
            reader_netCDF_CF_generic.Reader(str(a.data / "norkyst800_subset_16Nov2015.nc")),
            reader_netCDF_CF_generic.Reader(str(a.data / "arome_subset_16Nov2015.nc")),
        ]
    )
    o.set_config("general:coastline_action", "none")
    o.seed_elements(
        lon=4.5,
        lat=59.6,
        radius=100,
        number=a.particles,
        time=datetime(2015, 11, 16),
        object_type=26,
    )
    t0 = time.perf_counter()
    o.run(duration=timedelta(hours=48), time_step=900, time_step_output=3600)
    run_s = time.perf_counter() - t0
    status = o.result.status.values[:, -1]
    active = status == 0
    lon = o.result.lon.values[:, -1][active]
    lat = o.result.lat.values[:, -1][active]
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
