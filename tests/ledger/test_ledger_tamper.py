"""Tampering with a stored ledger is always detected: flipped bytes, deletions, reordering,
truncation (against a saved checkpoint), forged entries, forged checkpoints and keys."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from channelwatch.events import Event, utcnow
from channelwatch.ledger import Ledger, VerifierKey, VerifyReport, merkle
from channelwatch.ledger import verify as verify_module
from channelwatch.ledger.keys import load_key
from channelwatch.ledger.note import checkpoint_body, sign_note
from channelwatch.ledger.store import pack_peaks

N = 1000  # entries in the pristine ledger: crosses the 256-entry stored tree level


@dataclass(frozen=True)
class Pristine:
    path: Path
    key: VerifierKey
    saved: str  # a checkpoint of the first 800 entries, kept elsewhere (by an auditor)


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory, real_events: list[Event]) -> Pristine:
    path = tmp_path_factory.mktemp("pristine") / "record.db"
    with Ledger.create(path, origin="test.channelwatch/ledger") as led:
        led.append_many(real_events[:300])
        led.checkpoint()
        led.append_many(real_events[300:800])
        saved = led.checkpoint().text
        led.append_many(real_events[800:N])
        key = led.public_key
    return Pristine(path, key, saved)


@pytest.fixture()
def copy(pristine: Pristine, tmp_path: Path) -> Path:
    target = tmp_path / "record.db"
    shutil.copy(pristine.path, target)
    shutil.copy(f"{pristine.path}.key", f"{target}.key")
    return target


def attack(path: Path, *statements: tuple[str, tuple[object, ...]]) -> None:
    """Change the file as someone with write access would: triggers off, then SQL."""
    db = sqlite3.connect(path, isolation_level=None)
    for kind, name in db.execute(
        "SELECT type, name FROM sqlite_master "
        "WHERE type IN ('trigger', 'index') AND sql IS NOT NULL"
    ).fetchall():
        db.execute(f"DROP {kind.upper()} {name}")
    for sql, args in statements:
        db.execute(sql, args)
    db.close()


def verify(path: Path, key: VerifierKey, *saved: str) -> VerifyReport:
    with Ledger.open(path, without_key=True) as led:
        return led.verify(checkpoints=saved, trusted_key=key)


def entry_bytes(path: Path, index: int) -> bytes:
    db = sqlite3.connect(path)
    (data,) = db.execute("SELECT entry FROM entries WHERE idx = ?", (index,)).fetchone()
    db.close()
    return bytes(data)


def set_leaf(path: Path, index: int, leaf: bytes) -> tuple[str, tuple[object, ...]]:
    """The statement that rewrites the stored leaf hash of entry ``index`` inside its run."""
    db = sqlite3.connect(path)
    start, hashes = db.execute(
        "SELECT idx, hashes FROM leaves WHERE idx <= ? ORDER BY idx DESC LIMIT 1", (index,)
    ).fetchone()
    db.close()
    at = (index - start) * 32
    forged = hashes[:at] + leaf + hashes[at + 32 :]
    return "UPDATE leaves SET hashes = ? WHERE idx = ?", (forged, start)


def test_the_pristine_ledger_verifies(pristine: Pristine) -> None:
    report = verify(pristine.path, pristine.key, pristine.saved)
    assert report.ok, report.summary()
    assert report.size == N and report.checkpoints_checked == 4


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(index=st.integers(0, N - 1), position=st.integers(0, 10_000), bit=st.integers(0, 7))
def test_any_flipped_bit_of_any_entry_is_found_at_its_index(
    pristine: Pristine,
    tmp_path_factory: pytest.TempPathFactory,
    index: int,
    position: int,
    bit: int,
) -> None:
    path = tmp_path_factory.mktemp("flip") / "r.db"
    shutil.copy(pristine.path, path)
    data = bytearray(entry_bytes(path, index))
    data[position % len(data)] ^= 1 << bit
    attack(path, ("UPDATE entries SET entry = ? WHERE idx = ?", (bytes(data), index)))
    report = verify(path, pristine.key)
    assert not report.ok
    assert report.first_bad_index == index
    assert "leaf hash" in str(report.first_problem)


def test_a_flipped_leaf_hash_is_found_at_its_index(copy: Path, pristine: Pristine) -> None:
    attack(copy, set_leaf(copy, 517, bytes(32)))
    report = verify(copy, pristine.key)
    assert not report.ok and report.first_bad_index == 517


@pytest.mark.parametrize(
    ("statement", "first_bad"),
    [
        # the run of leaf hashes 300..511 (the second commit's first run) removed
        (("DELETE FROM leaves WHERE idx = 300", ()), 300),
        # a forged run that overlaps the real ones: the chain of runs breaks where it starts
        (("INSERT INTO leaves VALUES (310, zeroblob(64))", ()), 310),
        # a run cut short by one hash
        (("UPDATE leaves SET hashes = substr(hashes, 1, 32 * 10) WHERE idx = 768", ()), 778),
    ],
)
def test_damaged_runs_of_leaf_hashes_are_found(
    copy: Path, pristine: Pristine, statement: tuple[str, tuple[object, ...]], first_bad: int
) -> None:
    attack(copy, statement)
    report = verify(copy, pristine.key)
    assert not report.ok and report.first_bad_index == first_bad, report.problems


def test_an_entry_rewritten_with_its_leaf_hash_is_found(copy: Path, pristine: Pristine) -> None:
    forged = entry_bytes(copy, 700).replace(b"vernon", b"VERNON")
    leaf = merkle.leaf_hash(forged)
    attack(
        copy,
        ("UPDATE entries SET entry = ? WHERE idx = ?", (forged, 700)),
        set_leaf(copy, 700, leaf),
    )
    report = verify(copy, pristine.key)
    assert not report.ok
    # The tree node stored over entries 512..767 no longer matches: found to within its block.
    assert report.first_bad_index == 512


def test_a_deleted_entry_is_found_at_its_index(copy: Path, pristine: Pristine) -> None:
    attack(copy, ("DELETE FROM entries WHERE idx = ?", (123,)))
    report = verify(copy, pristine.key)
    assert not report.ok and report.first_bad_index == 123
    assert "missing" in str(report.first_problem)


def test_reordered_entries_are_found(copy: Path, pristine: Pristine) -> None:
    attack(
        copy,
        ("UPDATE entries SET idx = -1 WHERE idx = 40", ()),
        ("UPDATE entries SET idx = 40 WHERE idx = 41", ()),
        ("UPDATE entries SET idx = 41 WHERE idx = -1", ()),
    )
    report = verify(copy, pristine.key)
    assert not report.ok and report.first_bad_index is not None and report.first_bad_index <= 40


def test_truncation_is_found(copy: Path, pristine: Pristine) -> None:
    attack(copy, ("DELETE FROM entries WHERE idx >= ?", (950,)))
    report = verify(copy, pristine.key)
    assert not report.ok and report.first_bad_index == 950


def test_truncation_by_the_key_holder_is_found_against_a_saved_checkpoint(
    copy: Path, pristine: Pristine
) -> None:
    """Even someone holding the signing key, who cuts the ledger to 600 entries and re-signs a
    consistent shorter ledger, is caught by a checkpoint of 800 entries saved earlier."""
    with Ledger.open(copy, without_key=True) as led:
        leaves = led.backend.leaves(0, 600)
    peaks: list[bytes] = []
    merkle.append_leaves(0, peaks, leaves)
    key = load_key(Path(f"{copy}.key"))
    origin = pristine.key.name
    note = sign_note(
        checkpoint_body(origin, 600, merkle.root_from_peaks(peaks), utcnow()), origin, key
    )
    attack(
        copy,
        ("DELETE FROM entries WHERE idx >= 600", ()),
        ("DELETE FROM leaves WHERE idx >= 600", ()),
        ("UPDATE leaves SET hashes = substr(hashes, 1, (600 - idx) * 32) WHERE idx = 512", ()),
        ("DELETE FROM nodes WHERE (idx + 1) << level > 600", ()),
        ("DELETE FROM checkpoints WHERE size > 600", ()),
        ("UPDATE state SET size = 600, peaks = ?, note = ?", (pack_peaks(peaks), note)),
    )
    assert verify(copy, pristine.key).ok  # on its own, a shorter ledger looks whole
    report = verify(copy, pristine.key, pristine.saved)
    assert not report.ok and report.first_bad_index == 600
    assert "truncated" in str(report.first_problem)


def test_entries_appended_behind_the_ledgers_back_are_found(copy: Path, pristine: Pristine) -> None:
    forged = (
        b'{"actor":"x","payload":{},"policy_hash":null,'
        b'"time":"2024-01-01T00:00:00.000000Z","type":"t"}'
    )
    attack(
        copy,
        ("INSERT INTO entries VALUES (?, ?)", (N, forged)),
        ("INSERT INTO leaves VALUES (?, ?)", (N, merkle.leaf_hash(forged))),
    )
    report = verify(copy, pristine.key)
    assert not report.ok and report.first_bad_index == N
    attack(copy, ("UPDATE state SET size = ?", (N + 1,)))  # and claiming them in the state
    report = verify(copy, pristine.key)
    assert not report.ok and report.first_bad_index == N


def test_a_forged_history_signed_with_another_key_is_refused(
    copy: Path, pristine: Pristine, tmp_path: Path, real_events: list[Event]
) -> None:
    """A whole new ledger with an edited event, signed by a key of the forger's own, even with
    the record's public key replaced inside the file, fails against the trusted key."""
    forged_events = list(real_events[:N])
    forged_events[5] = Event("observation.nmea", forged_events[5].time, "ingest:vernon", {})
    forgery = tmp_path / "forged.db"
    with Ledger.create(forgery, origin=pristine.key.name) as led:
        led.append_many(forged_events)
    report = verify(forgery, pristine.key)
    assert not report.ok
    assert "trusted key" in report.summary() or "signature" in report.summary()


