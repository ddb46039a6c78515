"""The ledger on its embedded SQLite store: appending, reading, proofs, cases, concurrency."""

from __future__ import annotations

import itertools
import random
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ledger_testkit import Reference

from channelwatch.events import Event, EventSink
from channelwatch.ledger import Ledger, LedgerError, LedgerInputError, merkle
from channelwatch.ledger.errors import KeyFileError, LedgerStorageError
from channelwatch.ledger.proofs import verify_consistency, verify_inclusion
from channelwatch.ledger.store_sqlite import leaf_runs

T0 = datetime(2024, 11, 24, 1, 0, tzinfo=UTC)


def test_a_ledger_is_an_event_sink(ledger: Ledger) -> None:
    assert isinstance(ledger, EventSink)


def test_real_events_are_recorded_in_order_and_survive_reopening(
    tmp_path: Path, real_events: list[Event]
) -> None:
    path = tmp_path / "record.db"
    with Ledger.create(path) as led:
        assert led.append(real_events[0]) == 0
        assert led.append_many(real_events[1:1000]) == list(range(1, 1000))
        assert led.append_many(real_events[1000:]) == list(range(1000, 2000))
        assert led.append_many([]) == []
    with Ledger.open(path) as led:
        assert led.size == 2000
        back = led.entries(0, 2000)
        assert [e.to_event() for e in back] == real_events
        assert led.entry(1234).to_event() == real_events[1234]
        checkpoint = led.latest_checkpoint()
        assert checkpoint.size == 2000
        assert checkpoint.root == Reference([e.data for e in back]).mth()
        assert led.verify().ok


def test_proofs_from_the_store_match_the_reference(
    ledger: Ledger, real_events: list[Event]
) -> None:
    rng = random.Random(7)
    sizes = []
    for start in range(0, len(real_events), 333):
        ledger.append_many(real_events[start : start + 333])
        sizes.append(ledger.size)
    ref = Reference([e.data for e in ledger.entries()])
    n = ledger.size
    for _ in range(40):
        size = rng.choice([*sizes, rng.randint(1, n)])
        index = rng.randrange(size)
        proof = ledger.prove_inclusion(index, size)
        assert list(proof.path) == ref.path(index, 0, size)
        assert proof.root == ref.mth(0, size) == ledger.root(size)
        assert verify_inclusion(index, size, proof.leaf, proof.path, proof.root)
        old = rng.randint(0, size)
        consistency = ledger.prove_consistency(old, size)
        assert list(consistency.path) == (ref.proof(old, size) if old > 0 else [])
        assert verify_consistency(old, size, ref.mth(0, old), ref.mth(0, size), consistency.path)
    with pytest.raises(LedgerInputError, match="outside"):
        ledger.prove_inclusion(n)
    with pytest.raises(LedgerInputError, match="tree size"):
        ledger.prove_inclusion(0, n + 1)


def test_case_index_finds_exactly_the_case_entries(
    ledger: Ledger, real_events: list[Event]
) -> None:
    ledger.append_many(real_events)
    for case in ("CASE-0", "CASE-3"):
        expected = [i for i, e in enumerate(real_events) if e.payload.get("case_id") == case]
        assert expected and ledger.case_indices(case) == expected
        assert [e.index for e in ledger.case_entries(case)] == expected
    assert ledger.case_indices("CASE-none") == []


def test_case_index_takes_only_the_payloads_own_case_id(ledger: Ledger) -> None:
    """The index is partial on a byte search for the key: look-alikes elsewhere in an entry
    (a nested key, the text inside a string, the actor) are not the case id."""
    payloads = [
        {"case_id": "C-1"},
        {"note": {"case_id": "C-1"}},
        {"text": '"case_id":"C-1"'},
        {"case_id": "C-2", "inner": {"case_id": "C-1"}},
        {"case_id": "C-1", "n": 2},
    ]
    ledger.append_many([Event("t", T0, "a", p) for p in payloads])
    ledger.append(Event("t", T0, '"case_id":"C-1"', {}))
    assert ledger.case_indices("C-1") == [0, 4]
    assert ledger.case_indices("C-2") == [3]


