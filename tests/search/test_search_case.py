from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from channelwatch.errors import InputError
from channelwatch.search.case import case_from_dict, load_case, units_from_dict
from channelwatch.search.scenario import ParticleFileScenario
from channelwatch.search.service import make_plan

DATA = Path(__file__).parent / "data"


def test_sample_case_parses() -> None:
    case = load_case(DATA / "case_gaussian.json")
    assert case.search_object == "small_boat_10m"
    assert case.search_time.utcoffset() is not None
    assert [s.id for s in case.scenarios] == ["adrift-since-call", "kept-going"]


def test_default_object_is_the_heaviest_scenarios() -> None:
    doc = json.loads((DATA / "case_gaussian.json").read_text())
    del doc["search_object"]
    doc["scenarios"][1]["object"] = "person_in_water"
    doc["scenarios"][1]["weight"] = 5
    assert case_from_dict(doc, DATA).search_object == "person_in_water"


def test_schema_errors_name_the_place() -> None:
    doc = json.loads((DATA / "case_gaussian.json").read_text())
    doc["scenarios"][0]["lkp"]["lat"] = 123
    with pytest.raises(InputError, match="scenarios"):
        case_from_dict(doc, DATA)
    doc = json.loads((DATA / "case_gaussian.json").read_text())
    doc["scenarios"][1]["id"] = doc["scenarios"][0]["id"]
    with pytest.raises(InputError, match="duplicate"):
        case_from_dict(doc, DATA)
    with pytest.raises(InputError, match="unknown search object 'whale'"):
        doc = json.loads((DATA / "case_gaussian.json").read_text())
        doc["search_object"] = "whale"
        case_from_dict(doc, DATA)
    with pytest.raises(InputError, match="duplicate unit id"):
        u = json.loads((DATA / "units.json").read_text())
        u["units"].append(u["units"][0])
        units_from_dict(u)


def test_particle_file_scenario_end_to_end(opendrift_like_file: Path) -> None:
    tmp_path = opendrift_like_file.parent
    case = case_from_dict(
        {
            "search_time": "2024-09-03T06:00:00Z",
            "search_object": "raft_4",
            "scenarios": [{"id": "file", "kind": "particles", "file": "drift.nc"}],
        },
        tmp_path,
    )
    scn = case.scenarios[0]
    assert isinstance(scn, ParticleFileScenario) and scn.path == tmp_path / "drift.nc"
    units = units_from_dict(json.loads((DATA / "units.json").read_text()))
    plan = make_plan(case, units, rng=np.random.default_rng(0), land_fn=False)
    cloud = plan.clouds[0]
    assert cloud.lat.size == 3  # two of five particles are gone at the last step
    assert cloud.stranded_fraction == pytest.approx(0.2)
    assert plan.result.pos > 0.5