def test_a_history_rewritten_with_the_real_key_fails_against_a_saved_checkpoint(
    pristine: Pristine, tmp_path: Path, real_events: list[Event]
) -> None:
    forgery = tmp_path / "rewritten.db"
    shutil.copy(f"{pristine.path}.key", f"{forgery}.key")
    events = list(real_events[:N])
    events[5] = Event("observation.nmea", events[5].time, "ingest:vernon", {"edited": True})
    with Ledger.create(forgery, origin=pristine.key.name, key_path=Path(f"{forgery}.key")) as led:
        led.append_many(events)
    assert verify(forgery, pristine.key).ok  # the key holder can write a consistent ledger...
    report = verify(forgery, pristine.key, pristine.saved)  # ...but not match what was saved
    assert not report.ok and report.first_bad_index == 0


def test_a_changed_published_checkpoint_is_refused(copy: Path, pristine: Pristine) -> None:
    db = sqlite3.connect(copy)
    (note,) = db.execute("SELECT note FROM checkpoints WHERE size = 300").fetchone()
    db.close()
    attack(
        copy,
        ("UPDATE checkpoints SET note = ? WHERE size = 300", (note.replace("\n300\n", "\n301\n"),)),
    )
    report = verify(copy, pristine.key)
    assert not report.ok and "invalid" in report.summary()


