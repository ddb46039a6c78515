"""The ledger on PostgreSQL: the same tree as on SQLite, concurrent writers, tamper detection."""

from __future__ import annotations

import itertools
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest

from channelwatch.events import Event
from channelwatch.ledger import Ledger
from channelwatch.ledger.bundle import bundle_json
from channelwatch.ledger.offline import verify_bundle

pytestmark = pytest.mark.postgres

_schemas = itertools.count()


@pytest.fixture()
def pg(postgres_url: str, tmp_path: Path) -> tuple[str, str, Path]:
    """A fresh schema and key file for one test."""
    return postgres_url, f"ledger_test_{os.getpid()}_{next(_schemas)}", tmp_path / "pg.key"


def test_postgres_and_sqlite_build_the_same_tree(
    pg: tuple[str, str, Path], tmp_path: Path, real_events: list[Event]
) -> None:
    url, schema, key = pg
    with Ledger.create(url, key_path=key, schema=schema, origin="test.channelwatch/pg") as led:
        for start in range(0, 2000, 500):
            led.append_many(real_events[start : start + 500])
        led.append(real_events[0])
        checkpoint = led.checkpoint()
        proofs = [led.prove_inclusion(i) for i in (0, 255, 256, 1999, 2000)]
        consistency = led.prove_consistency(700)
        assert led.case_indices("CASE-2") == [
            i for i, e in enumerate(real_events) if e.payload.get("case_id") == "CASE-2"
        ]
        assert led.verify().ok
    with Ledger.create(tmp_path / "same.db", key_path=key, origin="test.channelwatch/pg") as lite:
        lite.append_many(real_events)
        lite.append(real_events[0])
        assert lite.root() == checkpoint.root
        assert [lite.prove_inclusion(p.index) for p in proofs] == proofs
        assert lite.prove_consistency(700) == consistency
    with Ledger.open(url, key_path=key, schema=schema) as again:
        assert again.size == 2001 and again.entry(1234).to_event() == real_events[1234]
        bundle = again.export_case("CASE-1")
        assert verify_bundle(bundle_json(bundle), again.public_key).ok


def test_concurrent_writers_on_separate_connections(
    pg: tuple[str, str, Path],
) -> None:
    url, schema, key = pg
    Ledger.create(url, key_path=key, schema=schema).close()
    t = datetime(2024, 1, 1, tzinfo=UTC)
    got: dict[int, list[int]] = {}

    def writer(n: int) -> None:
        with Ledger.open(url, key_path=key, schema=schema) as led:
            out: list[int] = []
            for k in range(30):
                out += led.append_many(
                    [Event("t", t, f"w{n}", {"k": k, "j": j}) for j in range(k % 3 + 1)]
                )
            got[n] = out

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(120)
    every = sorted(i for out in got.values() for i in out)
    assert every == list(range(4 * 60))
    with Ledger.open(url, key_path=key, schema=schema) as led:
        for n, out in got.items():
            assert {led.entry(i).actor for i in out} == {f"w{n}"}
        assert led.verify().ok


def _sql(url: str, schema: str, *statements: str) -> None:
    with psycopg.connect(url, autocommit=True) as db:
        db.execute(f"SET search_path TO {schema}")
        for s in statements:
            db.execute(s)


def test_tampering_in_postgres_is_detected(
    pg: tuple[str, str, Path], real_events: list[Event]
) -> None:
    url, schema, key = pg
    with Ledger.create(url, key_path=key, schema=schema) as led:
        led.append_many(real_events[:600])
        trusted = led.public_key
    with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
        _sql(url, schema, "DELETE FROM entries WHERE idx = 3")
    with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
        _sql(url, schema, "TRUNCATE entries")

    def report():  # type: ignore[no-untyped-def]
        with Ledger.open(url, schema=schema, without_key=True) as led:
            return led.verify(trusted_key=trusted)

    _sql(url, schema, "ALTER TABLE entries DISABLE TRIGGER USER")
    _sql(url, schema, "UPDATE entries SET case_id = 'CASE-9' WHERE idx = 10")
    assert report().first_bad_index == 10
    _sql(url, schema, "UPDATE entries SET case_id = NULL WHERE idx = 10")
    assert report().ok
    _sql(
        url,
        schema,
        "UPDATE entries SET entry = overlay(entry placing 'X' from 30 for 1) WHERE idx = 77",
    )
    assert report().first_bad_index == 77
    _sql(url, schema, "DELETE FROM entries WHERE idx = 50")
    assert report().first_bad_index == 50


WRITER = r"""
import sys
from datetime import UTC, datetime
from pathlib import Path
from channelwatch.events import Event
from channelwatch.ledger import Ledger
t = datetime(2024, 1, 1, tzinfo=UTC)
with Ledger.open(sys.argv[1], key_path=Path(sys.argv[2]), schema=sys.argv[3]) as led:
    print("ready", flush=True)
    k = 0
    while True:
        for i in led.append_many([Event("t", t, "w", {"k": k + j}) for j in range(k % 7 + 1)]):
            print(i, k, flush=True)
            k += 1
"""


def test_killing_a_postgres_writer_loses_no_acknowledged_entry(pg: tuple[str, str, Path]) -> None:
    url, schema, key = pg
    Ledger.create(url, key_path=key, schema=schema).close()
    acknowledged: dict[int, int] = {}
    for delay_s in (0.05, 0.2, 0.35, 0.5):
        proc = subprocess.Popen(
            [sys.executable, "-c", WRITER, url, str(key), schema], stdout=subprocess.PIPE, text=True
        )
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        time.sleep(delay_s)
        os.kill(proc.pid, signal.SIGKILL)
        out, _ = proc.communicate(timeout=30)
        for line in out.splitlines():
            parts = line.split()
            if len(parts) == 2:
                acknowledged[int(parts[0])] = int(parts[1])
        with Ledger.open(url, schema=schema, without_key=True) as led:
            assert led.verify().ok
            for index, k in acknowledged.items():
                assert led.entry(index).payload["k"] == k
