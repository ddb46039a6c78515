"""The server's stores behind one repository interface: SQLite (embedded default, nothing to
set up) and PostgreSQL with PostGIS (production, spatial indexes), with versioned migrations.

    from channelwatch.store import open_store
    repo = open_store("channelwatch-data/channelwatch.db")      # or "postgresql://user@host/db"
"""

from __future__ import annotations

from pathlib import Path

from channelwatch.store.base import MAX_LIMIT, Repository
from channelwatch.store.errors import (
    DuplicateError,
    MigrationError,
    NotFoundError,
    StoreError,
    StoreInputError,
)
from channelwatch.store.records import (
    Acknowledgement,
    AlertRecord,
    Applied,
    BBox,
    CaseEventRecord,
    Changes,
    ContactRecord,
    DocumentRecord,
    Page,
    TrackAt,
    TrackPoint,
    TrackRecord,
    UserRecord,
)


def is_postgres_url(location: str | Path) -> bool:
    return str(location).startswith(("postgresql://", "postgres://"))


def sqlite_path(location: str | Path) -> Path:
    """The file of a SQLite location: a path, or ``sqlite:///path``."""
    text = str(location)
    if text.startswith("sqlite:///"):
        text = text[len("sqlite:///") :]
        # sqlite:////abs/path has four slashes; sqlite:///rel/path three
    elif "://" in text:
        raise StoreInputError(
            f"store location must be a file path, sqlite:///path or postgresql://..., got {text!r}"
        )
    if not text:
        raise StoreInputError("store location is empty")
    return Path(text)


def open_store(location: str | Path, *, schema: str | None = None) -> Repository:
    """Open (creating and migrating) the store at a path or a ``postgresql://`` URL."""
    if is_postgres_url(location):
        from channelwatch.store.postgres import DEFAULT_SCHEMA, PostgresRepository

        return PostgresRepository(str(location), schema=schema or DEFAULT_SCHEMA)
    from channelwatch.store.sqlite import SqliteRepository

    return SqliteRepository(sqlite_path(location))


__all__ = [
    "MAX_LIMIT",
    "Acknowledgement",
    "AlertRecord",
    "Applied",
    "BBox",
    "CaseEventRecord",
    "Changes",
    "ContactRecord",
    "DocumentRecord",
    "DuplicateError",
    "MigrationError",
    "NotFoundError",
    "Page",
    "Repository",
    "StoreError",
    "StoreInputError",
    "TrackAt",
    "TrackPoint",
    "TrackRecord",
    "UserRecord",
    "is_postgres_url",
    "open_store",
    "sqlite_path",
]
