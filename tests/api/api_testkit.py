"""Helpers of the server tests: settings on a temporary store, a client with demo tokens."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from channelwatch.api.settings import Settings, load_settings

REPO = Path(__file__).resolve().parents[2]


def make_settings(tmp: Path, **over: Any) -> Settings:
    values: dict[str, Any] = {"db": str(tmp / "cw.db"), "snapshot_interval_s": 0.2}
    values.update(over)
    return load_settings(values, environ={})


class Api:
    """A TestClient with a token per demo user."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self._tokens: dict[str, str] = {}

    def token(self, user: str) -> str:
        if user not in self._tokens:
            r = self.client.post(
                "/api/auth/login", json={"username": user, "password": f"{user}-demo"}
            )
            assert r.status_code == 200, r.text
            self._tokens[user] = r.json()["access_token"]
        return self._tokens[user]

    def h(self, user: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(user)}"}

    def get(self, path: str, user: str = "gn-operator", **kw: Any) -> Any:
        return self.client.get(path, headers=self.h(user), **kw)

    def post(self, path: str, body: Any = None, user: str = "gn-operator", **kw: Any) -> Any:
        return self.client.post(path, json=body, headers=self.h(user), **kw)

    @property
    def services(self) -> Any:
        return self.client.app.state.services  # type: ignore[attr-defined]


_db_counter = iter(range(1_000_000))


def fresh_postgres_db(url: str) -> str:
    """A new empty database (with PostGIS) on the test server; returns its URL."""
    import psycopg

    name = f"cw_api_{next(_db_counter)}"
    with psycopg.connect(url, autocommit=True) as db:
        db.execute(f"DROP DATABASE IF EXISTS {name}")
        db.execute(f"CREATE DATABASE {name}")
    new = url.rsplit("/", 1)[0] + "/" + name
    with psycopg.connect(new, autocommit=True) as db:
        db.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    return new
