"""What leaves a centre: the partner's copy of its events (share.py)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from channelwatch.cases.codec import case_to_dict
from channelwatch.cases.fold import CaseState, replay
from channelwatch.cases.kinds import CaseEvent
from channelwatch.events import Event
from channelwatch.federation.share import (
    CASE_KEYS,
    CONTACT_KEYS,
    TRACK_KEYS,
    TRACK_PICTURE,
    Kind,
    classify,
    share,
)

T = datetime(2021, 11, 24, 1, 30, tzinfo=UTC)


def _staff_refs(events: list[Event]) -> set[str]:
    refs = set()
    for e in events:
        actor = e.payload.get("actor")
        if isinstance(actor, dict) and actor.get("centre") != "SYSTEM":
            refs.add(str(actor["ref"]))
    return refs


def test_the_pattern_of_24_november_reaches_the_partner_without_staff_names_or_advice(
    nov2021_events: list[Event],
) -> None:
    shared = [s for e in nov2021_events if (s := share(e, "FR")) is not None]
    text = json.dumps([{"a": e.actor, "p": e.payload} for _, e in shared], default=str)
    refs = _staff_refs(nov2021_events)
    assert refs, "the fixture names its operators"
    for ref in refs:
        assert f'"{ref}"' not in text and f"/{ref}" not in text
    assert '"advice"' not in text
    kinds = {e.type for _, e in shared}
    assert str(CaseEvent.CORRELATION_SUGGESTED) not in kinds
    assert str(CaseEvent.DECISION_RECORDED) not in kinds
    assert str(CaseEvent.ADVICE_SHOWN) not in kinds
    assert str(CaseEvent.HANDOVER_REQUESTED) in kinds


def _shared_view(case: dict[str, Any]) -> dict[str, Any]:
    """The parts of a case the partner must see exactly as the home centre does."""
    return {
        "centre": case["centre"],
        "status": case["status"],
        "phase": case["phase"],
        "reports": case["reports"],
        "persons": case["persons"],
        "tasks": case["tasks"],
        "handovers": [
            {k: h[k] for k in ("request_id", "from_centre", "to_centre", "status", "reason")}
            for h in case["handovers"]
        ],
        "outcomes": [
            {k: o[k] for k in ("outcome_id", "kind", "count", "verified", "retracted")}
            for o in case["outcomes"]
        ],
        "possibly_same_as": case["possibly_same_as"],
        "closure": case["closure"]["kind"] if case["closure"] else None,
    }


def test_the_partner_rebuilds_every_case_of_the_pattern_from_what_it_receives(
    nov2021_events: list[Event],
) -> None:
    home = replay(nov2021_events)
    mirror = CaseState()
    for e in nov2021_events:
        s = share(e, "FR")
        if s is not None and s[0] in (Kind.CASE, Kind.HANDOVER):
            mirror.apply(s[1])
    assert sorted(mirror.cases) == sorted(home.cases)
    assert len(home.cases) >= 5
    for cid, case in home.cases.items():
        assert _shared_view(case_to_dict(mirror.cases[cid])) == _shared_view(case_to_dict(case))
        # who acted is reduced to centre and role
        assert case_to_dict(mirror.cases[cid])["opened_by"].split("/")[1] in (
            "operator",
            "system",
            "supervisor",
            "crew",
        )


def _ev(type_: str, payload: dict[str, Any], actor: str = "FR/gn-op-7") -> Event:
    return Event(type_, T, actor, payload)


def test_internal_notes_and_anything_marked_internal_stay_home() -> None:
    assert share(_ev("case_note", {"case_id": "C-0001", "text": "x"}), "FR") is None
    assert share(_ev("note_added", {"case_id": "C-0001", "text": "x"}), "FR") is None
    marked = {"case_id": "C-0001", "task_id": "T1", "asset": "SNSM", "kind": "rescue"}
    assert share(_ev("task_assigned", {**marked, "internal": True}), "FR") is None
    assert share(_ev("task_assigned", {**marked, "audience": "internal"}), "FR") is None
    assert share(_ev("task_assigned", marked), "FR") is not None
    assert share(_ev("observation.ais_position", {"mmsi": 1}), "FR") is None
    assert share(_ev("federation.received", {"from": "GB"}), "FR") is None


def test_a_call_leaves_without_the_operators_note() -> None:
    call = {
        "time": T.isoformat(),
        "lat": 51.0,
        "lon": 1.7,
        "accuracy_m": 50.0,
        "persons_reported": 40,
        "engine": "failed",
        "call_id": "gn-call-12",
        "note": "caller's brother in Calais",
    }
    kind, out = share(_ev("observation.distress_call", call, actor="FR/gn-op-7"), "FR") or (
        None,
        None,
    )
    assert kind is Kind.CONTACT and out is not None
    assert "note" not in out.payload
    assert out.payload["persons_reported"] == 40
    assert out.actor == "FR/staff"


def test_refusals_go_back_only_to_the_centre_whose_command_was_refused() -> None:
    own = _ev("command_refused", {"case_id": "C-1", "command": "CloseCase", "error": "no"})
    theirs = _ev(
        "command_refused",
        {"case_id": "C-1", "command": "AcceptHandover", "error": "expired"},
        actor="GB/operator",
    )
    assert classify(own, "FR") is None
    assert classify(theirs, "FR") is Kind.CASE


def test_track_pictures_keep_listed_fields_and_drop_internal_tracks() -> None:
    tracks = [
        {"track_id": "T-1", "lat": 51.0, "lon": 1.6, "kind": "small_boat", "operator_note": "x"},
        {"track_id": "T-2", "lat": 51.1, "lon": 1.5, "internal": True},
    ]
    out = share(_ev(TRACK_PICTURE, {"time": T.isoformat(), "tracks": tracks}), "FR")
    assert out is not None and out[0] is Kind.TRACK
    assert out[1].payload["tracks"] == [
        {"track_id": "T-1", "lat": 51.0, "lon": 1.6, "kind": "small_boat"}
    ]


_keys = st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyz_"), min_size=1, max_size=12)
_values = st.one_of(st.none(), st.integers(), st.text(max_size=20), st.booleans())
_types = st.sampled_from(
    sorted(CASE_KEYS) + sorted(CONTACT_KEYS) + [TRACK_PICTURE, "federation.command", "case_note"]
)


@given(
    type_=_types,
    payload=st.dictionaries(_keys, _values, max_size=8),
    ref=st.text(st.sampled_from("abcdefghijklmnop-0123456789"), min_size=6, max_size=14),
    role=st.sampled_from(["operator", "supervisor"]),
)
def test_nothing_outside_the_allow_lists_leaves_and_no_staff_reference_does(
    type_: str, payload: dict[str, Any], ref: str, role: str
) -> None:
    payload = {**payload, "actor": {"ref": ref, "centre": "FR", "role": role}}
    if type_ == TRACK_PICTURE:
        payload["tracks"] = [{"track_id": "T-1", "note": ref, "lat": 51.0}]
    out = share(Event(type_, T, f"FR/{ref}", payload), "FR")
    if out is None:
        assert (
            type_ == "case_note"
            or type_ == str(CaseEvent.COMMAND_REFUSED)
            or (payload.get("internal") is True or payload.get("audience") == "internal")
        )
        return
    kind, event = out
    allowed = {
        Kind.CONTACT: CONTACT_KEYS.get(type_, frozenset()),
        Kind.TRACK: frozenset({"time", "tracks"}),
        Kind.COMMAND: frozenset({"case_id", "home", "command", "actor"}),
    }.get(kind, CASE_KEYS.get(type_, frozenset()))
    assert set(event.payload) <= allowed
    assert event.actor == f"FR/{role}"
    if "actor" in event.payload:
        assert event.payload["actor"] == {"ref": role, "centre": "FR", "role": role}
    for track in event.payload.get("tracks", []) if kind is Kind.TRACK else []:
        assert set(track) <= TRACK_KEYS
    # the only way the reference could still be there is as a value of a kept field
    kept_values = [v for k, v in payload.items() if k in allowed and k != "actor"]
    if ref not in json.dumps(kept_values):
        assert ref not in json.dumps(event.payload)


def test_a_servers_track_picture_and_live_updates_through_the_bus_bridge() -> None:
    from channelwatch.bus import InProcessBus
    from channelwatch.federation.bridge import bus_message, track_picture_event

    picture = track_picture_event(
        [
            {"track_id": "T-1", "lat": 51.0, "lon": 1.6, "operator_note": "x"},
            {"track_id": "T-2", "lat": 51.1, "lon": 1.5, "audience": "internal"},
        ],
        T,
    )
    assert picture.payload["tracks"] == [{"track_id": "T-1", "lat": 51.0, "lon": 1.6}]
    receipt = Event(
        "federation.received",
        T,
        "SYSTEM/federation",
        {"from": "FR", "kind": "track", "case_id": None, "sender_index": 4,
         "event": {"type": "track.picture", "payload": picture.payload}},
    )  # fmt: skip
    bus = InProcessBus()
    sub = bus.subscribe(["tracks"])
    message = bus_message(receipt)
    assert message is not None
    bus.publish(message)
    assert sub.pending() == 1
    assert message.type == "partner_track" and message.data["from"] == "FR"
    assert bus_message(picture) is None
