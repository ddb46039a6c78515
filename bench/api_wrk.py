"""Server throughput and latency measured with wrk (Debian's C load generator), ours against a
bare FastAPI endpoint, in one run.

bench/api_load.py drives the servers from Python, which takes about a core of this 2-core
machine for itself; wrk needs a fraction of that, so the servers get more of the machine. wrk
is closed loop (each connection sends its next request when the answer comes): the figures are
the rate each server answers at C connections and the latency at that rate. The same plots go
to both servers (bench/api_wrk.lua: one radar plot per request, 500 boats); ours records each in
the ledger (fsync) and the store and tracks it before the picture is sent; the bare endpoint
only validates the body.

Needs ``wrk`` (``apt-get install wrk``). Run:
``.venv-bench/bin/python bench/api_wrk.py [--seconds 10] [--connections 8 16 32 64]``.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from api_load import two_servers

HERE = Path(__file__).resolve().parent
_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    m = re.fullmatch(r"([\d.]+)(us|ms|s)", text)
    if m is None:
        raise ValueError(f"not a wrk duration: {text!r}")
    return float(m.group(1)) * _UNITS_MS[m.group(2)]


def run_wrk(base: str, connections: int, seconds: float, token: str) -> dict[str, float]:
    out = subprocess.run(
        [
            "wrk",
            "-t1",
            f"-c{connections}",
            f"-d{seconds:g}s",
            "--latency",
            "-s",
            str(HERE / "api_wrk.lua"),
            base,
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "TOKEN": token},
        check=True,
    ).stdout
    pct = dict(re.findall(r"^\s+(50|90|99)%\s+(\S+)$", out, re.M))
    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    total = re.search(r"(\d+) requests in", out)
    if rate is None or total is None or not pct:
        raise RuntimeError(f"wrk output not understood:\n{out}")
    return {
        "rate": float(rate.group(1)),
        "p50_ms": _ms(pct["50"]),
        "p90_ms": _ms(pct["90"]),
        "p99_ms": _ms(pct["99"]),
        "requests": float(total.group(1)),
        "errors": float(bad.group(1)) if bad else 0.0,
    }


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seconds", type=float, default=10.0)
    p.add_argument("--connections", type=int, nargs="+", default=[8, 16, 32, 64])
    args = p.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed (apt-get install wrk)")
    with two_servers("cw-wrk-") as servers:
        print(
            f"{'connections':>11} {'server':>6} {'reports/s':>10} {'p50 ms':>7} {'p90 ms':>7} "
            f"{'p99 ms':>7} {'errors':>6}"
        )
        for c in args.connections:
            row = {}
            for name, url, tok in (
                ("bare", servers.bare_base, ""),
                ("ours", servers.base, servers.token),
            ):
                r = run_wrk(url, c, args.seconds, tok)
                row[name] = r
                print(
                    f"{c:>11} {name:>6} {r['rate']:>10,.0f} {r['p50_ms']:>7.1f} "
                    f"{r['p90_ms']:>7.1f} {r['p99_ms']:>7.1f} {r['errors']:>6.0f}",
                    flush=True,
                )
            print(f"{c:>11} ratio ours/bare {row['ours']['rate'] / row['bare']['rate']:.2f}")


if __name__ == "__main__":
    main()
