"""Fixtures of the server tests: an app on a fresh store, logged-in clients, a scenario."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from api_testkit import REPO, Api, fresh_postgres_db, make_settings  # type: ignore[import-not-found]

from channelwatch.api.app import create_app


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def api(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    """The app on each store: the same API tests run on SQLite and on PostgreSQL/PostGIS."""
    from fastapi.testclient import TestClient

    tmp = tmp_path_factory.mktemp("api")
    if request.param == "postgres":
        url = fresh_postgres_db(request.getfixturevalue("postgres_url"))
        settings = make_settings(tmp, db=url, ledger_key=str(tmp / "ledger.key"))
    else:
        settings = make_settings(tmp)
    with TestClient(create_app(settings)) as client:
        yield Api(client)


@pytest.fixture(scope="session")
def scenario_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A short simulated Channel scenario (ais.nmea, contacts.jsonl) with scripted incidents."""
    out = tmp_path_factory.mktemp("scenario")
    subprocess.run(
        [
            str(Path(sys.executable).parent / "channelwatch"),
            "simulate",
            "--start",
            "2025-11-27T00:00:00Z",
            "--hours",
            "0.25",
            "--warmup-h",
            "0.5",
            "--seed",
            "2",
            "--demo",
            "--out",
            str(out),
        ],
        check=True,
        capture_output=True,
        cwd=REPO,
    )
    return out


def pytest_configure(config: pytest.Config) -> None:
    # starlette's TestClient still runs on httpx and says so on import: not our concern here
    config.addinivalue_line("filterwarnings", "ignore:Using `httpx` with `starlette.testclient`")
