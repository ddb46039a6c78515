"""Event sourcing: histories rebuild cases; bad histories are refused with the event named."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from channelwatch.cases import (
    AcceptHandover,
    Actor,
    AttachReport,
    CaseBook,
    CaseState,
    HistoryError,
    OpenCase,
    Report,
    ReportKind,
    replay,
)
from channelwatch.cases.codec import event_from_dict, event_to_dict
from channelwatch.events import Event, MemorySink

Lookup = Callable[[float, float], str | None]
T0 = datetime(2021, 11, 24, 1, 0, tzinfo=UTC)
FR, GB = Actor("fr-op", "FR"), Actor("gb-op", "GB")


def _history(line_srr: Lookup) -> list[Event]:
    sink = MemorySink()
    book = CaseBook(sink, line_srr)
    cid = book.execute(
        OpenCase(actor=FR, time=T0, report=Report("r1", ReportKind.CALL, T0, 51.0, 1.8, 100.0, 30))
    ).case_id
    assert cid is not None
    t1 = T0 + timedelta(minutes=20)
    book.execute(
        AttachReport(
            actor=GB,
            time=t1,
            case_id=cid,
            report=Report("r2", ReportKind.CALL, t1, 51.0, 1.45, 100.0, 30),
        )
    )
    book.execute(AcceptHandover(actor=GB, time=t1, case_id=cid))
    return sink.events


def test_replay_skips_other_packages_events(line_srr: Lookup) -> None:
    other = Event("ais_position", T0, "ingest/receiver-1", {"mmsi": 227000000})
    events = _history(line_srr)
    state = replay([other, *events, other])
    assert state.skipped == 2 and state.applied == len(events)
    assert state.cases["C-0001"].centre == "GB"


def test_replay_can_continue_from_a_state(line_srr: Lookup) -> None:
    events = _history(line_srr)
    half = replay(events[:2])
    assert replay(events[2:], half).cases == replay(events).cases


def test_an_accept_by_the_wrong_centre_cannot_be_replayed(line_srr: Lookup) -> None:
    events = _history(line_srr)
    accept = events[-1]
    assert accept.type == "handover_accepted"
    forged = dataclasses.replace(accept, actor="FR/fr-op")
    with pytest.raises(HistoryError, match="cannot accept"):
        replay([*events[:-1], forged])


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (
            lambda e: dataclasses.replace(e, payload={**e.payload, "case_id": "C-0404"}),
            "unknown case",
        ),
        (
            lambda e: dataclasses.replace(e, payload={**e.payload, "centre": "BE"}),
            "must be FR or GB",
        ),
        (lambda e: dataclasses.replace(e, payload={**e.payload, "origin": "rumour"}), "rumour"),
    ],
)
def test_malformed_events_are_refused(
    line_srr: Lookup, mutate: Callable[[Event], Event], message: str
) -> None:
    events = _history(line_srr)
    idx = 1 if message == "unknown case" else 0  # correlate to a missing case / a bad open
    bad = mutate(events[idx])
    state = CaseState()
    with pytest.raises(HistoryError, match=message):
        replay([*events[:idx], bad], state)
    # A refused event leaves the state as it was before it.
    assert state.cases == replay(events[:idx]).cases


def test_opening_twice_is_refused(line_srr: Lookup) -> None:
    events = _history(line_srr)
    with pytest.raises(HistoryError, match="opened twice"):
        replay([events[0], events[0]])


def test_events_file_round_trip_and_bad_lines(line_srr: Lookup) -> None:
    events = _history(line_srr)
    back = [event_from_dict(json.loads(json.dumps(event_to_dict(e)))) for e in events]
    assert back == events
    with pytest.raises(HistoryError, match="UTC offset"):
        event_from_dict({**event_to_dict(events[0]), "time": "2021-11-24T01:00:00"})
    with pytest.raises(HistoryError, match="missing field 'type'"):
        event_from_dict({"time": "2021-11-24T01:00:00Z", "actor": "x"})
