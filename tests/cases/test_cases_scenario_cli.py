"""Scenario documents and the ``channelwatch cases`` commands, on the 24 Nov pattern."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from channelwatch.cases import CaseBook, ScenarioError
from channelwatch.cases.scenario import run_scenario
from channelwatch.cli.main import app
from channelwatch.events import MemorySink

Lookup = Callable[[float, float], str | None]
DATA = Path(__file__).parent / "data"
SCENARIO = DATA / "nov2021_pattern.yaml"
runner = CliRunner()


def _mini(steps: list[dict[str, Any]]) -> dict[str, Any]:
    return {"actors": {"fr": {"centre": "FR", "ref": "op"}}, "steps": steps}


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ({"steps": "nope"}, "'steps'"),
        (_mini([{"at": "2021-11-24T01:00:00Z", "actor": "fr", "do": "dance"}]), "dance"),
        (_mini([{"at": "2021-11-24T01:00:00Z", "actor": "xx", "do": "open_case"}]), "xx"),
        (_mini([{"at": "2021-11-24T01:00:00", "actor": "fr", "do": "open_case"}]), "UTC"),
        (_mini([{"at": "2021-11-24T01:00:00Z", "actor": "fr", "do": "report"}]), "'report'"),
        (
            _mini(
                [{"at": "2021-11-24T01:00:00Z", "actor": "fr", "do": "close", "case_of": "call-x"}]
            ),
            "in no case",
        ),
        ({"actors": {"a": {"ref": "x"}}, "steps": []}, "actor 'a'"),
    ],
)
def test_malformed_scenarios_name_the_step(
    doc: dict[str, Any], message: str, line_srr: Lookup
) -> None:
    with pytest.raises(ScenarioError, match=message):
        run_scenario(doc, CaseBook(MemorySink(), line_srr))


def test_refusals_are_results_and_expectations_are_checked(line_srr: Lookup) -> None:
    doc = _mini(
        [
            {
                "at": "2021-11-24T01:00:00Z",
                "actor": "fr",
                "do": "report",
                "report": {
                    "id": "c1",
                    "time": "2021-11-24T01:00:00Z",
                    "lat": 51.0,
                    "lon": 1.8,
                    "accuracy_m": 100,
                    "persons": 20,
                },
            },
            {
                "at": "2021-11-24T01:05:00Z",
                "actor": "fr",
                "do": "close",
                "case_of": "c1",
                "expect": "refused",
            },
            {
                "at": "2021-11-24T01:06:00Z",
                "actor": "fr",
                "do": "close",
                "case_of": "c1",
                "expect": "ok",
            },
        ]
    )
    result = run_scenario(doc, CaseBook(MemorySink(), line_srr))
    assert [s.ok for s in result.steps] == [True, False, False]
    assert [s.as_expected for s in result.steps] == [None, True, False]
    assert [s.index for s in result.unexpected] == [2]


def test_cli_replay_prints_cases_and_exits_zero(shared_data: Path, tmp_path: Path) -> None:
    events = tmp_path / "events.jsonl"
    res = runner.invoke(
        app,
        [
            "cases",
            "replay",
            str(SCENARIO),
            "--json",
            "--events-out",
            str(events),
            "--sar-regions",
            str(shared_data / "geography" / "sar_regions.geojson"),
        ],
    )
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    statuses = sorted(c["status"] for c in out["cases"])
    assert statuses == ["closed", "closed", "closed", "merged", "suspended"]
    doc = yaml.safe_load(SCENARIO.read_text(encoding="utf-8"))
    expected_refusals = sum(1 for st in doc["steps"] if st.get("expect") == "refused")
    assert out["unexpected"] == [] and out["refused"] == expected_refusals >= 7
    lines = events.read_text(encoding="utf-8").splitlines()
    assert len(lines) == out["events"]

    rebuilt = runner.invoke(app, ["cases", "rebuild", str(events), "--json"])
    assert rebuilt.exit_code == 0, rebuilt.output
    assert json.loads(rebuilt.stdout)["cases"] == out["cases"]

    human = runner.invoke(app, ["cases", "rebuild", str(events)])
    assert human.exit_code == 0 and "C-0004" in human.stdout


def test_cli_exit_codes(shared_data: Path, tmp_path: Path) -> None:
    regions = str(shared_data / "geography" / "sar_regions.geojson")
    missing = runner.invoke(
        app, ["cases", "replay", str(tmp_path / "none.yaml"), "--sar-regions", regions]
    )
    assert missing.exit_code == 2 and "cannot read" in missing.output
    bad = tmp_path / "bad.yaml"
    bad.write_text("steps: [1, 2]\n", encoding="utf-8")
    res = runner.invoke(app, ["cases", "replay", str(bad), "--sar-regions", regions])
    assert res.exit_code == 2 and "step 0" in res.output
    # A step that does not do what it says: exit code 1, after printing the cases.
    doc = yaml.safe_load(SCENARIO.read_text(encoding="utf-8"))
    doc["steps"][4]["expect"] = "refused"  # closing boat 4's case succeeds
    wrong = tmp_path / "wrong.json"
    wrong.write_text(json.dumps(doc), encoding="utf-8")
    res = runner.invoke(app, ["cases", "replay", str(wrong), "--sar-regions", regions])
    assert res.exit_code == 1 and "Cases" in res.stdout
    broken = tmp_path / "events.jsonl"
    broken.write_text('{"type": "case_opened"}\n', encoding="utf-8")
    res = runner.invoke(app, ["cases", "rebuild", str(broken)])
    assert res.exit_code == 2 and "events.jsonl:1" in res.output


def test_cli_help() -> None:
    for args in (
        ["cases", "--help"],
        ["cases", "replay", "--help"],
        ["cases", "rebuild", "--help"],
    ):
        res = runner.invoke(app, args)
        assert res.exit_code == 0 and "Usage" in res.stdout
