"""Benchmark: ChannelWatch's ledger beside pymerkle 7.0.0 (an RFC 9162 Merkle tree on SQLite).

Run with the bench environment (pymerkle is installed only there):

    .venv-bench/bin/python bench/ledger.py [--entries 1000000] [--appends 200000] [--json]

The entries are real AIS sentences (Seine at Vernon, shared/data/ais), recorded as the events
ingest appends: one sentence per event, cycling through the recording with a running line number
so every entry is distinct. Both sides get the same entry bytes and build the same RFC 6962 tree
(the roots are checked equal). All figures come from one run, side by side:

* durable appends per second with group commit (one transaction and fsync per batch): ours from
  Events (canonical JSON encoding included) and from pre-encoded bytes, pymerkle's bulk
  ``append_entries`` from the same bytes, and plain SQLite ``executemany`` of the same bytes in
  WAL mode with synchronous=FULL as the floor of what the storage costs. Wall and CPU time.
  pymerkle's connection is put in the same mode (WAL, synchronous=FULL: one fsync of the log
  per commit), so both pay the same durability. Ours also integrates the tree and signs a
  checkpoint at every commit; pymerkle stores leaf hashes only (its tree is built on demand).
* concurrent appenders: 8 threads calling ``append`` one event at a time, coalesced into group
  commits by the ledger, against one thread doing the same;
* verification of the whole ledger: ours recomputes every leaf hash from the entry bytes, the
  whole tree, the stored nodes and the checkpoint signatures; pymerkle's nearest operation is
  recomputing the root from its stored leaf hashes (``get_root`` on a fresh tree, cold cache),
  which checks less;
* proof latency: inclusion and consistency proofs for the same random indices (ours include
  reading the entry's leaf and verifying the proof before returning it).

The load average is printed at the start and the end (the machine may be shared: quote CPU
time beside wall time), and the last lines compare the run with the goals of issue 7.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from channelwatch.events import Event
from channelwatch.ledger import Ledger
from channelwatch.ledger.entry import encode_event

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "ais"
T0 = datetime(2016, 3, 30, 22, 0, tzinfo=UTC)


def sentences() -> list[str]:
    lines = (DATA / "ais_vernon_20160331.log").read_text(encoding="ascii", errors="replace")
    return [ln.partition(", ")[2] for ln in lines.splitlines() if ", !AIVDM" in ln]


def events(source: list[str], start: int, count: int) -> list[Event]:
    out = []
    for i in range(start, start + count):
        payload: dict[str, Any] = {"sentence": source[i % len(source)], "receiver": "vernon"}
        payload["line"] = i
        if i % 50 == 0:
            payload["case_id"] = f"CASE-{i % 997}"
        out.append(
            Event("observation.nmea", T0 + timedelta(seconds=i), "ingest:vernon", payload, "p1")
        )
    return out


def batches(source: list[str], total: int, size: int) -> Iterator[list[Event]]:
    for start in range(0, total, size):
        yield events(source, start, min(size, total - start))


class Clock:
    def __init__(self) -> None:
        self.wall = self.cpu = 0.0

    def __enter__(self) -> Clock:
        self._w, self._c = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall += time.perf_counter() - self._w
        self.cpu += time.process_time() - self._c


def pymerkle_tree(path: Path) -> Any:
    """A pymerkle SqliteTree on the same storage settings as ours: WAL, synchronous=FULL (an
    fsync of the log at every commit). pymerkle's own default is a rollback journal, also FULL."""
    import pymerkle

    tree = pymerkle.SqliteTree(str(path))
    tree.con.execute("PRAGMA journal_mode=WAL")
    tree.con.execute("PRAGMA synchronous=FULL")
    return tree


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.1f} {five:.1f} {fifteen:.1f} on {os.cpu_count()} cores"


def rate(n: int, seconds: float) -> float:
    return n / seconds if seconds > 0 else float("inf")


