"""Crash safety: kill -9 a writer at random moments; every acknowledged entry survives.

A writer process appends real AIS sentences in batches of varying size and prints each index
once ``append_many`` has returned (acknowledged). The test kills it with SIGKILL at a random
moment, reopens the ledger, checks that every acknowledged index holds the sentence it was given,
and that the whole ledger verifies; then starts the next writer on the same file.
(This covers process death at any instant; power loss additionally relies on fsync, which
SQLite's synchronous=FULL issues at every commit and which a test cannot pull the plug on.)
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from channelwatch.ledger import Ledger

WRITER = r"""
import random, sys
from pathlib import Path
sys.path.insert(0, sys.argv[3])
from ledger_testkit import vernon_events
from channelwatch.ledger import Ledger

events = list(vernon_events(Path(sys.argv[2]), 3000))
rng = random.Random(int(sys.argv[4]))
with Ledger.open(sys.argv[1]) as led:
    print("ready", flush=True)
    k = 0
    while True:
        n = rng.choice([1, 1, 2, 5, 20, 50])
        batch = [events[(k + j) % len(events)] for j in range(n)]
        indices = led.append_many(batch) if n > 1 else [led.append(batch[0])]
        sys.stdout.write("".join(f"{i} {(k + j) % len(events)}\n" for j, i in enumerate(indices)))
        sys.stdout.flush()
        k += n
"""

ROUNDS = 12


def test_kill_9_at_random_moments_loses_no_acknowledged_entry(
    tmp_path: Path, shared_data: Path
) -> None:
    path = tmp_path / "crash.db"
    Ledger.create(path, origin="test.channelwatch/crash").close()
    rng = random.Random(20241124)
    acknowledged: dict[int, int] = {}  # index -> line of the Vernon recording
    testkit = str(Path(__file__).parent)
    for round_ in range(ROUNDS):
        proc = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path), str(shared_data), testkit, str(round_)],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.0, 0.4))
        os.kill(proc.pid, signal.SIGKILL)
        out, _ = proc.communicate(timeout=30)
        assert proc.returncode == -signal.SIGKILL
        for line in out.splitlines():
            parts = line.split()
            if len(parts) == 2:  # the last line may be cut by the kill: not acknowledged then
                acknowledged[int(parts[0])] = int(parts[1])
        with Ledger.open(path, without_key=True) as led:
            report = led.verify()
            assert report.ok, f"round {round_}: {report.summary()}"
            assert led.size >= len(acknowledged)
            for index in rng.sample(sorted(acknowledged), min(200, len(acknowledged))):
                assert led.entry(index).payload["line"] == acknowledged[index]
    with Ledger.open(path, without_key=True) as led:
        lines = {e.index: e.payload["line"] for e in led.entries()}
    assert all(lines[i] == line for i, line in acknowledged.items())
    assert len(acknowledged) > 20  # the writers did get work done between kills
