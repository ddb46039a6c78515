"""Dask scaling: the same work on a LocalCluster of 1 worker and of 2 workers (processes, one
thread each), side by side in one run, with the plain one-process path as the baseline.

Workloads:
* archive build: the two Vernon AIS days (../shared/data/ais), copied ``--copies`` times (4
  inputs by default), one task per file;
* archive stats: the archive just built, one task per day;
* drift ensemble: 8 scenarios (LIFE-RAFT-NB-1 and PIW-1 from four release points) of 5,000
  particles over 24 h on the NorKyst-800 / AROME forcing (../shared/data/drift), one task each.

Each configuration runs ``--repeat`` times (a fresh cluster each time), the three in a rotating
order so that drift in the machine's load hits all. Printed: the best and the median wall time,
the CPU seconds spent (by the workers, or by the one process), "cores used" (CPU seconds over
wall time: what the machine actually gave, 2.0 at most here), and the speedup of 2 workers over
1. Cluster start-up and the workers' imports are timed apart (paid once per job, not per task);
each worker still opens the forcing files and builds their index tables on its first drift task,
as a real job does. The machine has 2 cores shared with other work: read the ratios and the
cores used, not the seconds.

    .venv-bench/bin/python bench/dask_scaling.py [--repeat 6] [--particles 5000] [--hours 24]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("CHANNELWATCH_SHARED_DATA", REPO.parent / "shared" / "data"))


def scenarios(particles: int, hours: float) -> list[Any]:
    from channelwatch.scale.ensemble import parse_scenarios

    d = DATA / "drift" / "norkyst_arome_16nov2015"
    doc = {
        "defaults": {
            "hours": hours,
            "particles": particles,
            "radius_m": 100,
            "start": "2015-11-16T00:00Z",
            "wind": [str(d / "arome_subset_16Nov2015.nc")],
            "current": [str(d / "norkyst800_subset_16Nov2015.nc")],
            "seed": 1,
        },
        "scenarios": [
            {"id": "a", "lat": 59.6, "lon": 4.5},
            {"id": "b", "lat": 59.9, "lon": 4.6},
            {"id": "c", "lat": 60.2, "lon": 4.7},
            {"id": "d", "lat": 60.5, "lon": 4.6},
        ],
        "sweep": {"object_class": ["LIFE-RAFT-NB-1", "PIW-1"]},
    }
    return parse_scenarios(doc, d)


def warm() -> None:
    """Import what the tasks use (a worker's first task would otherwise pay for it)."""
    import channelwatch.drift
    import channelwatch.ingest.sources
    import channelwatch.scale.archive
    import channelwatch.scale.ensemble
    import channelwatch.scale.stats  # noqa: F401


def build_serial(files: list[Path], out: Path) -> None:
    from channelwatch.scale.archive import build_one

    for f in files:
        build_one(str(f), str(out))


def stats_serial(archive: Path) -> None:
    from channelwatch.scale.stats import combine, day_partials, days_of

    combine([day_partials(str(archive), d) for d in days_of(archive)])


def cpu_seconds() -> float:
    """CPU time (user + system) of this process so far."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def timed(fn: Callable[[], Any], client: Any = None) -> tuple[float, float]:
    """(wall seconds, CPU seconds used by the workers, or by this process without a client)."""

    def used() -> float:
        return sum(client.run(cpu_seconds).values()) if client is not None else cpu_seconds()

    c0 = used()
    t = time.perf_counter()
    fn()
    wall = time.perf_counter() - t
    return wall, used() - c0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=6)
    ap.add_argument("--particles", type=int, default=5000)
    ap.add_argument("--hours", type=float, default=24.0)
    ap.add_argument("--copies", type=int, default=2, help="copies of the two AIS days")
    args = ap.parse_args()

    from channelwatch.scale.archive import build_archive
    from channelwatch.scale.cluster import dask_client
    from channelwatch.scale.ensemble import _forcing, run_ensemble, run_serial
    from channelwatch.scale.stats import archive_stats

    days = [DATA / "ais" / f"ais_vernon_2016{d}.log" for d in ("0331", "0401")]
    runs = scenarios(args.particles, args.hours)
    tmp = Path(tempfile.mkdtemp(prefix="cw-dask-bench-"))
    files: list[Path] = []
    for c in range(args.copies):  # copies at other paths are other inputs (other file names)
        (tmp / f"in{c}").mkdir()
        for d in days:
            files.append(Path(shutil.copy(d, tmp / f"in{c}" / d.name)))
    times: dict[str, dict[str, list[float]]] = {}
    cores: dict[str, dict[str, list[float]]] = {}
    cpus: dict[str, dict[str, list[float]]] = {}

    def record(job: str, config: str, measured: tuple[float, float]) -> None:
        wall, cpu = measured
        times.setdefault(job, {}).setdefault(config, []).append(wall)
        cores.setdefault(job, {}).setdefault(config, []).append(cpu / wall)
        cpus.setdefault(job, {}).setdefault(config, []).append(cpu)

    # Each round runs the three configurations, in a rotating order so that drift in the
    # machine's load hits all three: the plain process (no Dask at all, the same functions the
    # tasks run), a LocalCluster of 1 worker, and one of 2 workers.
    warm()
    startup: dict[str, list[float]] = {}
    configs = ["serial", "1 worker", "2 workers"]
    for k in range(args.repeat):
        for config in configs[k % 3 :] + configs[: k % 3]:
            if config == "serial":
                serial_dir = tmp / f"serial-{k}.parquet"
                serial_dir.mkdir()
                record("archive build", config, timed(partial(build_serial, files, serial_dir)))
                record("archive stats", config, timed(partial(stats_serial, serial_dir)))
                _forcing.cache_clear()  # open the files anew, as a fresh worker does
                record("drift ensemble", config, timed(partial(run_serial, runs)))
                continue
            workers = int(config[0])
            t = time.perf_counter()
            with dask_client(workers=workers) as client:
                client.run(warm)  # imports paid before the clock starts, as in the serial runs
                startup.setdefault(config, []).append(time.perf_counter() - t)
                out = tmp / f"{workers}w-{k}.parquet"
                job = partial(build_archive, files, out, client)
                record("archive build", config, timed(job, client))
                record("archive stats", config, timed(partial(archive_stats, out, client), client))
                record("drift ensemble", config, timed(partial(run_ensemble, runs, client), client))

    load = os.getloadavg()
    print(
        f"Dask scaling, {args.repeat} runs each; {len(files)} AIS inputs; {len(runs)} drift "
        f"scenarios x {args.particles} particles x {args.hours:g} h; load average "
        f"{load[0]:.1f} {load[1]:.1f} {load[2]:.1f}; {os.cpu_count()} CPUs"
    )
    print(
        "cluster start-up with imports (median): "
        + ", ".join(f"{c} {statistics.median(v):.1f} s" for c, v in startup.items())
    )
    print(
        f"{'job':16} {'config':10} {'best s':>8} {'median s':>9} {'CPU s (median)':>15} "
        f"{'cores used (median)':>20}"
    )
    for job, by in times.items():
        for config, v in by.items():
            used = statistics.median(cores[job][config])
            cpu = statistics.median(cpus[job][config])
            print(
                f"{job:16} {config:10} {min(v):8.2f} {statistics.median(v):9.2f} {cpu:15.2f} "
                f"{used:20.2f}"
            )
        one, two = by["1 worker"], by["2 workers"]
        print(
            f"{job:16} speedup 2 vs 1 worker: best {min(one) / min(two):.2f}x, "
            f"median {statistics.median(one) / statistics.median(two):.2f}x; "
            f"1 worker vs serial (Dask overhead): median "
            f"{statistics.median(one) / statistics.median(by['serial']):.2f}x"
        )


if __name__ == "__main__":
    main()
