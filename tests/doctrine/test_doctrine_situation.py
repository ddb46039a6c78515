"""Situation documents: the published schema, clear errors naming the field, round trips."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from doctrine_builders import situation_doc
from hypothesis import given, settings
from hypothesis import strategies as st

from channelwatch.doctrine import SituationError, load_situation, parse_situation, schema
from channelwatch.doctrine.situation import validate
from channelwatch.errors import InputError


def test_a_full_situation_parses_to_typed_facts() -> None:
    s = parse_situation(situation_doc())
    assert s.time == datetime(2025, 11, 27, 11, 0, tzinfo=UTC)
    assert s.boat.persons_aboard == 2 and s.boat.boarding.value == "empty"
    assert s.action is not None and s.action.value == "stop_before_boarding"


def test_minimal_situation_takes_everything_else_as_unknown() -> None:
    s = parse_situation(
        {"time": "2025-11-27T11:00:00+01:00", "position": {"lat": 51, "lon": 2}, "boat": {}}
    )
    assert s.time.tzinfo is UTC and s.time.hour == 10
    assert s.boat.persons_aboard is None
    assert s.boat.boarding.value == "unknown" and s.boat.engine.value == "unknown"
    assert s.environment.water_temp_c is None and s.action is None


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"boat": {"boarding": "half"}}, "boat.boarding"),
        ({"boat": {"persons_aboard": -3}}, "boat.persons_aboard"),
        ({"boat": {"persons_aboard": 2.5}}, "boat.persons_aboard"),
        ({"boat": {"engine": "spluttering"}}, "boat.engine"),
        ({"boat": {"name": "x"}}, "boat"),
        ({"position": {"lat": 95, "lon": 2}}, "position.lat"),
        ({"environment": {"wind_kn": -1}}, "environment.wind_kn"),
        ({"action": "sink"}, "action"),
        ({"time": 12}, "time"),
    ],
)
def test_schema_errors_name_the_field(change: dict[str, Any], field: str) -> None:
    doc = situation_doc(**change)
    with pytest.raises(SituationError) as err:
        parse_situation(doc)
    assert f"situation: {field}:" in str(err.value)
    assert isinstance(err.value, InputError)


def test_missing_required_fields_are_named() -> None:
    with pytest.raises(SituationError, match="'position' is a required property"):
        parse_situation({"time": "2025-11-27T11:00:00Z", "boat": {}})


@pytest.mark.parametrize(
    ("time", "message"),
    [("2025-11-27T11:00:00", "no UTC offset"), ("yesterday", "not an ISO 8601")],
)
def test_times_must_be_iso_and_zoned(time: str, message: str) -> None:
    with pytest.raises(SituationError, match=message):
        parse_situation(situation_doc(time=time))


def test_files_bad_json_and_missing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(SituationError, match="not valid JSON"):
        load_situation(bad)
    with pytest.raises(SituationError, match="cannot read"):
        load_situation(tmp_path / "missing.json")
    good = tmp_path / "good.json"
    good.write_text(json.dumps(situation_doc()))
    assert load_situation(good).boat.length_m == 9


def test_schemas_are_published_and_valid() -> None:
    import jsonschema

    for name in ("situation", "verdict", "policy"):
        jsonschema.Draft202012Validator.check_schema(schema(name))
    with pytest.raises(SituationError):
        schema("nonsense")


@settings(max_examples=60, deadline=None)
@given(
    persons=st.none() | st.integers(0, 200),
    boarding=st.sampled_from(["empty", "boarding", "loaded", "unknown", None]),
    wind=st.none() | st.floats(0, 60),
    lat=st.floats(50, 52),
)
def test_round_trip_through_to_dict(
    persons: int | None, boarding: str | None, wind: float | None, lat: float
) -> None:
    doc = situation_doc(
        position={"lat": lat, "lon": 1.8},
        boat={"persons_aboard": persons, "boarding": boarding},
        environment={"wind_kn": wind},
    )
    s = parse_situation(doc)
    again = s.to_dict()
    validate(again, "situation")
    assert parse_situation(again) == s
