"""``channelwatch users`` and ``channelwatch serve --help``: accounts from the command line."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from channelwatch.api.users import ensure_demo_users
from channelwatch.cli.main import app
from channelwatch.store import open_store

runner = CliRunner()


def test_add_list_disable_and_remove_demo_users(tmp_path: Path) -> None:
    db = str(tmp_path / "cw.db")
    r = runner.invoke(
        app,
        [
            "users",
            "add",
            "gn-op2",
            "--role",
            "operator",
            "--centre",
            "FR",
            "--password-stdin",
            "--db",
            db,
        ],
        input="a long passphrase\n",
    )
    assert r.exit_code == 0, r.output
    store = open_store(db)
    try:
        ensure_demo_users(store)
        user = store.get_user("gn-op2")
        assert user is not None and user.password_hash.startswith("$argon2id$")
        assert "a long passphrase" not in user.password_hash
    finally:
        store.close()
    r = runner.invoke(app, ["users", "list", "--json", "--db", db])
    rows = json.loads(r.stdout)
    assert {row["username"] for row in rows} >= {"gn-op2", "auditor"}
    assert all("password" not in k for row in rows for k in row)
    assert runner.invoke(app, ["users", "disable", "gn-op2", "--db", db]).exit_code == 0
    assert runner.invoke(app, ["users", "remove-demo", "--db", db]).exit_code == 0
    rows = json.loads(runner.invoke(app, ["users", "list", "--json", "--db", db]).stdout)
    assert [(row["username"], row["disabled"]) for row in rows] == [("gn-op2", True)]


def test_bad_accounts_exit_2_with_the_reason(tmp_path: Path) -> None:
    db = str(tmp_path / "cw.db")
    r = runner.invoke(
        app,
        ["users", "add", "x1", "--role", "admin", "--password-stdin", "--db", db],
        input="a long passphrase\n",
    )
    assert r.exit_code == 2 and "admin" in r.output
    r = runner.invoke(
        app,
        [
            "users",
            "add",
            "x1",
            "--role",
            "operator",
            "--centre",
            "BE",
            "--password-stdin",
            "--db",
            db,
        ],
        input="a long passphrase\n",
    )
    assert r.exit_code == 2 and "FR or GB" in r.output
    r = runner.invoke(
        app,
        ["users", "add", "x1", "--role", "auditor", "--password-stdin", "--db", db],
        input="short\n",
    )
    assert r.exit_code == 2 and "characters" in r.output
    r = runner.invoke(app, ["users", "disable", "ghost", "--db", db])
    assert r.exit_code == 2 and "ghost" in r.output


def test_serve_help_and_unsafe_production_settings() -> None:
    r = runner.invoke(app, ["serve", "--help"])
    assert r.exit_code == 0 and "--replay" in r.output and "--ais-tcp" in r.output
    r = runner.invoke(app, ["serve", "--env", "production"], env={"CHANNELWATCH_SECRET": ""})
    assert r.exit_code == 2 and "CHANNELWATCH_SECRET" in r.output
