"""The load goal, open loop: contact reports offered at a fixed rate, one per request, ours
against a bare FastAPI endpoint, in one run.

The generator is bench/loadgen.c (compiled here with gcc): request k falls due at k / R seconds
whatever the server does, goes out on the first idle keep-alive connection, and its latency is
counted from when it fell due, so a server that falls behind is charged for the wait (no
coordinated omission). It needs a few percent of a core, which leaves the servers the machine.
The plots are those of bench/api_wrk.lua; ours records each in the ledger (fsync, signed
checkpoint per group commit), stores and tracks it before the picture is sent; the bare endpoint
only validates the body. CPU per report is read from /proc for each server's processes.

With ``--plots 10 50`` the same report rates are offered as radar sweeps (POST
/api/contacts/batch, one sweep of N plots per request; latency is per sweep).

Run: ``.venv-bench/bin/python bench/api_open.py [--seconds 20] [--rates 1000 2000 2500]
[--connections 64] [--plots 1 10 50] [--repeat 1]``.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from api_load import children_cpu_s, cpu_s, two_servers

HERE = Path(__file__).resolve().parent


def build_loadgen(out: Path) -> Path:
    exe = out / "loadgen"
    subprocess.run(
        ["gcc", "-O2", "-Wall", "-o", str(exe), str(HERE / "loadgen.c")],
        check=True,
    )
    return exe


def run(
    exe: Path, port: int, token: str, rate: float, seconds: float, conns: int, plots: int
) -> dict[str, float]:
    """One load phase: ``rate`` reports/s offered, one per request or in sweeps of ``plots``."""
    path = "/api/contacts" if plots == 1 else "/api/contacts/batch"
    out = subprocess.run(
        [
            str(exe),
            "127.0.0.1",
            str(port),
            path,
            token,
            f"{rate / plots:g}",
            f"{seconds:g}",
            str(conns),
            str(plots),
        ],
        capture_output=True,
        text=True,
    )
    if out.returncode != 0:
        raise RuntimeError(f"loadgen failed: {out.stderr.strip()}")
    return {k: float(v) for k, v in (kv.split("=") for kv in out.stdout.split())}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seconds", type=float, default=20.0)
    p.add_argument("--rates", type=float, nargs="+", default=[1000.0, 2000.0, 2500.0])
    p.add_argument("--connections", type=int, default=64)
    p.add_argument("--repeat", type=int, default=1)
    p.add_argument(
        "--plots",
        type=int,
        nargs="+",
        default=[1],
        help="plots per request: 1 (POST /api/contacts) or a radar sweep (POST .../batch)",
    )
    args = p.parse_args()
    if shutil.which("gcc") is None:
        sys.exit("gcc is needed to build bench/loadgen.c")
    with two_servers("cw-open-") as servers:
        exe = build_loadgen(servers.tmp)
        print(
            f"{'plots':>5} {'offered/s':>9} {'server':>6} {'reports/s':>9} {'p50 ms':>7} "
            f"{'p90 ms':>7} {'p99 ms':>7} {'p99.9 ms':>8} {'max ms':>7} {'non-2xx':>7} "
            f"{'CPU µs/report':>13}"
        )
        runs = [
            ("bare", servers.bare, servers.bare_port, ""),
            ("ours", servers.ours, servers.ours_port, servers.token),
        ]
        for _ in range(args.repeat):
            for plots in args.plots:
                for rate in args.rates:
                    for name, proc, port, tok in runs:
                        if plots > 1 and name == "bare":
                            continue  # the bare endpoint takes one plot per request
                        c0 = cpu_s(proc.pid) + children_cpu_s(proc.pid)
                        r = run(exe, port, tok, rate, args.seconds, args.connections, plots)
                        reports = r["done"] * plots
                        c1 = cpu_s(proc.pid) + children_cpu_s(proc.pid)
                        cpu_us = 1e6 * (c1 - c0) / max(reports, 1.0)
                        print(
                            f"{plots:>5} {rate:>9,.0f} {name:>6} {r['rate'] * plots:>9,.0f} "
                            f"{r['p50_ms']:>7.1f} {r['p90_ms']:>7.1f} {r['p99_ms']:>7.1f} "
                            f"{r['p999_ms']:>8.1f} {r['max_ms']:>7.1f} {r['errors']:>7.0f} "
                            f"{cpu_us:>13.0f}",
                            flush=True,
                        )


if __name__ == "__main__":
    main()
