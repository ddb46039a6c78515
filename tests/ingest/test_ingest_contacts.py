"""Contact reports and distress calls: JSON, JSON lines and CSV; bad records rejected by field,
good ones kept. Positions come from the real embarkation beaches of the operating area."""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from channelwatch.errors import InputError
from channelwatch.ingest.contacts import parse_record, parse_text, read_contacts, to_dict
from channelwatch.ingest.errors import ContactError
from channelwatch.ingest.observation import ContactReport, DistressCall, EngineState, Sensor

T0 = "2024-09-03T04:10:00+02:00"


@pytest.fixture(scope="module")
def beaches(shared_data: Path) -> list[dict[str, Any]]:
    doc = json.loads((shared_data / "places" / "beaches.geojson").read_text())
    out = []
    for f in doc["features"]:
        lon, lat = f["geometry"]["coordinates"][:2]
        out.append({"name": f["properties"]["name"], "lat": lat, "lon": lon})
    return out


def _sighting(lat: float, lon: float, **extra: Any) -> dict[str, Any]:
    return {
        "kind": "contact",
        "time": T0,
        "lat": lat,
        "lon": lon,
        "sensor": "drone",
        "sensor_id": "drone-2",
        "sigma_m": 25,
        **extra,
    }


def _call(lat: float, lon: float, **extra: Any) -> dict[str, Any]:
    return {"kind": "call", "time": T0, "lat": lat, "lon": lon, "accuracy_m": 300, **extra}


def test_csv_of_sightings_at_every_beach(tmp_path: Path, beaches: list[dict[str, Any]]) -> None:
    path = tmp_path / "sightings.csv"
    fields = ["time", "lat", "lon", "sensor", "sensor_id", "sigma_m", "persons_estimate",
              "description"]  # fmt: skip
    with path.open("w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=fields)
        w.writeheader()
        for i, b in enumerate(beaches):
            w.writerow({"time": T0, "lat": b["lat"], "lon": b["lon"], "sensor": "aerial",
                        "sensor_id": "beech-200", "sigma_m": 50,
                        "persons_estimate": 40 + i if i % 2 else "",
                        "description": f"group on {b['name']}"})  # fmt: skip
    got = read_contacts(path)
    assert got.rejected == [] and len(got.accepted) == len(beaches) > 5
    first = got.accepted[0]
    assert isinstance(first, ContactReport)
    assert first.sensor is Sensor.AERIAL and first.persons_estimate is None
    assert first.time == datetime(2024, 9, 3, 2, 10, tzinfo=UTC)
    assert [(o.lat, o.lon) for o in got.accepted] == [(b["lat"], b["lon"]) for b in beaches]
    assert got.accepted[1].persons_estimate == 41  # type: ignore[union-attr]


def test_json_list_object_and_lines(beaches: list[dict[str, Any]]) -> None:
    b = beaches[0]
    records = [_sighting(b["lat"], b["lon"]), _call(b["lat"], b["lon"], persons_reported=55)]
    as_list = parse_text(json.dumps(records))
    as_lines = parse_text("\n".join(json.dumps(r) for r in records))
    single = parse_text(json.dumps(records[1]))
    assert as_list.accepted == as_lines.accepted
    assert single.accepted == as_list.accepted[1:]
    call = as_list.accepted[1]
    assert isinstance(call, DistressCall)
    assert call.engine is EngineState.UNKNOWN and call.persons_reported == 55


def test_bad_records_are_rejected_by_field_and_nothing_else_is_lost() -> None:
    records = [
        _sighting(51.0, 2.0),
        _sighting(95.0, 2.0),  # latitude out of range
        _call(51.0, 2.0, phone_number="+33 6 00 00 00 00"),  # personal data is refused
        _call(51.0, 2.0, time="2024-09-03T04:10:00"),  # no UTC offset
        _sighting(51.0, 2.0, sensor="sonar"),
        {k: v for k, v in _call(51.0, 2.0).items() if k != "accuracy_m"},
        _call(51.0, 2.0, engine="failed", children_aboard=True, water_coming_in="yes"),
        "not an object",
        {"kind": "rumour", "time": T0, "lat": 51.0, "lon": 2.0},
    ]
    got = parse_text(json.dumps(records))
    assert len(got.accepted) == 2
    assert got.accepted[1].engine is EngineState.FAILED  # type: ignore[union-attr]
    assert got.accepted[1].water_coming_in is True  # type: ignore[union-attr]
    assert [(r.record, r.field) for r in got.rejected] == [
        (2, "lat"),
        (3, "phone_number"),
        (4, "time"),
        (5, "sensor"),
        (6, "accuracy_m"),
        (8, "record"),
        (9, "kind"),
    ]
    assert "record 2: field 'lat'" in got.rejected[0].message


def test_kind_is_inferred_when_left_out() -> None:
    sighting = {k: v for k, v in _sighting(51.0, 2.0).items() if k != "kind"}
    call = {k: v for k, v in _call(51.0, 2.0).items() if k != "kind"}
    assert isinstance(parse_record(sighting), ContactReport)
    assert isinstance(parse_record(call), DistressCall)
    with pytest.raises(ContactError, match="kind"):
        parse_record({"time": T0, "lat": 51.0, "lon": 2.0})


def test_unix_seconds_time() -> None:
    obs = parse_record(_sighting(51.0, 2.0, time=1725329400))
    assert obs.time == datetime(2024, 9, 3, 2, 10, tzinfo=UTC)


def test_broken_json_line_is_one_rejected_record() -> None:
    text = json.dumps(_sighting(51.0, 2.0)) + "\n{broken\n" + json.dumps(_call(51.0, 2.0))
    got = parse_text(text)
    assert len(got.accepted) == 2 and [r.record for r in got.rejected] == [2]


def test_strict_raises_an_input_error_naming_the_record() -> None:
    with pytest.raises(ContactError, match="record 2: field 'sigma_m'") as info:
        parse_text(json.dumps([_sighting(51.0, 2.0), _sighting(51.0, 2.0, sigma_m=-1)]),
                   strict=True)  # fmt: skip
    assert isinstance(info.value, InputError)


def test_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"absent\.json"):
        read_contacts(tmp_path / "absent.json")


@settings(max_examples=100, deadline=None)
@given(
    lat=st.floats(-90, 90),
    lon=st.floats(-180, 180),
    sigma=st.floats(0.1, 10_000),
    minutes=st.integers(-10_000, 10_000),
    persons=st.one_of(st.none(), st.integers(0, 200)),
)
def test_accepted_records_round_trip_through_their_json(
    lat: float, lon: float, sigma: float, minutes: int, persons: int | None
) -> None:
    when = datetime(2024, 9, 3, tzinfo=UTC) + timedelta(minutes=minutes)
    rec = _sighting(lat, lon, sigma_m=sigma, time=when.isoformat(), persons_estimate=persons)
    obs = parse_record(rec)
    assert parse_record(to_dict(obs)) == obs
    assert obs.time == when
