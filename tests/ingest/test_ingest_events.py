"""Observations handed to the record as events."""

from __future__ import annotations

import json
from pathlib import Path

from channelwatch.events import MemorySink
from channelwatch.ingest.contacts import parse_record
from channelwatch.ingest.events import observation_event, record_observations
from channelwatch.ingest.sources import iter_observations


def test_observations_become_json_ready_events(shared_data: Path) -> None:
    sink = MemorySink()
    obs = list(iter_observations(shared_data / "ais" / "libais_tagblock.nmea"))
    assert record_observations(sink, obs) == 4
    first = sink.events[0]
    assert first.type == "observation.ais_position" and first.actor == "rORBCOMM104"
    assert first.time == obs[0].time and first.payload["mmsi"] == 224651000
    assert sink.of_type("observation.ais_static")[0].payload["name"] == "ROSINANTE"
    json.dumps([dict(e.payload) for e in sink.events])  # JSON-ready as it is


def test_contact_and_call_events() -> None:
    call = parse_record({"time": "2024-09-03T02:10:00Z", "lat": 50.9, "lon": 1.8,
                         "accuracy_m": 500, "engine": "failed"})  # fmt: skip
    ev = observation_event(call)
    assert (ev.type, ev.actor, ev.payload["engine"]) == ("observation.distress_call", "ingest",
                                                          "failed")  # fmt: skip
    assert ev.payload["time"] == "2024-09-03T02:10:00+00:00"
    sighting = parse_record({"time": "2024-09-03T02:10:00Z", "lat": 50.9, "lon": 1.8,
                             "sensor": "drone", "sensor_id": "d-7", "sigma_m": 20})  # fmt: skip
    assert observation_event(sighting).actor == "d-7"