def test_a_bad_event_rejects_its_call_and_loses_nothing_accepted(ledger: Ledger) -> None:
    ok = Event("t", T0, "a", {"n": 1})
    assert ledger.append(ok) == 0
    with pytest.raises(LedgerInputError, match="NaN"):
        ledger.append_many([ok, Event("t", T0, "a", {"x": float("nan")})])
    with pytest.raises(LedgerInputError, match="case_id"):
        ledger.append(Event("t", T0, "a", {"case_id": 5}))
    assert ledger.size == 1
    assert ledger.append(ok) == 1
    assert ledger.verify().ok


def test_published_checkpoints_are_kept_and_consistent(ledger: Ledger) -> None:
    for i in range(5):
        ledger.append_many([Event("t", T0, "a", {"n": i, "k": j}) for j in range(i * 50 + 1)])
        ledger.checkpoint()
    published = ledger.checkpoints()
    assert [c.size for c in published] == [1, 52, 153, 304, 505]
    for old, new in itertools.pairwise(published):
        proof = ledger.prove_consistency(old.size, new.size)
        assert verify_consistency(old.size, new.size, old.root, new.root, proof.path)
    report = ledger.verify()
    assert report.ok and report.checkpoints_checked == 6


def test_concurrent_appends_are_coalesced_into_one_commit(ledger: Ledger) -> None:
    """While one commit is under way, appends from other threads queue and go in the next
    commit together (group commit); each caller gets its own index back."""
    release = threading.Event()
    commits: list[int] = []
    write = ledger.backend.write

    def slow_write(build):  # type: ignore[no-untyped-def]
        if not commits:
            release.wait(10)
        state = write(build)
        commits.append(state.size)
        return state

    ledger.backend.write = slow_write  # type: ignore[method-assign]
    results: dict[int, int] = {}

    def worker(n: int) -> None:
        results[n] = ledger.append(Event("t", T0, f"thread-{n}", {"n": n}))

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(9)]
    threads[0].start()
    while not ledger._committing:
        time.sleep(0.001)
    for t in threads[1:]:
        t.start()
    while len(ledger._queue) < 8:
        time.sleep(0.001)
    release.set()
    for t in threads:
        t.join(10)
    assert commits == [1, 9]
    assert sorted(results.values()) == list(range(9))
    for n, index in results.items():
        assert ledger.entry(index).actor == f"thread-{n}"


def test_many_threads_appending_at_once(ledger: Ledger) -> None:
    def worker(n: int, out: list[int]) -> None:
        for k in range(40):
            if k % 10 == 0:
                out.extend(
                    ledger.append_many(
                        [Event("t", T0, f"w{n}", {"k": k, "j": j}) for j in range(3)]
                    )
                )
            else:
                out.append(ledger.append(Event("t", T0, f"w{n}", {"k": k})))

    outs: list[list[int]] = [[] for _ in range(6)]
    threads = [threading.Thread(target=worker, args=(n, outs[n])) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    every = sorted(i for out in outs for i in out)
    assert every == list(range(6 * (36 + 12)))
    for n, out in enumerate(outs):
        assert out == sorted(out)  # a thread's own appends keep their order
        assert {ledger.entry(i).actor for i in out} == {f"w{n}"}
    assert ledger.verify().ok


WRITER = """
import sys
from datetime import UTC, datetime
from channelwatch.events import Event
from channelwatch.ledger import Ledger
name, count = sys.argv[2], int(sys.argv[3])
t = datetime(2024, 11, 24, tzinfo=UTC)
with Ledger.open(sys.argv[1]) as led:
    k = 0
    while k < count:
        n = min(1 + k % 4, count - k)
        batch = [Event("t", t, name, {"k": k + j}) for j in range(n)]
        for i in led.append_many(batch):
            print(i, flush=True)
        k += n
"""


def test_several_processes_write_to_one_file(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    Ledger.create(path).close()
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path), f"p{n}", "120"],
            stdout=subprocess.PIPE,
            text=True,
        )
        for n in range(3)
    ]
    outs = [p.communicate(timeout=120)[0].split() for p in procs]
    assert all(p.returncode == 0 for p in procs)
    with Ledger.open(path) as led:
        assert led.size == 360
        assert sorted(int(i) for out in outs for i in out) == list(range(360))
        for n, out in enumerate(outs):
            entries = [led.entry(int(i)) for i in out]
            assert {e.actor for e in entries} == {f"p{n}"}
            assert [e.payload["k"] for e in entries] == list(range(120))
        assert led.verify().ok


