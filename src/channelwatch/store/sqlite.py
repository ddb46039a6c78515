"""The embedded store: one SQLite file (WAL), nothing to set up.

One connection per thread (WAL lets readers run beside the writer); writes are serialised by a
lock and ``BEGIN IMMEDIATE`` (which also orders them against other processes, such as
``channelwatch users`` run while the server is up). ``synchronous=NORMAL``: the ledger is the
durable record, and the store is caught up from it on start.

Times are integer microseconds in ``*_us`` columns, JSON is text, and box queries use R*Tree
tables kept by triggers; everything else is the shared :class:`SqlRepository`.
"""

from __future__ import annotations

import functools
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from channelwatch.store.codec import from_us, loads, to_us
from channelwatch.store.dialect import Convert, Dialect
from channelwatch.store.errors import StoreError
from channelwatch.store.migrate import Migration, sqlite_statements
from channelwatch.store.records import BBox
from channelwatch.store.repository import SqlRepository
from channelwatch.store.tables import Kind, Table

_TIME_COLUMNS = {
    "time": "t_us",
    "created_at": "created_us",
    "acknowledged_at": "acknowledged_us",
    "expires_at": "expires_us",
}
_DECODERS: dict[Kind, Convert] = {"time": from_us, "json": loads, "bool": bool}
# the R*Tree of a table and the column its ids are
_RTREE_ID = {"contacts": "ledger_index", "tracks": "rid", "alerts": "ledger_index"}
# The R*Tree keeps float32 boxes rounded outward, but a coordinate below float32's range
# (|x| < 1.2e-38) becomes 0 without it: the query box is widened by a hair so that such a row
# is still a candidate (the exact test on the row's own coordinates decides).
_RTREE_PAD_DEG = 1e-9


_MAX_ROWS_PER_INSERT = 64  # x at most 12 columns: well under SQLite's 32,766 parameters


@functools.lru_cache(maxsize=256)
def _multi_row(sql: str, rows: int) -> str:
    """``INSERT ... VALUES (?, ...) [tail]`` with ``rows`` groups of values."""
    head, sep, rest = sql.partition(" VALUES (")
    marks, close, tail = rest.partition(")")
    if not sep or not close or "(" in marks:
        raise ValueError(f"not a one-row insert: {sql!r}")
    group = f"({marks})"
    return f"{head} VALUES {', '.join([group] * rows)}{tail}"


class SqliteDialect(Dialect):
    name = "sqlite"

    def column(self, name: str) -> str:
        return _TIME_COLUMNS.get(name, name)

    def encoder(self, kind: Kind) -> Convert | None:
        return to_us if kind == "time" else super().encoder(kind)

    def decoder(self, kind: Kind) -> Convert | None:
        return _DECODERS.get(kind)

    def insert_or_skip(self, table: Table, cols: str, marks: str) -> str:
        return f"INSERT OR IGNORE INTO {table.name} ({cols}) VALUES ({marks})"

    def bbox_filter(self, table: Table, bbox: BBox) -> tuple[str, str, list[Any]]:
        join = f" JOIN {table.name}_rtree r ON r.id = {table.alias}.{_RTREE_ID[table.name]}"
        cond = "r.lon1 >= ? AND r.lon0 <= ? AND r.lat1 >= ? AND r.lat0 <= ?"
        pad = _RTREE_PAD_DEG
        return join, cond, [bbox.lon0 - pad, bbox.lon1 + pad, bbox.lat0 - pad, bbox.lat1 + pad]


class SqliteRepository(SqlRepository):
    """The repository in one SQLite file (created, and migrated, on open)."""

    kind = "sqlite"
    _close_errors = (sqlite3.Error,)

    def __init__(self, path: str | Path, *, busy_timeout_s: float = 30.0) -> None:
        self.path = Path(path)
        super().__init__(str(self.path), SqliteDialect())
        self._busy_timeout_s = busy_timeout_s
        self._write_lock = threading.RLock()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create the folder of {self.path}: {exc}") from None
        self._migrate()

    def _executemany(self, db: Any, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        """Inserts as multi-row statements: Python's sqlite3 lets go of the interpreter lock at
        every row of an ``executemany`` and must win it back from the busy event loop each time
        (measured: a store write of 30 contacts took up to 270 ms under load); one statement of
        many rows lets go once. Row counts are powers of two, so a few statements serve all."""
        if not sql.startswith("INSERT") or len(rows) < 2:
            super()._executemany(db, sql, rows)
            return
        i, n = 0, len(rows)
        while i < n:
            k = min(_MAX_ROWS_PER_INSERT, 1 << ((n - i).bit_length() - 1))
            db.execute(_multi_row(sql, k), [v for row in rows[i : i + k] for v in row])
            i += k

    def _connect(self) -> sqlite3.Connection:
        try:
            conn = sqlite3.connect(
                self.path,
                isolation_level=None,
                check_same_thread=False,
                timeout=self._busy_timeout_s,
            )
            mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA foreign_keys=ON")
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path} is not a usable SQLite file: {exc}") from None
        if mode != "wal":
            raise StoreError(f"{self.path}: cannot use WAL journal mode (got {mode!r})")
        return conn

    def _driver_error(self) -> type[Exception]:
        return sqlite3.Error

    def _duplicate_error(self) -> type[Exception]:
        return sqlite3.IntegrityError

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        db = self._db()
        with self._write_lock:
            try:
                db.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise StoreError(f"{self.path}: cannot start a write: {exc}") from None
            try:
                yield db
            except BaseException as exc:
                db.execute("ROLLBACK")
                if isinstance(exc, sqlite3.Error) and not isinstance(exc, sqlite3.IntegrityError):
                    raise StoreError(f"{self.path}: {exc}") from None
                raise
            else:
                db.execute("COMMIT")

    _migrations_table = (
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY,"
        " name TEXT NOT NULL, applied_us INTEGER NOT NULL)"
    )

    def _run_migration(self, db: Any, migration: Migration) -> None:
        for statement in sqlite_statements(migration.sql):
            db.execute(statement)
        db.execute(
            "INSERT INTO schema_migrations VALUES (?, ?, ?)",
            (migration.version, migration.name, to_us(datetime.now(UTC))),
        )

    def _migrate(self) -> None:
        try:
            super()._migrate()
        except sqlite3.Error as exc:
            raise StoreError(f"cannot migrate {self.path}: {exc}") from None