def test_a_changed_case_index_is_caught_by_the_deep_check(copy: Path, pristine: Pristine) -> None:
    """The case index is computed from the entries; damage to the index pages is caught by
    the storage check of a deep verification."""
    db = sqlite3.connect(copy)
    db.execute("PRAGMA writable_schema = ON")
    db.execute(
        "UPDATE sqlite_master SET sql = replace(sql, 'case_id', 'case_xx') "
        "WHERE name = 'entries_case'"
    )
    db.commit()
    db.close()
    with Ledger.open(copy, without_key=True) as led:
        assert not led.verify(trusted_key=pristine.key, deep=True).ok


def _dump(path: Path) -> list[object] | None:
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        rows: list[object] = []
        for table, order in [
            ("meta", "key"),
            ("entries", "idx"),
            ("leaves", "idx"),
            ("nodes", "level, idx"),
            ("state", "id"),
            ("checkpoints", "size"),
        ]:
            rows += db.execute(f"SELECT * FROM {table} NOT INDEXED ORDER BY {order}").fetchall()
        db.close()
        return rows
    except sqlite3.DatabaseError:
        return None


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory, real_events: list[Event]) -> Iterator[Pristine]:
    path = tmp_path_factory.mktemp("small") / "small.db"
    with Ledger.create(path, origin="test.channelwatch/small") as led:
        led.append_many(real_events[:150])
        saved = led.checkpoint().text
        led.append_many(real_events[150:300])
        key = led.public_key
    yield Pristine(path, key, saved)


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(position=st.integers(min_value=0), bit=st.integers(0, 7))
def test_flipping_any_bit_of_the_file_is_found_or_changes_nothing(
    small: Pristine, tmp_path_factory: pytest.TempPathFactory, position: int, bit: int
) -> None:
    """A bit flipped anywhere in the SQLite file either is reported by verify, or left every
    stored record exactly as it was (it hit free space, an index page, a page counter)."""
    original = _dump(small.path)
    data = bytearray(small.path.read_bytes())
    data[position % len(data)] ^= 1 << bit
    path = tmp_path_factory.mktemp("fileflip") / "r.db"
    path.write_bytes(bytes(data))
    try:
        report = verify(path, small.key, small.saved)
    except Exception:  # the file no longer opens as a ledger: that is detection too
        return
    if report.ok:
        assert _dump(path) == original