def bench_appends(source: list[str], tmp: Path, total: int, batch: int) -> dict[str, Any]:

    data_batches = [
        [encode_event(e) for e in chunk] for chunk in batches(source, total, batch)
    ]  # encoded outside the clocks, for the runs that take bytes
    raw = [[e.data for e in chunk] for chunk in data_batches]
    row: dict[str, Any] = {"batch": batch, "entries": total}

    with Ledger.create(tmp / f"ours-events-{batch}.db") as led:
        clock = Clock()
        for chunk in batches(source, total, batch):
            with clock:
                led.append_many(chunk)
        row["ours_events"] = (rate(total, clock.wall), rate(total, clock.cpu))
        root = led.root()
    with Ledger.create(tmp / f"ours-bytes-{batch}.db") as led:
        clock = Clock()
        for enc in data_batches:
            with clock:
                led.append_encoded(enc)
        row["ours_bytes"] = (rate(total, clock.wall), rate(total, clock.cpu))
    tree = pymerkle_tree(tmp / f"pymerkle-{batch}.db")
    clock = Clock()
    for chunk_bytes in raw:
        with clock:
            tree.append_entries(chunk_bytes)
    row["pymerkle"] = (rate(total, clock.wall), rate(total, clock.cpu))
    assert tree.get_root() == root, "pymerkle and ours disagree on the RFC 6962 root"
    tree.close()

    db = sqlite3.connect(tmp / f"plain-{batch}.db", isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("CREATE TABLE e (idx INTEGER PRIMARY KEY, entry BLOB NOT NULL)")
    clock = Clock()
    index = 0
    for chunk_bytes in raw:
        with clock:
            db.execute("BEGIN IMMEDIATE")
            db.executemany(
                "INSERT INTO e VALUES (?, ?)",
                zip(range(index, index + len(chunk_bytes)), chunk_bytes, strict=True),
            )
            db.execute("COMMIT")
        index += len(chunk_bytes)
    db.close()
    row["plain_sqlite"] = (rate(total, clock.wall), rate(total, clock.cpu))
    return row


def bench_threads(source: list[str], tmp: Path, per_thread: int, threads: int) -> dict[str, Any]:
    evs = events(source, 0, per_thread * threads)
    with Ledger.create(tmp / "single.db") as led:
        start = time.perf_counter()
        for e in evs[:per_thread]:
            led.append(e)
        single = rate(per_thread, time.perf_counter() - start)
    with Ledger.create(tmp / "threads.db") as led:
        commits = 0
        write = led.backend.write

        def counting(build: Any) -> Any:
            nonlocal commits
            commits += 1
            return write(build)

        led.backend.write = counting  # type: ignore[method-assign]

        def work(k: int) -> None:
            for e in evs[k * per_thread : (k + 1) * per_thread]:
                led.append(e)

        pool = [threading.Thread(target=work, args=(k,)) for k in range(threads)]
        start = time.perf_counter()
        for t in pool:
            t.start()
        for t in pool:
            t.join()
        many = rate(per_thread * threads, time.perf_counter() - start)
        assert led.verify().ok
    return {
        "single_thread_appends_per_s": single,
        "threads": threads,
        "threaded_appends_per_s": many,
        "threaded_entries_per_commit": per_thread * threads / max(commits, 1),
    }


def build_big(source: list[str], tmp: Path, total: int) -> tuple[Path, Path, dict[str, Any]]:
    ours_path, theirs_path = tmp / "big-ours.db", tmp / "big-pymerkle.db"
    ours_clock, theirs_clock = Clock(), Clock()
    with Ledger.create(ours_path) as led:
        tree = pymerkle_tree(theirs_path)
        for chunk in batches(source, total, 10_000):
            encoded = [encode_event(e) for e in chunk]  # both sides start from the same bytes
            with ours_clock:
                led.append_encoded(encoded)
            data = [e.data for e in encoded]
            with theirs_clock:
                tree.append_entries(data)
        tree.close()
    return (
        ours_path,
        theirs_path,
        {
            "ours_build": (rate(total, ours_clock.wall), rate(total, ours_clock.cpu)),
            "pymerkle_build": (rate(total, theirs_clock.wall), rate(total, theirs_clock.cpu)),
        },
    )


def bench_verify(ours_path: Path, theirs_path: Path, repeat: int) -> dict[str, Any]:
    """Ours and pymerkle's root computation in turn, ``repeat`` times each: medians."""
    ours: list[tuple[float, float]] = []
    theirs: list[tuple[float, float]] = []
    report = None
    for _ in range(repeat):
        clock = Clock()
        with clock, Ledger.open(ours_path, without_key=True) as led:
            report = led.verify()
        assert report.ok, report.summary()
        ours.append((clock.wall, clock.cpu))
        clock = Clock()
        with clock:
            tree = pymerkle_tree(theirs_path)  # a fresh tree: pymerkle's cache is cold
            root = tree.get_root()
        tree.close()
        assert root == report.root, "pymerkle and ours disagree on the root"
        theirs.append((clock.wall, clock.cpu))
    assert report is not None
    two = Clock()
    with two, Ledger.open(ours_path, without_key=True) as led:
        assert led.verify(workers=2) == report
    deep = Clock()
    with deep, Ledger.open(ours_path, without_key=True) as led:
        assert led.verify(deep=True).ok
    return {
        "entries": report.size,
        "ours_verify_s": statistics.median(w for w, _ in ours),
        "ours_verify_cpu_s": statistics.median(c for _, c in ours),
        "pymerkle_root_s": statistics.median(w for w, _ in theirs),
        "pymerkle_root_cpu_s": statistics.median(c for _, c in theirs),
        "ours_verify_2_workers_s": two.wall,
        "ours_deep_verify_s": deep.wall,
        "ours_deep_verify_cpu_s": deep.cpu,
    }


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[int(0.95 * (len(ordered) - 1))]


def bench_proofs(ours_path: Path, theirs_path: Path, count: int) -> dict[str, Any]:
    import pymerkle

    rng = random.Random(1)
    with Ledger.open(ours_path, without_key=True) as led:
        n = led.size
        indices = [rng.randrange(n) for _ in range(count)]
        olds = [rng.randrange(1, n) for _ in range(count)]
        ours_inc, ours_con = [], []
        for i, old in zip(indices, olds, strict=True):
            t = time.perf_counter()
            led.prove_inclusion(i)
            ours_inc.append(time.perf_counter() - t)
            t = time.perf_counter()
            led.prove_consistency(old)
            ours_con.append(time.perf_counter() - t)
    tree = pymerkle_tree(theirs_path)
    theirs_inc, theirs_con = [], []
    for i, old in zip(indices, olds, strict=True):
        t = time.perf_counter()
        proof = tree.prove_inclusion(i + 1)  # pymerkle counts leaves from one
        theirs_inc.append(time.perf_counter() - t)
        t = time.perf_counter()
        tree.prove_consistency(old)
        theirs_con.append(time.perf_counter() - t)
    pymerkle.verify_inclusion(tree.get_leaf(indices[-1] + 1), tree.get_root(), proof)
    tree.close()
    out: dict[str, Any] = {"proofs": count, "tree_size": n}
    for name, samples in [
        ("ours_inclusion", ours_inc),
        ("pymerkle_inclusion", theirs_inc),
        ("ours_consistency", ours_con),
        ("pymerkle_consistency", theirs_con),
    ]:
        med, p95 = percentiles(samples)
        out[name + "_ms"] = (med * 1e3, p95 * 1e3)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--entries", type=int, default=1_000_000, help="size of the big ledger")
    parser.add_argument("--appends", type=int, default=200_000, help="entries per append run")
    parser.add_argument("--proofs", type=int, default=1000)
    parser.add_argument(
        "--dir",
        type=Path,
        default=Path("."),
        help="where the temporary ledgers go (a real disk: "
        "on tmpfs an fsync costs nothing and durable rates mean little)",
    )
    parser.add_argument("--verify-repeat", type=int, default=3, help="verify runs (medians)")
    parser.add_argument(
        "--batches", default="100,1000,10000", help="append batch sizes, comma-separated"
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    source = sentences()
    results: dict[str, Any] = {"appends": [], "entries": args.entries}
    with tempfile.TemporaryDirectory(prefix="cw-bench-ledger-", dir=args.dir) as tmpdir:
        tmp = Path(tmpdir)
        print(f"{len(source)} real AIS sentences; temporary files in {tmp}", file=sys.stderr)
        results["load_start"] = os.getloadavg()
        print(f"at start: {load()}")
        for batch in [int(b) for b in args.batches.split(",")]:
            row = bench_appends(source, tmp, args.appends, batch)
            results["appends"].append(row)
            print(f"appends in batches of {batch:,} (entries/s, wall | per CPU second):")
            for name in ("ours_events", "ours_bytes", "pymerkle", "plain_sqlite"):
                wall, cpu = row[name]
                print(f"  {name:<13} {wall:>10,.0f} | {cpu:>10,.0f}")
            ours, theirs = row["ours_bytes"], row["pymerkle"]
            print(
                f"  ratio ours(bytes)/pymerkle: wall {ours[0] / theirs[0]:.2f}, "
                f"cpu {ours[1] / theirs[1]:.2f}"
            )
        threads = bench_threads(source, tmp, 300, 8)
        results["threads"] = threads
        print(
            f"single appends: 1 thread {threads['single_thread_appends_per_s']:,.0f}/s; 8 threads "
            f"{threads['threaded_appends_per_s']:,.0f}/s, "
            f"{threads['threaded_entries_per_commit']:.1f} entries per commit"
        )
        ours_path, theirs_path, build = build_big(source, tmp, args.entries)
        results["build"] = build
        (ow, oc), (tw, tc) = build["ours_build"], build["pymerkle_build"]
        print(
            f"build {args.entries:,} from the same bytes in batches of 10,000 (entries/s, wall | "
            f"per CPU second): ours {ow:,.0f} | {oc:,.0f}; pymerkle {tw:,.0f} | {tc:,.0f}"
        )
        verify = bench_verify(ours_path, theirs_path, args.verify_repeat)
        results["verify"] = verify
        print(
            f"verify {verify['entries']:,} (median of {args.verify_repeat}): ours "
            f"{verify['ours_verify_s']:.2f} s wall, {verify['ours_verify_cpu_s']:.2f} s cpu | "
            f"pymerkle root only {verify['pymerkle_root_s']:.2f} s wall, "
            f"{verify['pymerkle_root_cpu_s']:.2f} s cpu | ratio ours/pymerkle wall "
            f"{verify['ours_verify_s'] / verify['pymerkle_root_s']:.2f}, cpu "
            f"{verify['ours_verify_cpu_s'] / verify['pymerkle_root_cpu_s']:.2f}"
        )
        print(
            f"  ours with 2 processes {verify['ours_verify_2_workers_s']:.2f} s wall; deep "
            f"{verify['ours_deep_verify_s']:.2f} s wall, "
            f"{verify['ours_deep_verify_cpu_s']:.2f} s cpu"
        )
        proofs = bench_proofs(ours_path, theirs_path, args.proofs)
        results["proofs"] = proofs
        for kind in ("inclusion", "consistency"):
            o, t = proofs[f"ours_{kind}_ms"], proofs[f"pymerkle_{kind}_ms"]
            print(
                f"{kind} proof at {proofs['tree_size']:,}: ours median {o[0]:.3f} ms (p95 "
                f"{o[1]:.3f}) | pymerkle median {t[0]:.3f} ms (p95 {t[1]:.3f}) | ratio "
                f"{o[0] / t[0]:.2f}"
            )
        results["load_end"] = os.getloadavg()
        print(f"at end: {load()}")
        goals(results)
    if args.json:
        print(json.dumps(results))
    return 0


def goals(results: dict[str, Any]) -> None:
    """The goals of issue 7 against this run, on CPU time (one core) and on wall time."""
    big = max(results["appends"], key=lambda r: r["batch"])
    for name in ("ours_events", "ours_bytes"):
        wall, cpu = big[name]
        print(
            f"goal >= 50,000 durable appends/s ({name}, batches of {big['batch']:,}): "
            f"{wall:,.0f}/s wall {'met' if wall >= 50_000 else 'NOT met'}, {cpu:,.0f} per "
            f"CPU-second {'met' if cpu >= 50_000 else 'NOT met'}"
        )
    v = results["verify"]
    scale = 1_000_000 / v["entries"]
    wall, cpu = v["ours_verify_s"] * scale, v["ours_verify_cpu_s"] * scale
    print(
        f"goal verify 1,000,000 <= 5 s: {wall:.2f} s wall {'met' if wall <= 5 else 'NOT met'}, "
        f"{cpu:.2f} s cpu {'met' if cpu <= 5 else 'NOT met'}"
        + ("" if scale == 1 else f" (scaled from {v['entries']:,})")
    )


if __name__ == "__main__":
    sys.exit(main())
