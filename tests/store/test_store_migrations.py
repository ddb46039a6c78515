"""Migrations: versioned files, applied once, a newer database refused; store locations."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from channelwatch.store import MigrationError, StoreInputError, open_store, sqlite_path
from channelwatch.store.migrate import latest_version, migrations, sqlite_statements


def test_migrations_are_numbered_and_match_across_backends() -> None:
    for backend in ("sqlite", "postgres"):
        ms = migrations(backend)
        assert [m.version for m in ms] == list(range(1, len(ms) + 1))
    assert latest_version("sqlite") == latest_version("postgres")


def test_statement_splitter_keeps_trigger_bodies_whole() -> None:
    sql = (
        "-- a comment\nCREATE TABLE a (x);\n\nCREATE TRIGGER t AFTER INSERT ON a BEGIN\n"
        "  INSERT INTO a VALUES (1);\n  SELECT 1;\nEND;\n"
    )
    parts = sqlite_statements(sql)
    assert len(parts) == 2
    assert parts[1].startswith("CREATE TRIGGER") and parts[1].endswith("END;")
    with pytest.raises(MigrationError):
        sqlite_statements("CREATE TABLE b (x")


def test_reopening_applies_nothing_twice_and_keeps_data(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    repo = open_store(path)
    repo.revoke_token("t", datetime(2100, 1, 1, tzinfo=UTC))
    repo.close()
    again = open_store(path)
    try:
        assert again.schema_version() == latest_version("sqlite")
        assert again.revoked_tokens(datetime(2000, 1, 1, tzinfo=UTC)) == {"t"}
    finally:
        again.close()


def test_a_newer_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    open_store(path).close()
    with sqlite3.connect(path) as db:
        db.execute("INSERT INTO schema_migrations VALUES (99, 'future', 0)")
    with pytest.raises(MigrationError, match="99"):
        open_store(path)


@pytest.mark.postgres
def test_postgres_has_spatial_indexes(postgres_url: str) -> None:
    import psycopg

    repo = open_store(postgres_url, schema="cw_indexes")
    repo.close()
    with psycopg.connect(postgres_url) as db:
        rows = db.execute(
            "SELECT tablename, indexdef FROM pg_indexes WHERE schemaname = 'cw_indexes'"
            " AND indexdef LIKE '%USING gist%'"
        ).fetchall()
    assert {r[0] for r in rows} >= {"contacts", "tracks", "track_points", "alerts"}


def test_store_locations() -> None:
    assert sqlite_path("sqlite:///data/x.db") == Path("data/x.db")
    assert sqlite_path("sqlite:////abs/x.db") == Path("/abs/x.db")
    assert sqlite_path("x.db") == Path("x.db")
    with pytest.raises(StoreInputError):
        sqlite_path("mysql://host/db")
    with pytest.raises(StoreInputError):
        open_store("", schema=None)
