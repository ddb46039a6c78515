"""The production store: PostgreSQL with PostGIS (psycopg 3).

Tables live in their own schema (default ``channelwatch``); positions are PostGIS points with
GiST indexes, so box queries on contacts, tracks and alerts use the spatial index. One
connection per thread; every write is one transaction; migrations run under an advisory lock
so that two servers starting together do not both migrate.

Times are ``timestamptz`` and JSON is ``jsonb`` (psycopg converts both ways); everything else
is the shared :class:`SqlRepository`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from channelwatch.store.codec import as_utc
from channelwatch.store.dialect import Convert, Dialect
from channelwatch.store.errors import StoreError, StoreInputError
from channelwatch.store.migrate import Migration
from channelwatch.store.records import BBox
from channelwatch.store.repository import SqlRepository
from channelwatch.store.tables import Column, Kind, Table

DEFAULT_SCHEMA = "channelwatch"
_MIGRATION_LOCK = 0x63770001  # advisory lock key: "cw" + 1
_SCHEMA_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def redact_url(url: str) -> str:
    """The URL without its password, for messages and ``location``."""
    return re.sub(r"(://[^:/@]+):[^@]*@", r"\1:***@", url)


class PostgresDialect(Dialect):
    name = "postgres"
    has_arrays = True

    def sql(self, text: str) -> str:
        return text.replace("?", "%s")

    def param(self, column: Column) -> str:
        return "?::jsonb" if column.kind == "json" else "?"

    def decoder(self, kind: Kind) -> Convert | None:
        return as_utc if kind == "time" else None

    def bbox_filter(self, table: Table, bbox: BBox) -> tuple[str, str, list[Any]]:
        cond = f"{table.alias}.geom && ST_MakeEnvelope(?, ?, ?, ?, 4326)"
        return "", cond, [bbox.lon0, bbox.lat0, bbox.lon1, bbox.lat1]


class PostgresRepository(SqlRepository):
    """The repository in a PostgreSQL database with PostGIS (created and migrated on open)."""

    kind = "postgres"

    def __init__(self, url: str, *, schema: str = DEFAULT_SCHEMA) -> None:
        if not _SCHEMA_NAME.match(schema):
            raise StoreInputError(f"schema name must be a plain lower-case name, got {schema!r}")
        super().__init__(redact_url(url), PostgresDialect())
        self.url = url
        self.schema = schema
        self._migrate()

    def _connect(self) -> Any:
        import psycopg

        try:
            conn = psycopg.connect(self.url, autocommit=True)
            conn.execute("SET TIME ZONE 'UTC'")
            conn.execute(f"SET search_path TO {self.schema}, public")
        except psycopg.Error as exc:
            raise StoreError(f"cannot connect to {self.location}: {exc}") from None
        return conn

    def _usable(self, conn: Any) -> bool:
        return not conn.closed

    def _driver_error(self) -> type[Exception]:
        import psycopg

        return psycopg.Error

    def _duplicate_error(self) -> type[Exception]:
        import psycopg

        return psycopg.errors.UniqueViolation

    @contextmanager
    def _write(self) -> Iterator[Any]:
        import psycopg

        db = self._db()
        try:
            with db.transaction():
                yield db
        except psycopg.errors.UniqueViolation:
            raise
        except psycopg.Error as exc:
            raise StoreError(f"{self.location}: {exc}") from None

    _migrations_table = (
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY,"
        " name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())"
    )

    def _start_migrating(self, db: Any) -> None:
        # two servers starting together: the second waits, then finds nothing to do
        db.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK,))
        db.execute(f"CREATE SCHEMA IF NOT EXISTS {self.schema}")

    def _run_migration(self, db: Any, migration: Migration) -> None:
        db.execute(migration.sql.encode())
        db.execute(
            "INSERT INTO schema_migrations (version, name) VALUES (%s, %s)",
            (migration.version, migration.name),
        )
