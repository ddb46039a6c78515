"""The live pipeline's pure parts: alert rules, projection to store rows, sweeps, the clock."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from channelwatch.api.live import alerts as rules
from channelwatch.api.live.clock import ReplayClock
from channelwatch.api.live.projection import contact_event, project
from channelwatch.api.live.service import against_advice, redact_case
from channelwatch.api.live.tracking import radar_sweeps
from channelwatch.events import Event
from channelwatch.ingest.events import observation_event
from channelwatch.ingest.observation import (
    AisPosition,
    ContactReport,
    DistressCall,
    EngineState,
    Sensor,
)
from channelwatch.store import open_store

T0 = datetime(2025, 11, 27, 1, 0, tzinfo=UTC)


def test_sar_crossing_needs_a_change_of_region_for_a_small_boat() -> None:
    prev: dict[str, str] = {}
    assert rules.sar_crossings(["T-1", "AIS-1"], ["small_boat", "ship"], ["FR", "FR"], prev) == []
    assert rules.sar_crossings(["T-1"], ["small_boat"], [None], prev) == []  # left the area
    got = rules.sar_crossings(["T-1", "AIS-1"], ["small_boat", "ship"], ["GB", "GB"], prev)
    assert got == [("T-1", "FR", "GB")]  # ships cross all day: not followed
    assert rules.sar_crossings(["T-1"], ["small_boat"], ["GB"], prev) == []


@given(st.lists(st.sampled_from(["FR", "GB", None]), max_size=40))
def test_crossings_count_every_change_between_known_regions(seq: list[str | None]) -> None:
    prev: dict[str, str] = {}
    n = sum(len(rules.sar_crossings(["T"], ["small_boat"], [r], prev)) for r in seq)
    known = [r for r in seq if r is not None]
    assert n == sum(1 for a, b in itertools.pairwise(known) if a != b)


def test_taxi_pickup_on_real_embarkation_beaches() -> None:
    from channelwatch.region import load_region

    beaches = [b for b in load_region().beaches if b.role == "embarkation"]
    b = beaches[0]
    bla = [x.lat for x in beaches]
    blo = [x.lon for x in beaches]
    # one boat 100 m from the beach, one 5 km out
    lat = [b.lat + 100 / 111_000, b.lat + 5000 / 111_000]
    lon = [b.lon, b.lon]
    idx, dist = rules.near_beaches(lat, lon, bla, blo)
    assert idx[0] >= 0 and 50 < dist[0] < 150 and idx[1] == -1
    prev: dict[str, int] = {}
    ids, kinds = ["T-1", "T-2"], ["small_boat", "small_boat"]
    assert rules.taxi_pickups(ids, kinds, [1.0, 1.0], [2, 2], idx.tolist(), prev) == [
        ("T-1", int(idx[0]), None, 2)
    ]
    assert rules.taxi_pickups(ids, kinds, [1.0, 1.0], [2, 40], idx.tolist(), prev) == []
    got = rules.taxi_pickups(ids, kinds, [0.5, 1.0], [30, 40], idx.tolist(), prev)
    assert got == [("T-1", int(idx[0]), 2, 30)]  # more aboard while still at the beach
    assert rules.taxi_pickups(ids, kinds, [8.0, 1.0], [50, 40], idx.tolist(), prev) == []


def test_alerts_of_tracker_and_case_events() -> None:
    a = rules.alert_for_track_event(
        "track.new_small_boat", {"track_id": "T-3", "lat": 51.0, "lon": 1.5, "persons_estimate": 40}
    )
    assert a is not None and a.kind == "new_small_boat" and "40" in a.message
    assert rules.alert_for_track_event("track.correlated", {"track_id": "T-3"}) is None
    lost = rules.alert_for_track_event("track.lost", {"track_id": "AIS-1", "kind": "ship"})
    assert lost is None
    up = rules.alert_for_case_event(
        "assessment_attached", {"case_id": "C-1", "phase": "distress"}, "alert"
    )
    assert up is not None and up.severity == rules.CRITICAL
    down = rules.alert_for_case_event(
        "assessment_attached", {"case_id": "C-1", "phase": "alert"}, "distress"
    )
    assert down is None
    ho = rules.alert_for_case_event(
        "handover_requested", {"case_id": "C-1", "to_centre": "GB", "request_id": "H-1"}, None
    )
    assert ho is not None and ho.centre == "GB"


def test_contact_events_have_ingests_payload() -> None:
    c = ContactReport(T0, 51.0, 1.5, Sensor.RADAR, "r1", 30.0, 40, "dinghy", "r1-1")
    k = DistressCall(T0, 51.0, 1.5, 100.0, 33, True, True, EngineState.FAILED, "c-1", "n")
    for obs in (c, k):
        mine, theirs = contact_event(obs, "FR/op"), observation_event(obs, "FR/op")
        assert (mine.type, dict(mine.payload), mine.actor) == (
            theirs.type,
            dict(theirs.payload),
            theirs.actor,
        )


def test_projection_is_idempotent_on_a_real_store(tmp_path: Path) -> None:
    events = [
        (0, contact_event(ContactReport(T0, 51.0, 1.5, Sensor.RADAR, "r1", 30.0), "FR/op")),
        (1, Event("case_opened", T0, "FR/op", {"case_id": "C-0001"})),
        (
            2,
            Event(
                "alert",
                T0,
                "SYSTEM/channelwatch",
                {"alert_id": "A-1", "kind": "x", "severity": "info", "message": "m"},
            ),
        ),
        (3, Event("alert_acknowledged", T0, "GB/op", {"alert_id": "A-1"})),
        (4, Event("track.lost", T0, "tracker", {"track_id": "T-1"})),
    ]
    changes = project(events)
    assert len(changes.contacts) == 1 and len(changes.case_events) == 1
    assert len(changes.alerts) == 1 and len(changes.acknowledgements) == 1
    assert changes.ledger_applied == 4
    repo = open_store(tmp_path / "s.db")
    try:
        repo.apply(changes)
        repo.apply(changes)
        assert repo.count_contacts() == 1
        alert = repo.get_alert("A-1")
        assert alert is not None and alert.acknowledged_by == "GB/op"
    finally:
        repo.close()


@given(st.lists(st.tuples(st.sampled_from(["r1", "r2", "air"]), st.integers(0, 3)), max_size=30))
def test_radar_sweeps_keep_every_observation_in_order(spec: list[tuple[str, int]]) -> None:
    obs = [
        ContactReport(
            T0 + timedelta(seconds=t),
            51.0,
            1.5,
            Sensor.AERIAL if s == "air" else Sensor.RADAR,
            s,
            30.0,
        )
        for s, t in spec
    ]
    groups = radar_sweeps(obs)
    flat = [o for g in groups for o in (g if isinstance(g, list) else [g])]
    assert flat == obs
    for g in groups:
        if isinstance(g, list):
            assert len({(o.sensor_id, o.time) for o in g}) == 1
            assert all(o.sensor is Sensor.RADAR for o in g)
        else:
            assert g.sensor is not Sensor.RADAR


def test_radar_sweeps_leave_ais_alone() -> None:
    ais = AisPosition(T0, 227000001, 1, 51.0, 1.5)
    assert radar_sweeps([ais]) == [ais]


def test_replay_clock_runs_at_the_speed() -> None:
    mono = [100.0]
    clock = ReplayClock(60.0, monotonic=lambda: mono[0])
    clock.begin(T0, T0 + timedelta(hours=1))
    mono[0] += 30.0
    assert clock.now() == T0 + timedelta(minutes=30)
    assert clock.wall_delay_s(T0 + timedelta(minutes=31)) == 1.0
    d = clock.to_dict()
    assert d["mode"] == "replay" and d["speed"] == 60.0 and d["running"]
    mono[0] += 60.0
    clock.finish()  # the input ended: the clock holds the scenario's end
    assert not clock.to_dict()["running"]
    mono[0] += 600.0
    assert clock.now() == T0 + timedelta(hours=1)


def test_against_advice_on_recorded_verdicts() -> None:
    advice = {
        "stop_before_boarding": {"verdict": "prohibited", "required_actions": ["monitor"]},
    }
    assert against_advice("stop_before_boarding", advice)
    assert not against_advice("monitor", advice)
    assert against_advice("escort", advice)  # a required action was not the one chosen
    assert not against_advice(
        "escort", {"escort": {"verdict": "permitted", "required_actions": []}}
    )


def test_partner_view_of_a_case_drops_internal_fields() -> None:
    case = {
        "case_id": "C-1",
        "centre": "FR",
        "opened_by": "FR/gn-operator",
        "reports": [{"report_id": "c", "received_by": "FR", "lat": 51.0}],
        "outcomes": [{"kind": "rescued", "count": 3, "recorded_by": "FR/x", "evidence_ref": "E"}],
        "handovers": [
            {"request_id": "H", "reason": "why", "requested_by": "SYSTEM/x", "status": "pending"}
        ],
        "closure": {"kind": "all_accounted", "reason": "r", "by": "FR/x", "time": "t"},
        "notes": [{"text": "internal"}],
        "persons_revision": {"by": "FR/sup", "reason": "r", "count": 3},
    }
    p = redact_case(case)
    text = str(p)
    for secret in ("gn-operator", "internal", "why", "FR/x", "FR/sup", "'E'"):
        assert secret not in text
    assert p["case_id"] == "C-1" and p["reports"][0]["lat"] == 51.0
    assert p["handovers"][0]["status"] == "pending"