def test_opening_rules(tmp_path: Path) -> None:
    path = tmp_path / "r.db"
    Ledger.create(path).close()
    with pytest.raises(LedgerStorageError, match="already exists"):
        Ledger.create(path)
    with pytest.raises(LedgerStorageError, match="no ledger"):
        Ledger.open(tmp_path / "missing.db")
    not_ledger = tmp_path / "other.db"
    not_ledger.write_bytes(b"hello, not sqlite" * 100)
    with pytest.raises(LedgerStorageError):
        Ledger.open(not_ledger)
    with (
        Ledger.open(path, without_key=True) as led,
        pytest.raises(LedgerError, match="signing key"),
    ):
        led.append(Event("t", T0, "a"))
    other = tmp_path / "other-ledger.db"
    Ledger.create(other).close()
    with pytest.raises(KeyFileError, match="not this ledger's key"):
        Ledger.open(path, key_path=Path(f"{other}.key"))
    Path(f"{path}.key").chmod(0o644)
    with pytest.raises(KeyFileError, match="mode 0644"):
        Ledger.open(path)


@settings(max_examples=25, deadline=None)
@given(
    commits=st.lists(st.integers(1, 600), min_size=1, max_size=6),
    ranges=st.lists(st.tuples(st.integers(0, 3000), st.integers(0, 600)), max_size=8),
)
def test_leaf_hashes_read_back_from_their_runs_over_any_commits(
    tmp_path_factory: pytest.TempPathFactory,
    real_events: list[Event],
    commits: list[int],
    ranges: list[tuple[int, int]],
) -> None:
    """Leaf hashes are stored in runs (one per commit and tile of 256); any range read back is
    exactly the hashes of those entries, and no run crosses a tile."""
    path = tmp_path_factory.mktemp("runs") / "r.db"
    events = itertools.cycle(real_events)
    with Ledger.create(path) as led:
        for count in commits:
            led.append_many([next(events) for _ in range(count)])
        n = led.size
        leaves = merkle.leaf_hashes([e.data for e in led.entries()])
        for start, width in [(0, n), *ranges]:
            start, stop = min(start, n), min(start + width, n)
            assert led.backend.leaves(start, stop) == leaves[start:stop]
        assert led.verify().ok
    db = sqlite3.connect(path)
    runs = db.execute("SELECT idx, length(hashes) / 32 FROM leaves ORDER BY idx").fetchall()
    db.close()
    assert [i for i, _ in runs] == list(itertools.accumulate((w for _, w in runs[:-1]), initial=0))
    assert all(i // 256 == (i + w - 1) // 256 for i, w in runs)
    assert sum(w for _, w in runs) == n


def test_leaf_runs_split_at_tiles() -> None:
    hashes = [bytes([i % 256]) * 32 for i in range(700)]
    runs = leaf_runs(250, hashes)
    assert [(i, len(h) // 32) for i, h in runs] == [(250, 6), (256, 256), (512, 256), (768, 182)]
    assert b"".join(h for _, h in runs) == b"".join(hashes)
    assert leaf_runs(0, []) == []


def test_a_file_of_the_first_sqlite_layout_is_refused_with_its_layout_named(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.db"
    with Ledger.create(path):
        pass
    db = sqlite3.connect(path)
    db.execute("DROP TRIGGER meta_append_only_delete")
    db.execute("DELETE FROM meta WHERE key = 'sqlite_layout'")
    db.commit()
    db.close()
    with pytest.raises(LedgerStorageError, match="SQLite layout '1'"):
        Ledger.open(path)
