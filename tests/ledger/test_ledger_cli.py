"""``channelwatch ledger …`` commands, end to end on a real file."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from channelwatch.cli.ledger import register
from channelwatch.events import Event
from channelwatch.ledger.canonical import format_time

runner = CliRunner()


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    root = typer.Typer()
    register(root)
    return root


def lines_of(events: list[Event]) -> str:
    return "".join(
        json.dumps(
            {
                "type": e.type,
                "actor": e.actor,
                "time": format_time(e.time),
                "payload": dict(e.payload),
                "policy_hash": e.policy_hash,
            }
        )
        + "\n"
        for e in events
    )


def invoke(app: typer.Typer, *args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), input=stdin)
    return result.exit_code, result.stdout, result.stderr


def test_the_whole_cycle(app: typer.Typer, tmp_path: Path, real_events: list[Event]) -> None:
    db = str(tmp_path / "rec.db")
    code, out, _ = invoke(app, "ledger", "init", db, "--origin", "test.channelwatch/cli", "--json")
    assert code == 0 and json.loads(out)["origin"] == "test.channelwatch/cli"
    assert (Path(db + ".key").stat().st_mode & 0o777) == 0o600

    code, out, err = invoke(app, "ledger", "append", db, stdin=lines_of(real_events[:500]))
    assert code == 0, err
    assert out.split() == [str(i) for i in range(500)]
    cp = tmp_path / "cp.txt"
    code, out, _ = invoke(app, "ledger", "checkpoint", db, "--out", str(cp), "--json")
    assert code == 0 and json.loads(out)["size"] == 500
    assert cp.read_text().startswith("test.channelwatch/cli\n500\n")

    stdin = (
        lines_of(real_events[500:700])
        + "not json\n"
        + '{"type":"t","actor":"a","payload":{"x":NaN}}\n'
    )
    code, out, err = invoke(app, "ledger", "append", db, "--batch", "64", "--json", stdin=stdin)
    assert code == 2  # bad lines are reported, skipped and counted; the good ones are kept
    assert [json.loads(line)["index"] for line in out.splitlines()] == list(range(500, 700))
    assert (
        "line 201: skipped" in err and "line 202: skipped" in err and "skipped 2 bad lines" in err
    )

    code, out, _ = invoke(app, "ledger", "verify", db, "--checkpoint", str(cp))
    assert code == 0
    assert out.startswith("ok: 700 entries") and len(out.strip().splitlines()) == 1

    code, out, _ = invoke(app, "ledger", "prove", db, "123", "--json")
    proof = json.loads(out)
    assert code == 0 and proof["index"] == 123 and proof["tree_size"] == 700
    assert json.loads(proof["entry"])["payload"]["line"] == 123
    code, out, _ = invoke(app, "ledger", "prove", db, "123", "--size", "500")
    assert code == 0 and "proof verified" in out

    code, out, _ = invoke(app, "ledger", "consistency", db, "--old", str(cp), "--json")
    assert code == 0 and json.loads(out)["old_size"] == 500
    cp2 = tmp_path / "cp2.txt"
    assert invoke(app, "ledger", "checkpoint", db, "--out", str(cp2))[0] == 0
    assert invoke(app, "ledger", "append", db, stdin=lines_of(real_events[700:710]))[0] == 0
    code, out, _ = invoke(
        app, "ledger", "consistency", db, "--old", str(cp), "--new", str(cp2), "--json"
    )
    assert code == 0 and (json.loads(out)["old_size"], json.loads(out)["new_size"]) == (500, 700)

    pub = tmp_path / "pub.txt"
    code, out, _ = invoke(app, "ledger", "pubkey", db)
    pub.write_text(out)
    assert code == 0 and out.startswith("test.channelwatch/cli+")
    code, pem, _ = invoke(app, "ledger", "pubkey", db, "--pem")
    assert pem.startswith("-----BEGIN PUBLIC KEY-----")

    for fmt in ("html", "json"):
        target = tmp_path / f"case.{fmt}"
        code, out, _ = invoke(
            app, "ledger", "export", db, "--case", "CASE-0", "--format", fmt, "--out", str(target)
        )
        assert code == 0, out
        code, out, _ = invoke(app, "ledger", "verify-bundle", str(target), "--pubkey", str(pub))
        assert code == 0 and out.startswith("ok: case CASE-0:")
    code, out, _ = invoke(
        app, "ledger", "verify", db, "--pubkey", str(pub), "--checkpoint", str(cp2), "--json"
    )
    assert code == 0 and json.loads(out)["ok"] and json.loads(out)["size"] == 710


def test_verify_reports_the_first_bad_index(
    app: typer.Typer, tmp_path: Path, real_events: list[Event]
) -> None:
    db = str(tmp_path / "rec.db")
    assert invoke(app, "ledger", "init", db)[0] == 0
    assert invoke(app, "ledger", "append", db, stdin=lines_of(real_events[:300]))[0] == 0
    cp = tmp_path / "cp.txt"
    assert invoke(app, "ledger", "checkpoint", db, "--out", str(cp))[0] == 0
    con = sqlite3.connect(db)
    con.execute("DROP TRIGGER entries_append_only_delete")
    con.execute("DROP TRIGGER entries_append_only_update")
    con.execute(
        "UPDATE entries SET entry = CAST(replace(entry, 'vernon', 'VERNON') AS BLOB) WHERE idx = 42"
    )
    con.commit()
    con.close()
    code, out, _ = invoke(app, "ledger", "verify", db)
    assert code == 1
    assert out.startswith("TAMPERED or damaged: entry 42: entry bytes do not match")
    code, out, _ = invoke(app, "ledger", "verify", db, "--json")
    assert code == 1 and json.loads(out)["first_bad_index"] == 42


def test_input_errors_exit_2_with_the_value_named(app: typer.Typer, tmp_path: Path) -> None:
    db = str(tmp_path / "rec.db")
    assert invoke(app, "ledger", "init", db)[0] == 0
    code, _, err = invoke(app, "ledger", "init", db)
    assert code == 1 and "already exists" in err
    code, _, err = invoke(app, "ledger", "prove", db, "5")
    assert code == 2 and "index 5" in err
    code, _, err = invoke(app, "ledger", "export", db, "--case", "X", "--format", "pdf")
    assert code == 2 and "'pdf'" in err
    code, _, err = invoke(app, "ledger", "verify", str(tmp_path / "nope.db"))
    assert code == 1 and "no ledger" in err
    Path(db + ".key").chmod(0o644)
    code, _, err = invoke(app, "ledger", "append", db, stdin="")
    assert code == 2 and "mode 0644" in err


def test_every_command_has_help(app: typer.Typer) -> None:
    for command in (
        "init",
        "append",
        "checkpoint",
        "verify",
        "prove",
        "consistency",
        "export",
        "pubkey",
        "verify-bundle",
    ):
        code, out, _ = invoke(app, "ledger", command, "--help")
        assert code == 0 and "Usage" in out