def test_flipping_a_bit_inside_an_entry_in_the_file_is_found(
    small: Pristine, tmp_path: Path
) -> None:
    data = small.path.read_bytes()
    for index in (0, 77, 299):
        entry = entry_bytes(small.path, index)
        at = data.find(entry)
        assert at >= 0
        for offset in (0, len(entry) // 2, len(entry) - 1):
            damaged = bytearray(data)
            damaged[at + offset] ^= 0x04
            path = tmp_path / f"r{index}-{offset}.db"
            path.write_bytes(bytes(damaged))
            try:
                report = verify(path, small.key)
            except Exception:
                continue
            assert not report.ok
            assert report.first_bad_index == index, report.summary()
    assert hashlib.sha256(small.path.read_bytes()).digest() == hashlib.sha256(data).digest()


def test_a_checkpoint_the_key_holder_signed_for_another_history_is_found(
    copy: Path, pristine: Pristine
) -> None:
    """A checkpoint of 300 entries signed with the real key over another root: it shares its
    largest subtree with the other checkpoints, and is still checked on its own."""
    key = load_key(Path(f"{copy}.key"))
    origin = pristine.key.name
    fake_root = hashlib.sha256(b"another history").digest()
    note = sign_note(checkpoint_body(origin, 300, fake_root, utcnow()), origin, key)
    attack(copy, ("DELETE FROM checkpoints WHERE size = 300", ()))
    attack(copy, ("INSERT INTO checkpoints VALUES (300, ?)", (note,)))
    report = verify(copy, pristine.key)
    assert not report.ok and report.first_bad_index == 0
    assert "published checkpoint of size 300" in report.summary()


@pytest.mark.parametrize("case", ["pristine", "flipped", "deleted", "rewritten"])
def test_chunked_and_parallel_verification_find_the_same(
    copy: Path, pristine: Pristine, case: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Chunks of 512 instead of 65,536 make the 1,000 entries two chunks: checked in one
    process or in two, the findings are the same as in one chunk."""
    if case == "rewritten":
        forged = entry_bytes(copy, 700).replace(b"vernon", b"VERNON")
        attack(
            copy,
            (
                "UPDATE entries SET entry = ? WHERE idx = ?",
                (forged, 700),
            ),
            set_leaf(copy, 700, merkle.leaf_hash(forged)),
        )
    if case == "flipped":
        attack(copy, set_leaf(copy, 333, bytes(32)))
    if case == "deleted":
        attack(copy, ("DELETE FROM entries WHERE idx = ?", (900,)))
    with Ledger.open(copy, without_key=True) as led:
        whole = led.verify(trusted_key=pristine.key, checkpoints=[pristine.saved])
        monkeypatch.setattr(verify_module, "CHUNK_LEVEL", 9)
        monkeypatch.setattr(verify_module, "CHUNK", 512)
        one = led.verify(trusted_key=pristine.key, checkpoints=[pristine.saved])
        two = led.verify(trusted_key=pristine.key, checkpoints=[pristine.saved], workers=2)
    assert whole.root == one.root == two.root
    assert whole.first_bad_index == one.first_bad_index == two.first_bad_index
    assert one == two
    assert one.ok == (case == "pristine")
