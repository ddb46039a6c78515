"""Drift ensembles on a LocalCluster, on the real NorKyst-800 / AROME forcing (small clouds)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from channelwatch.cli.main import app
from channelwatch.scale.ensemble import (
    load_scenarios,
    parse_scenarios,
    run_ensemble,
    run_scenario,
)
from channelwatch.scale.errors import ScaleInputError


@pytest.fixture(scope="module")
def forcing(shared_data: Path) -> dict[str, str]:
    d = shared_data / "drift" / "norkyst_arome_16nov2015"
    return {
        "wind": str(d / "arome_subset_16Nov2015.nc"),
        "current": str(d / "norkyst800_subset_16Nov2015.nc"),
    }


@pytest.fixture(scope="module")
def document(forcing: dict[str, str]) -> dict[str, Any]:
    return {
        "defaults": {
            "object_class": "LIFE-RAFT-NB-1",
            "hours": 3,
            "particles": 150,
            "radius_m": 100,
            "start": "2015-11-16T00:00Z",
            "wind": [forcing["wind"]],
            "current": [forcing["current"]],
            "seed": 11,
        },
        "scenarios": [
            {"id": "west", "lat": 59.6, "lon": 4.5},
            {"id": "north", "lat": 60.0, "lon": 4.6},
        ],
        "sweep": {"object_class": ["LIFE-RAFT-NB-1", "PIW-1"]},
    }


def test_sweeps_multiply_scenarios_and_seeds_are_independent_and_reproducible(
    document: dict[str, Any], tmp_path: Path
) -> None:
    a = parse_scenarios(document, tmp_path)
    b = parse_scenarios(document, tmp_path)
    assert [s.id for s in a] == [
        "west-LIFE-RAFT-NB-1",
        "west-PIW-1",
        "north-LIFE-RAFT-NB-1",
        "north-PIW-1",
    ]
    assert [s.seed for s in a] == [s.seed for s in b]
    assert len({s.seed for s in a}) == 4
    own = {**document, "scenarios": [{"id": "x", "lat": 59.6, "lon": 4.5, "seed": 5}]}
    assert {s.seed for s in parse_scenarios(own, tmp_path)} == {5}


@pytest.mark.parametrize(
    ("patch", "match"),
    [
        ({"scenarios": []}, "non-empty"),
        ({"scenarios": [{"id": "x", "lon": 4.5}]}, "missing field 'lat'"),
        ({"scenarios": [{"id": "x", "lat": 59.6, "lon": 4.5, "colour": 1}]}, "unknown field"),
        ({"scenarios": [{"id": "x", "lat": 95, "lon": 4.5}]}, "out of range"),
        ({"scenarios": [{"id": "x", "lat": 59.6, "lon": 4.5, "particles": 0}]}, "particles"),
        ({"scenarios": [{"id": "x", "lat": 59.6, "lon": 4.5, "start": "yesterday"}]}, "ISO"),
        ({"scenarios": [{"id": "x", "lat": 59.6, "lon": 4.5}] * 2, "sweep": {}}, "unique"),
        ({"sweep": {"hours": []}}, "sweep 'hours'"),
    ],
)
def test_bad_scenarios_are_refused_with_the_field_named(
    document: dict[str, Any], tmp_path: Path, patch: dict[str, Any], match: str
) -> None:
    with pytest.raises(ScaleInputError, match=match):
        parse_scenarios({**document, **patch}, tmp_path)


def test_forcing_paths_are_relative_to_the_document(
    tmp_path: Path, document: dict[str, Any]
) -> None:
    doc = json.loads(json.dumps(document))
    doc["defaults"]["wind"] = "wind.nc"
    path = tmp_path / "sc.json"
    path.write_text(json.dumps(doc))
    assert load_scenarios(path)[0].wind == (str(tmp_path / "wind.nc"),)
    with pytest.raises(ScaleInputError, match="not JSON"):
        (tmp_path / "bad.json").write_text("{")
        load_scenarios(tmp_path / "bad.json")


def test_an_ensemble_on_the_cluster_equals_the_same_runs_in_one_process(
    document: dict[str, Any], tmp_path: Path, dask_local: Any
) -> None:
    bad = {"id": "december", "lat": 59.6, "lon": 4.5, "start": "2015-12-16T00:00Z"}
    doc = {**document, "scenarios": [*document["scenarios"], bad]}
    scenarios = parse_scenarios(doc, tmp_path)
    result = run_ensemble(scenarios, dask_local)
    assert [r["id"] for r in result.scenarios] == [s.id for s in scenarios]
    assert result.failed == ["december-LIFE-RAFT-NB-1", "december-PIW-1"]
    assert "not covered" in result.scenarios[-1]["error"]
    for scenario, got in zip(scenarios[:2], result.scenarios[:2], strict=True):
        here = run_scenario(scenario)
        assert got["stats"] == here["stats"]  # same seed, same cloud, wherever it ran
        assert got["stats"]["n"] == 150
        assert got["centroid_track"][0][0] == "2015-11-16T00:00:00+00:00"
        assert len(got["centroid_track"]) == 4  # hourly, 3 h
    assert result.combined["n"] == 4 * 150
    # the persons in the water drift less far downwind than the raft
    by_id = {r["id"]: r for r in result.scenarios}
    assert by_id["west-PIW-1"]["stats"]["r50_km"] < by_id["west-LIFE-RAFT-NB-1"]["stats"]["r50_km"]


def test_the_command_runs_an_ensemble_and_exits_1_if_a_scenario_failed(
    document: dict[str, Any], tmp_path: Path, dask_local: Any
) -> None:
    path = tmp_path / "scenarios.json"
    doc = {**document, "sweep": {}, "scenarios": document["scenarios"][:1]}
    path.write_text(json.dumps(doc))
    out = tmp_path / "result.json"
    runner = CliRunner()
    address = dask_local.scheduler.address
    ok = runner.invoke(
        app, ["ensemble", "run", str(path), "--scheduler", address, "--json", "--out", str(out)]
    )
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.output)["combined"]["n"] == 150
    assert json.loads(out.read_text())["scenarios"][0]["id"] == "west"
    doc["scenarios"] = [{"id": "late", "lat": 59.6, "lon": 4.5, "start": "2016-01-01T00:00Z"}]
    path.write_text(json.dumps(doc))
    failed = runner.invoke(app, ["ensemble", "run", str(path), "--scheduler", address])
    assert failed.exit_code == 1
    assert "late failed" in failed.output
    missing = runner.invoke(app, ["ensemble", "run", str(tmp_path / "nope.json")])
    assert missing.exit_code == 2 and "cannot read" in missing.output
