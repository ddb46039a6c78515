"""The whole path on real data: locate (region, sun), assess, evaluate, and the record."""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from doctrine_builders import RealDataRegion, parse, situation_doc

from channelwatch.doctrine import (
    COERCIVE,
    PERMITTED,
    PROHIBITED,
    REQUIRED,
    Action,
    Decision,
    SituationError,
    advise,
    default_library,
    record_advice_shown,
    record_decision,
)
from channelwatch.events import MemorySink
from channelwatch.geo import destination


@pytest.fixture(scope="module")
def region(shared_data: Path) -> RealDataRegion:
    return RealDataRegion(shared_data)


@pytest.fixture(scope="module")
def embarkation_beaches(shared_data: Path) -> list[tuple[str, float, float]]:
    feats = json.loads((shared_data / "places/beaches.geojson").read_text())["features"]
    return [
        (f["properties"]["name"], f["geometry"]["coordinates"][1], f["geometry"]["coordinates"][0])
        for f in feats
        if f["properties"]["role"] == "embarkation"
    ]


def test_taxi_boat_off_every_french_embarkation_beach(
    region: RealDataRegion, embarkation_beaches: list[tuple[str, float, float]]
) -> None:
    """By day, 100 m off each real embarkation beach: the taxi-boat directive permits a stop;
    50 m further out with passengers boarding, no policy does."""
    assert len(embarkation_beaches) >= 20
    for name, lat, lon in embarkation_beaches:
        lat1, lon1 = destination(lat, lon, 315.0, 100.0)
        doc = situation_doc(position={"lat": float(lat1), "lon": float(lon1)})
        advice = advise(parse(doc), "fr-2023-03-taxi-boats", region=region)
        assert advice.place.in_strip_200m, name
        assert advice.place.coast_country == "FR", name
        assert advice.verdict.verdict == PERMITTED, name
        doc["boat"] = {**doc["boat"], "boarding": "boarding", "persons_aboard": 30}
        for policy in default_library().names():
            v = advise(parse(doc), policy, region=region).verdict
            assert v.verdict == PROHIBITED, (name, policy)


def test_rescue_assets_come_from_the_real_stations(region: RealDataRegion) -> None:
    doc = situation_doc(
        position={"lat": 51.05, "lon": 1.55},
        boat={"persons_aboard": 60, "boarding": "loaded", "length_m": 10, "engine": "failed"},
        action="rescue",
    )
    advice = advise(parse(doc), "fr-2022-11", region=region)
    a = advice.assessment
    assert a.phase.value == "distress"  # overloaded and drifting
    assert advice.verdict.verdict == REQUIRED
    assert a.rescue_assets and a.nearest_eta_min is not None
    nearest = min((x for x in a.rescue_assets if x.eta_min is not None), key=lambda x: x.eta_min)
    assert nearest.country in ("GB", "FR") and nearest.eta_min == a.nearest_eta_min
    # survival without lifejackets (unknown, taken as none) is ~10 min: time left is negative
    assert a.time_left_min is not None and a.time_left_min < 0


def _at_sea_drownings(shared_data: Path) -> list[dict[str, str]]:
    path = shared_data / "missing_migrants/iom_mmp_mainland_europe_to_uk_2014_2026.csv"
    with path.open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    return [
        r
        for r in rows
        if "rown" in r["Cause of death (category)"]
        and r["No. survivors"]
        and float(r["No. survivors"]) > 0
        and ("Off " in r["Location of death"] or "English Channel" in r["Location of death"])
        and 50.3 < float(r["Latitude"]) < 51.6
        and 0.5 < float(r["Longitude"]) < 2.7
    ]


