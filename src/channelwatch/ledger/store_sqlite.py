"""The embedded backend: one SQLite file in WAL mode with ``synchronous=FULL``.

Every commit is fsynced to the write-ahead log before ``write`` returns, so an acknowledged
entry survives a kill or a power cut. ``BEGIN IMMEDIATE`` takes the write lock before the state
is read, which serialises writers across threads and processes.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

from channelwatch.ledger.errors import LedgerStorageError
from channelwatch.ledger.keys import fsync_dir
from channelwatch.ledger.store import (
    FORMAT,
    Batch,
    LogState,
    first_gap,
    pack_peaks,
    unpack_peaks,
)

# The case id is read from the entry itself by an expression index: no second copy to tamper
# with or to keep in step. The index is partial on a byte search for the key (cheap, in C), so
# the JSON of an entry is parsed at insert only when it can hold a case id; queries repeat the
# search term so that SQLite uses the index.
CASE_EXPR = "json_extract(CAST(entry AS TEXT), '$.payload.case_id')"
CASE_HINT = "instr(entry, X'{}') > 0".format(b'"case_id":'.hex())

KEY_MOMENTS = """
SELECT count(*), min(idx), max(idx), sum(idx - ?), sum((idx - ?) * (idx - ?))
FROM entries WHERE idx >= ? AND idx < ?
"""

# The layout of the tables (meta key "sqlite_layout"): 2 keeps leaf hashes in runs.
LAYOUT = "2"
TILE = 256  # a run of leaf hashes never crosses a multiple of this (2**STORED_LEVEL_STEP)

SCHEMA = f"""
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE entries (idx INTEGER PRIMARY KEY, entry BLOB NOT NULL);
CREATE INDEX entries_case ON entries ({CASE_EXPR}) WHERE {CASE_HINT};
CREATE TABLE leaves (idx INTEGER PRIMARY KEY, hashes BLOB NOT NULL);
CREATE TABLE nodes (
    level INTEGER NOT NULL, idx INTEGER NOT NULL, hash BLOB NOT NULL, PRIMARY KEY (level, idx)
) WITHOUT ROWID;
CREATE TABLE state (
    id INTEGER PRIMARY KEY CHECK (id = 1), size INTEGER NOT NULL, peaks BLOB NOT NULL,
    note TEXT NOT NULL
);
CREATE TABLE checkpoints (size INTEGER PRIMARY KEY, note TEXT NOT NULL);
"""

# Append-only by construction: a mistaken UPDATE or DELETE fails. (Someone with the file can
# drop these; that is what verification is for.)
TRIGGERS = [
    f"""CREATE TRIGGER {table}_append_only_{action.lower()} BEFORE {action} ON {table}
        BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END;"""
    for table in ("entries", "leaves", "nodes", "checkpoints", "meta")
    for action in ("UPDATE", "DELETE")
]


class SqliteBackend:
    """A ledger in one SQLite file (plus its ``-wal`` and ``-shm`` files while open)."""

    kind = "sqlite"

    def __init__(self, path: Path | str, *, create: bool = False, busy_timeout_s: float = 60.0):
        self.path = Path(path)
        self.location = str(self.path)
        if create and self.path.exists():
            raise LedgerStorageError(f"{self.path} already exists; not overwriting it")
        if not create and not self.path.is_file():
            raise LedgerStorageError(f"no ledger at {self.path} (create one with 'ledger init')")
        self._lock = threading.RLock()
        try:
            self._db = sqlite3.connect(
                self.path, isolation_level=None, check_same_thread=False, timeout=busy_timeout_s
            )
            mode = self._db.execute("PRAGMA journal_mode=WAL").fetchone()[0]
            self._db.execute("PRAGMA synchronous=FULL")
        except sqlite3.DatabaseError as exc:
            raise LedgerStorageError(f"{self.path} is not a usable SQLite file: {exc}") from None
        if mode != "wal":
            raise LedgerStorageError(f"{self.path}: cannot use WAL journal mode (got {mode!r})")
        if not create:
            self.meta()  # fails early on a file that is not a ledger

    def initialise(self, meta: dict[str, str], state: LogState) -> None:
        with self._lock:
            db = self._db
            db.execute("BEGIN IMMEDIATE")
            try:
                for statement in SCHEMA.split(";\n"):
                    if statement.strip():
                        db.execute(statement)
                rows = sorted({**meta, "sqlite_layout": LAYOUT}.items())
                db.executemany("INSERT INTO meta VALUES (?, ?)", rows)
                db.execute(
                    "INSERT INTO state VALUES (1, ?, ?, ?)",
                    (state.size, pack_peaks(state.peaks), state.note),
                )
                for trigger in TRIGGERS:
                    db.execute(trigger)
                db.execute("COMMIT")
            except BaseException:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                raise
        fsync_dir(self.path.resolve().parent)

    def meta(self) -> dict[str, str]:
        try:
            with self._lock:
                rows = self._db.execute("SELECT key, value FROM meta").fetchall()
        except sqlite3.DatabaseError as exc:
            raise LedgerStorageError(f"{self.path} is not a ledger: {exc}") from None
        meta = dict(rows)
        if meta.get("format") != FORMAT:
            raise LedgerStorageError(
                f"{self.path} is not a ledger of format {FORMAT} (format {meta.get('format')!r})"
            )
        if meta.get("sqlite_layout") != LAYOUT:
            raise LedgerStorageError(
                f"{self.path} has SQLite layout {meta.get('sqlite_layout', '1')!r}, this version "
                f"reads layout {LAYOUT!r} (leaf hashes in runs; see docs/design/ledger.md)"
            )
        return meta

    def state(self) -> LogState:
        with self._lock:
            row = self._db.execute("SELECT size, peaks, note FROM state WHERE id = 1").fetchone()
        if row is None:
            raise LedgerStorageError(f"{self.path} has no ledger state row")
        return LogState(int(row[0]), unpack_peaks(row[1]), row[2])

    def write(self, build: Callable[[LogState], Batch]) -> LogState:
        with self._lock:
            db = self._db
            db.execute("BEGIN IMMEDIATE")
            try:
                row = db.execute("SELECT size, peaks, note FROM state WHERE id = 1").fetchone()
                batch = build(LogState(int(row[0]), unpack_peaks(row[1]), row[2]))
                start = batch.start
                db.executemany(
                    "INSERT INTO entries VALUES (?, ?)",
                    zip(range(start, start + len(batch.entries)), batch.entries, strict=True),
                )
                db.executemany("INSERT INTO leaves VALUES (?, ?)", leaf_runs(start, batch.leaves))
                if batch.nodes:
                    db.executemany("INSERT INTO nodes VALUES (?, ?, ?)", batch.nodes)
                new = batch.state
                db.execute(
                    "UPDATE state SET size = ?, peaks = ?, note = ? WHERE id = 1",
                    (new.size, pack_peaks(new.peaks), new.note),
                )
                db.execute("COMMIT")  # fsync of the WAL (synchronous=FULL): now acknowledged
            except BaseException:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                raise
        return new

    def _column(self, sql: str, args: tuple[int | str, ...]) -> list[bytes]:
        with self._lock:
            return [r[0] for r in self._db.execute(sql, args)]

    def entries(self, start: int, stop: int) -> list[bytes]:
        return self._column(
            "SELECT entry FROM entries WHERE idx >= ? AND idx < ? ORDER BY idx", (start, stop)
        )

    def packed_leaves(self, start: int, stop: int) -> bytes:
        """The leaf hashes of ``[start, stop)`` end to end; shorter from the first one that is
        missing or whose run does not follow the one before it (damage, or rows forged)."""
        base = start - start % TILE  # runs never cross a tile: the first one starts here
        with self._lock:
            rows = self._db.execute(
                "SELECT idx, hashes FROM leaves WHERE idx >= ? AND idx < ? ORDER BY idx",
                (base, stop),
            ).fetchall()
        parts = []
        at = base  # where the next run must start
        overlap = None
        for idx, hashes in rows:
            if idx != at or type(hashes) is not bytes or not hashes or len(hashes) % 32:
                if start <= idx < at:  # a run overlapping the one before: trust neither there
                    overlap = idx
                break
            end = idx + len(hashes) // 32
            if end > start:
                parts.append(hashes[max(0, start - idx) * 32 : (min(end, stop) - idx) * 32])
            at = end
            if at >= stop:
                break
        packed = b"".join(parts)
        return packed if overlap is None else packed[: (overlap - start) * 32]

    def leaves(self, start: int, stop: int) -> list[bytes]:
        packed = self.packed_leaves(start, stop)
        return [packed[i : i + 32] for i in range(0, len(packed), 32)]

    def nodes(self, level: int, start: int, stop: int) -> list[bytes]:
        return self._column(
            "SELECT hash FROM nodes WHERE level = ? AND idx >= ? AND idx < ? ORDER BY idx",
            (level, start, stop),
        )

    def scan(self, start: int, stop: int) -> tuple[list[bytes], bytes, int | None]:
        entries = self.entries(start, stop)
        # The keys are checked in C, without a Python int per row: the right count, bounds and
        # first two moments of the offsets. A single damaged, missing or repeated key changes
        # one of them (two keys only if swapped, which the deep check's integrity_check finds);
        # then the keys are read to name the first one out of place.
        with self._lock:
            found = self._db.execute(KEY_MOMENTS, (start, start, start, start, stop)).fetchone()
        n = stop - start
        whole = (n, start, stop - 1, n * (n - 1) // 2, (n - 1) * n * (2 * n - 1) // 6)
        missing = None
        if n and tuple(found) != whole:
            with self._lock:
                rows = self._db.execute(
                    "SELECT idx FROM entries WHERE idx >= ? AND idx < ? ORDER BY idx",
                    (start, stop),
                ).fetchall()
            missing = first_gap(start, stop, [int(r[0]) for r in rows])
            if missing is None:  # keys all in place, yet the sums differ: a damaged page
                missing = start
        return entries, self.packed_leaves(start, stop), missing

    def stray_index(self, size: int) -> int | None:
        with self._lock:
            db = self._db
            # Range look-ups on the keys ("idx < 0 OR idx >= ?" would read every row).
            found = [
                db.execute("SELECT min(idx) FROM entries WHERE idx < 0").fetchone()[0],
                db.execute("SELECT min(idx) FROM entries WHERE idx >= ?", (size,)).fetchone()[0],
                db.execute("SELECT min(idx) FROM leaves WHERE idx < 0").fetchone()[0],
            ]
            last = db.execute(
                "SELECT idx + length(hashes) / 32 FROM leaves ORDER BY idx DESC LIMIT 1"
            ).fetchone()
        if last is not None and last[0] is not None and int(last[0]) > size:
            found.append(size)  # leaf hashes stored beyond the signed tree
        return min((int(i) for i in found if i is not None), default=None)

    def all_nodes(self, level: int) -> list[tuple[int, bytes]]:
        with self._lock:
            rows = self._db.execute(
                "SELECT idx, hash FROM nodes WHERE level = ? ORDER BY idx", (level,)
            ).fetchall()
        return [(int(i), h) for i, h in rows]

    def case_indices(self, case_id: str) -> list[int]:
        with self._lock:
            rows = self._db.execute(
                f"SELECT idx FROM entries WHERE {CASE_HINT} AND {CASE_EXPR} = ? ORDER BY idx",
                (case_id,),
            ).fetchall()
        return [int(r[0]) for r in rows]

    def case_index_mismatch(self) -> int | None:
        return None  # the index is computed from the entry itself; integrity_problem checks it

    def add_checkpoint(self, size: int, note: str) -> None:
        with self._lock:
            self._db.execute("INSERT OR IGNORE INTO checkpoints VALUES (?, ?)", (size, note))

    def checkpoints(self) -> list[tuple[int, str]]:
        with self._lock:
            rows = self._db.execute("SELECT size, note FROM checkpoints ORDER BY size").fetchall()
        return [(int(s), n) for s, n in rows]

    def integrity_problem(self) -> str | None:
        with self._lock:
            rows = self._db.execute("PRAGMA integrity_check").fetchall()
        messages = [r[0] for r in rows]
        return None if messages == ["ok"] else "; ".join(messages[:5])

    def close(self) -> None:
        with self._lock:
            self._db.close()


def leaf_runs(start: int, leaves: Sequence[bytes]) -> list[tuple[int, bytes]]:
    """The rows of table ``leaves`` for leaf hashes from index ``start``: runs end to end, each
    ending at the next multiple of TILE (so the run holding an index starts in its tile)."""
    runs = []
    i, n = 0, len(leaves)
    while i < n:
        j = min(n, i + TILE - (start + i) % TILE)
        runs.append((start + i, b"".join(leaves[i:j])))
        i = j
    return runs
