"""Schema migrations: numbered SQL files per backend, applied in order, each once.

``migrations/<backend>/NNNN_name.sql``; the versions applied are kept in ``schema_migrations``.
A database newer than the code (a version this code does not have) is refused rather than
guessed at.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from importlib import resources

from channelwatch.store.errors import MigrationError

_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    sql: str


def migrations(backend: str) -> list[Migration]:
    """The migrations shipped for ``backend`` ("sqlite" or "postgres"), in version order."""
    folder = resources.files("channelwatch.store").joinpath("migrations", backend)
    found: list[Migration] = []
    for entry in folder.iterdir():
        m = _NAME.match(entry.name)
        if m:
            found.append(Migration(int(m.group(1)), m.group(2), entry.read_text(encoding="utf-8")))
    found.sort(key=lambda x: x.version)
    versions = [x.version for x in found]
    if versions != list(range(1, len(found) + 1)):
        raise MigrationError(f"{backend} migrations must be numbered 1..n, found {versions}")
    return found


def latest_version(backend: str) -> int:
    return len(migrations(backend))


def sqlite_statements(sql: str) -> list[str]:
    """Split a script into statements (trigger bodies hold semicolons, so ask SQLite)."""
    out: list[str] = []
    buf = ""
    for line in sql.splitlines(keepends=True):
        if not buf and (not line.strip() or line.lstrip().startswith("--")):
            continue
        buf += line
        if sqlite3.complete_statement(buf):
            out.append(buf.strip())
            buf = ""
    if buf.strip():
        raise MigrationError(f"incomplete SQL statement at the end of a migration: {buf[:80]!r}")
    return out


def check_not_newer(backend: str, applied: set[int]) -> None:
    known = latest_version(backend)
    newer = sorted(v for v in applied if v > known)
    if newer:
        raise MigrationError(
            f"the database has schema versions {newer} that this ChannelWatch does not know "
            f"(it knows 1..{known}): upgrade ChannelWatch"
        )
