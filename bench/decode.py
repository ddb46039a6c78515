"""Benchmark: ChannelWatch's AIS decoder beside pyais on the two Vernon shore-receiver logs.

    .venv-bench/bin/python bench/decode.py [--repeat 5] [--json]

Both decode the same files in the same process, in turn (pyais, ours, pyais, ours, ...), and
the best of ``--repeat`` runs of each is kept, so machine noise hits both alike. Two workloads:

- stats: what ``channelwatch decode --stats`` does. pyais: its own ``FileReaderStream`` with a
  preprocessor that drops the 21-byte line prefix, ``decode()`` of every message, counts by
  type. Ours: read the file, decode every message (numpy bulk path for the common types, pyais
  for the rest), counts by type and error kind.
- dicts: the same plus one dictionary per message (pyais ``asdict(enum_as_int=True)``; ours the
  same fields plus time and source), as ``decode --jsonl`` needs before JSON encoding.

Throughput is decoded messages per second of wall time. The ratio is pyais's time over ours
for the same files (best against best, and the median of the run-by-run ratios); pyais's count
includes the sentences that fail their checksum, which it decodes and we skip.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from channelwatch.ingest.decoder import NmeaDecoder
from channelwatch.ingest.sources import read_chunks
from decode_pyais import StripPrefix

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "ais"
FILES = (DATA / "ais_vernon_20160331.log", DATA / "ais_vernon_20160401.log")


def pyais_run(files: tuple[Path, ...], dicts: bool) -> int:
    from pyais.stream import FileReaderStream

    n = 0
    for path in files:
        for msg in FileReaderStream(str(path), preprocessor=StripPrefix()):
            try:
                decoded = msg.decode()
            except Exception:
                continue
            if dicts:
                decoded.asdict(enum_as_int=True)
            n += 1
    return n


def ours_run(files: tuple[Path, ...], dicts: bool) -> int:
    n = 0
    for path in files:
        dec = NmeaDecoder(source=path.name)
        for chunk in read_chunks(path):
            batch = dec.feed(chunk)
            if dicts:
                for _ in batch.dicts():
                    pass
        batch = dec.flush()
        if dicts:
            for _ in batch.dicts():
                pass
        n += dec.stats.decoded
    return n


def best_of(fn: Callable[[], int], results: list[float]) -> int:
    t0 = time.perf_counter()
    n = fn()
    results.append(time.perf_counter() - t0)
    return n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    pyais_run(FILES[:1], False)  # warm both up (imports, caches)
    ours_run(FILES[:1], False)
    report: dict[str, Any] = {"files": [p.name for p in FILES]}
    for workload, dicts in (("stats", False), ("dicts", True)):
        t_pyais: list[float] = []
        t_ours: list[float] = []
        for _ in range(args.repeat):
            n_pyais = best_of(lambda d=dicts: pyais_run(FILES, d), t_pyais)
            n_ours = best_of(lambda d=dicts: ours_run(FILES, d), t_ours)
        # pyais also decodes the sentences that fail their checksum (391 here); we skip them.
        ratios = sorted(a / b for a, b in zip(t_pyais, t_ours, strict=True))
        report[workload] = {
            "messages_pyais": n_pyais,
            "messages_ours": n_ours,
            "pyais_msg_per_s": round(n_pyais / min(t_pyais)),
            "ours_msg_per_s": round(n_ours / min(t_ours)),
            "ratio_best": round(min(t_pyais) / min(t_ours), 2),
            "ratio_median_pairs": round(ratios[len(ratios) // 2], 2),
        }
    if args.json:
        print(json.dumps(report))
        return
    print(f"AIS decode, {', '.join(report['files'])}, best of {args.repeat}, one process")
    for workload in ("stats", "dicts"):
        r = report[workload]
        print(
            f"  {workload:5s}: pyais {r['messages_pyais']} msgs {r['pyais_msg_per_s']:>9,} msg/s"
            f"  ours {r['messages_ours']} msgs {r['ours_msg_per_s']:>9,} msg/s"
            f"  ratio {r['ratio_best']:.2f}x"
            f" (median of pairs {r['ratio_median_pairs']:.2f}x)"
        )


if __name__ == "__main__":
    main()