def test_real_fatal_incidents_replayed(shared_data: Path, region: RealDataRegion) -> None:
    """IOM Missing Migrants incidents at sea with survivors: with people in the water every
    policy requires rescue and forbids coercion; beforehand, a boat carrying that many people
    was already at least in alert."""
    incidents = _at_sea_drownings(shared_data)
    assert len(incidents) >= 15
    for r in incidents:
        persons = int(float(r["No. dead/missing"]) + float(r["No. survivors"]))
        day = datetime.fromisoformat(r["incident_date_clean"]).replace(hour=3, tzinfo=UTC)
        doc = situation_doc(
            time=day.isoformat(),
            position={"lat": float(r["Latitude"]), "lon": float(r["Longitude"])},
            boat={
                "kind": "inflatable",
                "length_m": 10,
                "persons_aboard": persons,
                "boarding": "loaded",
                "person_in_water": True,
                "children_aboard": bool(r["No. minors"]) or None,
            },
            environment={},
            action="rescue",
        )
        for policy in default_library().names():
            verdicts = advise(parse(doc), policy, all_actions=True, region=region).verdicts
            assert verdicts[Action.RESCUE].verdict == REQUIRED, (r["Main ID"], policy)
            assert all(verdicts[a].verdict == PROHIBITED for a in COERCIVE)
        before = {**doc, "time": (day - timedelta(hours=1)).isoformat()}
        before["boat"] = {**doc["boat"], "person_in_water": None}
        a = advise(parse(before), "fr-2022-11", region=region).assessment
        if persons >= 20:
            assert a.phase.rank >= 2, (r["Main ID"], a.summary)


def test_advise_hands_every_step_to_the_record(region: RealDataRegion) -> None:
    sink = MemorySink()
    doc = situation_doc(boat={"persons_aboard": 45, "boarding": "loaded", "length_m": 10})
    advice = advise(
        parse(doc),
        "fr-2025-11-framework",
        all_actions=True,
        region=region,
        sink=sink,
        actor="channelwatch/assess",
    )
    assert [e.type for e in sink.events] == ["assessment"] + ["doctrine_verdict"] * 7
    assert {e.policy_hash for e in sink.events} == {advice.policy_hash}
    assert sink.events[0].payload["phase"] == advice.assessment.phase.value
    shown = record_advice_shown(
        sink, advice.verdicts, shown_to="CROSS-GN/duty-officer", time=advice.situation.time
    )
    decided_at = advice.situation.time + timedelta(minutes=2)
    stop = Decision(
        decided_by="CROSS-GN/duty-officer",
        time=decided_at,
        action=Action.STOP_BEFORE_BOARDING,
        advice=advice.verdicts,
        note="test: against advice",
    )
    assert stop.against_advice
    i = record_decision(sink, stop)
    assert i == shown + 1
    event = sink.events[i]
    assert event.type == "decision" and event.actor == "CROSS-GN/duty-officer"
    assert event.payload["against_advice"] is True
    assert event.payload["advice"]["stop_before_boarding"]["verdict"] == PROHIBITED
    assert event.policy_hash == advice.policy_hash
    json.dumps([dict(e.payload) for e in sink.events])  # JSON-able, for the ledger
    monitor = Decision("CROSS-GN/duty-officer", decided_at, Action.MONITOR, advice.verdicts)
    assert monitor.against_advice is (
        bool(advice.verdicts[Action.MONITOR].required_actions)
        and Action.MONITOR not in advice.verdicts[Action.MONITOR].required_actions
    )


def test_advise_needs_an_action_unless_all_are_asked(region: RealDataRegion) -> None:
    doc = situation_doc()
    del doc["action"]
    with pytest.raises(SituationError, match="action is missing"):
        advise(parse(doc), "fr-2022-11", region=region)
    advice = advise(parse(doc), "fr-2022-11", region=region, all_actions=True)
    assert set(advice.verdicts) == set(Action)


def test_without_a_region_model_place_facts_are_unknown_and_taken_safely(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import channelwatch.assess.place as place_mod

    monkeypatch.setattr(place_mod, "_region_loader", lambda: None)
    advice = advise(parse(situation_doc()), "fr-2023-03-taxi-boats")
    assert advice.place.distance_to_coast_m is None
    assert any("region model not available" in n for n in advice.place.notes)
    assert advice.verdict.verdict == PROHIBITED
    assert any(r.unknown for r in advice.verdict.reasons)


def test_with_the_real_region_model_when_installed() -> None:
    import channelwatch.assess.place as place_mod

    if place_mod._region_loader() is None:
        pytest.skip("channelwatch.region.load_region not available yet")
    advice = advise(parse(situation_doc()), "fr-2023-03-taxi-boats", all_actions=True)
    assert advice.place.in_region is True
    assert advice.place.distance_to_coast_m is not None
    assert advice.place.coast_country == "FR"
    assert advice.place.territorial_sea == "FR"
