"""``channelwatch doctrine`` and ``channelwatch assess`` on the command line."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from doctrine_builders import situation_doc
from typer.testing import CliRunner

from channelwatch.cli.main import app
from channelwatch.doctrine import schema

runner = CliRunner()


@pytest.fixture()
def situation_file(tmp_path: Path) -> Path:
    path = tmp_path / "situation.json"
    path.write_text(json.dumps(situation_doc()))
    return path


def test_list_json() -> None:
    result = runner.invoke(app, ["doctrine", "list", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    ids = [r["id"] for r in rows]
    assert "safety-of-life" in ids and "fr-2023-03-taxi-boats" in ids
    assert next(r for r in rows if r["id"] == "safety-of-life")["always_in_force"] is True


def test_list_human() -> None:
    result = runner.invoke(app, ["doctrine", "list"])
    assert result.exit_code == 0 and "as reported" in result.stdout


def test_show_json_and_human() -> None:
    result = runner.invoke(app, ["doctrine", "show", "fr-2025-11-framework", "--json"])
    assert result.exit_code == 0, result.output
    policy = json.loads(result.stdout)
    assert policy["status"] == "as reported" and policy["sources"]
    assert all(r["citation"] and r["cite"] for r in policy["rules"])
    assert policy["extends"] == "fr-2022-11"
    assert policy["doctrine_hash"].startswith("sha256:")
    human = runner.invoke(app, ["doctrine", "show", "safety-of-life"])
    assert human.exit_code == 0 and "UNCLOS" in human.stdout


def test_evaluate_json_is_a_verdict(situation_file: Path) -> None:
    result = runner.invoke(
        app,
        [
            "doctrine",
            "evaluate",
            "--policy",
            "fr-2025-11-framework",
            "--situation",
            str(situation_file),
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    verdict = json.loads(result.stdout)
    jsonschema.validate(verdict, schema("verdict"))
    assert verdict["action"] == "stop_before_boarding"
    assert verdict["assessment"]["phase"] in ("none", "uncertainty", "alert", "distress")


def test_evaluate_all_actions_and_human(situation_file: Path) -> None:
    result = runner.invoke(
        app,
        [
            "doctrine",
            "evaluate",
            "-p",
            "alliance-2025-position",
            "-s",
            str(situation_file),
            "--all-actions",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert set(out["verdicts"]) == {
        "monitor",
        "escort",
        "stop_before_boarding",
        "divert",
        "disable_propulsion",
        "tow",
        "rescue",
    }
    assert out["verdicts"]["stop_before_boarding"]["verdict"] == "prohibited"
    human = runner.invoke(
        app, ["doctrine", "evaluate", "-p", "fr-2022-11", "-s", str(situation_file)]
    )
    assert human.exit_code == 0 and "PROHIBITED" in human.stdout


def test_bad_situation_exits_2_naming_the_field(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(situation_doc(boat={"boarding": "half"})))
    result = runner.invoke(app, ["doctrine", "evaluate", "-p", "fr-2022-11", "-s", str(path)])
    assert result.exit_code == 2
    assert "boat.boarding" in result.output


def test_unknown_policy_exits_2(situation_file: Path) -> None:
    result = runner.invoke(
        app, ["doctrine", "evaluate", "-p", "fr-1999", "-s", str(situation_file)]
    )
    assert result.exit_code == 2 and "fr-1999" in result.output


def test_a_policy_file_overriding_safety_of_life_is_refused(
    tmp_path: Path, situation_file: Path
) -> None:
    rogue = tmp_path / "rogue.yaml"
    rogue.write_text(
        "id: rogue\nversion: '1.0.0'\ntitle: Rogue\nstatus: position\n"
        "sources: [{id: s, document: d}]\n"
        "rules:\n"
        "  - id: stop-all\n    effect: permit\n    actions: [stop_before_boarding]\n"
        "    text: stop everything\n    cite: [s]\n"
        "    overrides: ['safety-of-life:no-coercion-with-passengers']\n"
    )
    result = runner.invoke(
        app,
        [
            "doctrine",
            "evaluate",
            "-p",
            "rogue",
            "-s",
            str(situation_file),
            "--policies",
            str(rogue),
        ],
    )
    assert result.exit_code == 2
    assert "no rule can override safety of life" in result.output


def test_schema_command() -> None:
    result = runner.invoke(app, ["doctrine", "schema", "situation"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["title"] == "ChannelWatch situation"
    assert runner.invoke(app, ["doctrine", "schema", "nonsense"]).exit_code == 2


def test_assess_command(situation_file: Path) -> None:
    result = runner.invoke(app, ["assess", str(situation_file), "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["phase"] == "none" and "place" in out
    human = runner.invoke(app, ["assess", str(situation_file)])
    assert human.exit_code == 0 and "NONE" in human.stdout
