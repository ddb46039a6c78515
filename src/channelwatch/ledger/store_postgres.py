"""The server backend: PostgreSQL, in a schema of its own (default ``channelwatch_ledger``).

Each write is one transaction that locks the state row (``SELECT … FOR UPDATE``), so writers on
any number of connections and hosts are serialised; it commits with ``synchronous_commit = on``,
so an acknowledged entry is in the server's fsynced WAL. Entries are loaded with binary COPY.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from typing import Any

from channelwatch.ledger.errors import LedgerInputError, LedgerStorageError
from channelwatch.ledger.store import (
    FORMAT,
    Batch,
    LogState,
    first_gap,
    pack_peaks,
    unpack_peaks,
)

DEFAULT_SCHEMA = "channelwatch_ledger"
_IDENT = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")

SCHEMA = """
CREATE TABLE meta (key text PRIMARY KEY, value text NOT NULL);
CREATE TABLE entries (
    idx bigint PRIMARY KEY, entry bytea NOT NULL, leaf bytea NOT NULL, case_id text
);
CREATE INDEX entries_case ON entries (case_id) WHERE case_id IS NOT NULL;
CREATE TABLE nodes (
    level integer NOT NULL, idx bigint NOT NULL, hash bytea NOT NULL, PRIMARY KEY (level, idx)
);
CREATE TABLE state (
    id integer PRIMARY KEY CHECK (id = 1), size bigint NOT NULL, peaks bytea NOT NULL,
    note text NOT NULL
);
CREATE TABLE checkpoints (size bigint PRIMARY KEY, note text NOT NULL);
CREATE FUNCTION append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$;
"""

TRIGGERS = [
    f"CREATE TRIGGER {t}_append_only BEFORE UPDATE OR DELETE ON {t} "
    f"FOR EACH ROW EXECUTE FUNCTION append_only();"
    for t in ("entries", "nodes", "checkpoints", "meta")
] + [
    f"CREATE TRIGGER {t}_no_truncate BEFORE TRUNCATE ON {t} "
    f"FOR EACH STATEMENT EXECUTE FUNCTION append_only();"
    for t in ("entries", "nodes", "checkpoints", "meta", "state")
]

# The case id is kept in a column for the index; verification checks it against the entry.
CASE_MISMATCH = """
SELECT min(idx) FROM entries
WHERE case_id IS DISTINCT FROM (convert_from(entry, 'UTF8')::jsonb -> 'payload' ->> 'case_id')
"""


class PostgresBackend:
    """A ledger in a PostgreSQL schema."""

    kind = "postgres"

    def __init__(self, url: str, *, create: bool = False, schema: str = DEFAULT_SCHEMA) -> None:
        import psycopg

        if not _IDENT.match(schema):
            raise LedgerInputError(f"schema name {schema!r} must match {_IDENT.pattern}")
        self.location = f"{_redact(url)} (schema {schema})"
        self.schema = schema
        self._lock = threading.RLock()
        try:
            self._db: Any = psycopg.connect(url, autocommit=True)
        except psycopg.Error as exc:
            raise LedgerStorageError(f"cannot connect to {_redact(url)}: {exc}") from None
        exists = self._db.execute(
            "SELECT 1 FROM information_schema.tables WHERE table_schema = %s AND table_name = %s",
            (schema, "meta"),
        ).fetchone()
        if create and exists:
            self._db.close()
            raise LedgerStorageError(f"a ledger already exists in {self.location}")
        if not create and not exists:
            self._db.close()
            raise LedgerStorageError(f"no ledger in {self.location} (create it with 'ledger init')")
        self._db.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}" if create else "SELECT 1")
        self._db.execute(f"SET search_path TO {schema}")
        self._db.execute("SET synchronous_commit TO on")
        if not create:
            self.meta()

    def initialise(self, meta: dict[str, str], state: LogState) -> None:
        with self._lock, self._db.transaction():
            cur = self._db.cursor()
            cur.execute(SCHEMA)
            for trigger in TRIGGERS:
                cur.execute(trigger)
            cur.executemany("INSERT INTO meta VALUES (%s, %s)", sorted(meta.items()))
            cur.execute(
                "INSERT INTO state VALUES (1, %s, %s, %s)",
                (state.size, pack_peaks(state.peaks), state.note),
            )

    def meta(self) -> dict[str, str]:
        with self._lock:
            rows = self._db.execute("SELECT key, value FROM meta").fetchall()
        meta = {str(k): str(v) for k, v in rows}
        if meta.get("format") != FORMAT:
            raise LedgerStorageError(
                f"{self.location} is not a ledger of format {FORMAT} ({meta.get('format')!r})"
            )
        return meta

    def state(self) -> LogState:
        with self._lock:
            row = self._db.execute("SELECT size, peaks, note FROM state WHERE id = 1").fetchone()
        if row is None:
            raise LedgerStorageError(f"{self.location} has no ledger state row")
        return LogState(int(row[0]), unpack_peaks(bytes(row[1])), str(row[2]))

    def write(self, build: Callable[[LogState], Batch]) -> LogState:
        with self._lock, self._db.transaction():
            cur = self._db.cursor()
            row = cur.execute(
                "SELECT size, peaks, note FROM state WHERE id = 1 FOR UPDATE"
            ).fetchone()
            batch = build(LogState(int(row[0]), unpack_peaks(bytes(row[1])), str(row[2])))
            with cur.copy(
                "COPY entries (idx, entry, leaf, case_id) FROM STDIN (FORMAT BINARY)"
            ) as copy:
                copy.set_types(["int8", "bytea", "bytea", "text"])
                for i, (entry, leaf, case_id) in enumerate(
                    zip(batch.entries, batch.leaves, batch.case_ids, strict=True), batch.start
                ):
                    copy.write_row((i, entry, leaf, case_id))
            if batch.nodes:
                cur.executemany("INSERT INTO nodes VALUES (%s, %s, %s)", batch.nodes)
            new = batch.state
            cur.execute(
                "UPDATE state SET size = %s, peaks = %s, note = %s WHERE id = 1",
                (new.size, pack_peaks(new.peaks), new.note),
            )
        return new  # the transaction has committed: durable with synchronous_commit = on

    def _column(self, sql: str, args: tuple[object, ...]) -> list[bytes]:
        with self._lock:
            return [bytes(r[0]) for r in self._db.execute(sql, args).fetchall()]

    def entries(self, start: int, stop: int) -> list[bytes]:
        return self._column(
            "SELECT entry FROM entries WHERE idx >= %s AND idx < %s ORDER BY idx", (start, stop)
        )

    def leaves(self, start: int, stop: int) -> list[bytes]:
        return self._column(
            "SELECT leaf FROM entries WHERE idx >= %s AND idx < %s ORDER BY idx", (start, stop)
        )

    def nodes(self, level: int, start: int, stop: int) -> list[bytes]:
        return self._column(
            "SELECT hash FROM nodes WHERE level = %s AND idx >= %s AND idx < %s ORDER BY idx",
            (level, start, stop),
        )

    def scan(self, start: int, stop: int) -> tuple[list[bytes], bytes, int | None]:
        with self._lock:
            rows = self._db.execute(
                "SELECT idx, entry, leaf FROM entries WHERE idx >= %s AND idx < %s ORDER BY idx",
                (start, stop),
            ).fetchall()
        missing = first_gap(start, stop, [int(r[0]) for r in rows])
        return [bytes(r[1]) for r in rows], b"".join([bytes(r[2]) for r in rows]), missing

    def stray_index(self, size: int) -> int | None:
        with self._lock:
            row = self._db.execute(
                "SELECT min(idx) FROM entries WHERE idx < 0 OR idx >= %s", (size,)
            ).fetchone()
        return None if row[0] is None else int(row[0])

    def all_nodes(self, level: int) -> list[tuple[int, bytes]]:
        with self._lock:
            rows = self._db.execute(
                "SELECT idx, hash FROM nodes WHERE level = %s ORDER BY idx", (level,)
            ).fetchall()
        return [(int(i), bytes(h)) for i, h in rows]

    def case_indices(self, case_id: str) -> list[int]:
        with self._lock:
            rows = self._db.execute(
                "SELECT idx FROM entries WHERE case_id = %s ORDER BY idx", (case_id,)
            ).fetchall()
        return [int(r[0]) for r in rows]

    def case_index_mismatch(self) -> int | None:
        with self._lock:
            row = self._db.execute(CASE_MISMATCH).fetchone()
        return None if row[0] is None else int(row[0])

    def add_checkpoint(self, size: int, note: str) -> None:
        with self._lock:
            self._db.execute(
                "INSERT INTO checkpoints VALUES (%s, %s) ON CONFLICT (size) DO NOTHING",
                (size, note),
            )

    def checkpoints(self) -> list[tuple[int, str]]:
        with self._lock:
            rows = self._db.execute("SELECT size, note FROM checkpoints ORDER BY size").fetchall()
        return [(int(s), str(n)) for s, n in rows]

    def integrity_problem(self) -> str | None:
        return None  # PostgreSQL checks its own pages (data checksums, amcheck) outside the ledger

    def close(self) -> None:
        with self._lock:
            self._db.close()


def _redact(url: str) -> str:
    """The URL without its password, for messages."""
    return re.sub(r"//([^:/@]+):[^@]*@", r"//\1:***@", url)
