"""The pattern of 23-24 November 2021 replayed: what the case book does differently.

The fixture (data/nov2021_pattern.yaml) is data: public facts (times, counts) with illustrative
positions and other boats. Each report step carries ``truth``, the boat it came from, which only
these tests read.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from typing import Any

import pytest

from channelwatch.cases import CaseBook, CaseEvent, CaseStatus, ClosureKind, replay
from channelwatch.cases.codec import event_from_dict, event_to_dict
from channelwatch.cases.scenario import ScenarioResult, run_scenario
from channelwatch.events import Event, MemorySink

Lookup = Callable[[float, float], str | None]


@pytest.fixture(scope="module")
def replayed(
    nov2021_doc: dict[str, Any], srr_lookup: Lookup
) -> tuple[CaseBook, MemorySink, ScenarioResult]:
    sink = MemorySink()
    book = CaseBook(sink, srr_lookup)
    result = run_scenario(nov2021_doc, book)
    return book, sink, result


def _truth_of_reports(doc: dict[str, Any]) -> dict[str, str]:
    return {s["report"]["id"]: s["truth"] for s in doc["steps"] if s["do"] == "report"}


def test_every_expectation_of_the_fixture_holds(
    replayed: tuple[CaseBook, MemorySink, ScenarioResult],
) -> None:
    _, _, result = replayed
    assert [(s.index, s.op, s.error) for s in result.unexpected] == []
    assert len(result.steps) > 60


def test_calls_end_up_grouped_one_case_per_boat(
    replayed: tuple[CaseBook, MemorySink, ScenarioResult], nov2021_doc: dict[str, Any]
) -> None:
    book, _, _ = replayed
    truth = _truth_of_reports(nov2021_doc)
    boats_per_case = {
        c.case_id: {truth[r.report_id] for r in c.reports}
        for c in book.cases.values()
        if c.status is not CaseStatus.MERGED
    }
    # Every live case holds the reports of exactly one boat, and every boat has one case.
    assert all(len(b) == 1 for b in boats_per_case.values()), boats_per_case
    assert sorted(next(iter(b)) for b in boats_per_case.values()) == sorted(set(truth.values()))
    assert sum(len(c.reports) for c in book.cases.values()) == len(truth)


def test_the_system_never_suggested_attaching_a_call_to_another_boat(
    replayed: tuple[CaseBook, MemorySink, ScenarioResult], nov2021_doc: dict[str, Any]
) -> None:
    _book, sink, _ = replayed
    truth = _truth_of_reports(nov2021_doc)
    first_report: dict[str, str] = {}
    for rid, boat in truth.items():
        first_report.setdefault(boat, rid)
    # Rebuild the state as it was when each suggestion was shown: the case of a boat is the one
    # holding the boat's first report (operators' own mistakes aside, see the next test).
    state = replay([])
    same = 0
    for e in sink.events:
        if e.type == CaseEvent.CORRELATION_SUGGESTED and e.payload["advice"]["verdict"] == "same":
            rid = e.payload["report"]["report_id"]
            boat_case = state.report_case[first_report[truth[rid]]]
            assert e.payload["advice"]["case_id"] == boat_case, (rid, boat_case)
            same += 1
        state.apply(e)
    assert same >= 15
    # And the calls it could not tell apart were flagged, not merged.
    verdicts = [
        e.payload["advice"]["verdict"]
        for e in sink.events
        if e.type == CaseEvent.CORRELATION_SUGGESTED
    ]
    assert verdicts.count("possible") >= 2


def test_wrong_attachment_is_recorded_against_the_advice_then_split(
    replayed: tuple[CaseBook, MemorySink, ScenarioResult],
) -> None:
    book, sink, _ = replayed
    correlated = [
        e
        for e in sink.events
        if e.type == CaseEvent.CASE_CORRELATED and e.payload["report"]["report_id"] == "call-12"
    ]
    assert len(correlated) == 1
    wrong = correlated[0]
    assert wrong.payload["against_advice"] is True
    assert wrong.payload["advice"]["verdict"] == "possible"  # the advice shown is on record
    assert wrong.actor == "GB/hmcg-dover-operator-2"
    split = [e for e in sink.events if e.type == CaseEvent.REPORT_SPLIT]
    assert len(split) == 1 and split[0].payload["report_id"] == "call-12"
    assert book.case_of_report("call-12").case_id == book.case_of_report("call-03").case_id
    assert split[0].payload["case_id"] == book.case_of_report("call-07").case_id
    # Both cases' histories show the split.
    assert split[0] in book.history(book.case_of_report("call-03").case_id)
    assert split[0] in book.history(book.case_of_report("call-07").case_id)


def test_handover_raised_at_the_line_and_case_stays_until_accepted(
    replayed: tuple[CaseBook, MemorySink, ScenarioResult], srr_lookup: Lookup
) -> None:
    book, sink, _ = replayed
    case_id = book.case_of_report("call-07").case_id
    state = replay([])
    first_gb: str | None = None
    for e in sink.events:
        before = state.cases.get(case_id)
        state.apply(e)
        after = state.cases.get(case_id)
        if e.type == CaseEvent.CASE_CORRELATED and e.payload["case_id"] == case_id:
            rep = e.payload["report"]
            positioned = first_gb is None and rep["lat"] is not None
            if positioned and srr_lookup(rep["lat"], rep["lon"]) == "GB":
                first_gb = rep["report_id"]
        if before is not None and after is not None and before.centre != after.centre:
            # Coordination moved only on an explicit accept by the receiving centre.
            assert e.type == CaseEvent.HANDOVER_ACCEPTED
            assert e.actor.split("/")[0] == after.centre
    requests = [
        e
        for e in sink.events
        if e.type == CaseEvent.HANDOVER_REQUESTED and e.payload["case_id"] == case_id
    ]
    # The first request was raised by the system at the first position across the line ...
    assert requests[0].actor == "SYSTEM/channelwatch"
    assert requests[0].payload["trigger_report_id"] == first_gb == "call-15"
    # ... the French call two minutes later found FR still coordinating, and France could
    # not accept its own request to the UK.
    refused = [
        e
        for e in sink.events
        if e.type == CaseEvent.COMMAND_REFUSED and e.payload["command"] == "AcceptHandover"
    ]
    assert any("only a user of GB" in e.payload["error"] for e in refused)
    accepted = [
        e
        for e in sink.events
        if e.type == CaseEvent.HANDOVER_ACCEPTED and e.payload["case_id"] == case_id
    ]
    assert [e.actor.split("/")[0] for e in accepted] == ["GB", "FR"]
    assert accepted[0].time > requests[0].time
    case = book.case(case_id)
    assert [h.status.value for h in case.handovers] == ["accepted", "accepted"]


def test_unanswered_request_expires_and_changes_nothing(
    replayed: tuple[CaseBook, MemorySink, ScenarioResult],
) -> None:
    book, sink, _ = replayed
    case = book.case_of_report("call-03")
    assert [h.status.value for h in case.handovers] == ["expired", "accepted"]
    expired = [e for e in sink.events if e.type == CaseEvent.HANDOVER_EXPIRED]
    assert expired and all(e.actor == "SYSTEM/channelwatch" for e in expired)
    state = replay(sink.events[: sink.events.index(expired[0]) + 1])
    assert state.cases[case.case_id].centre == "FR"


def test_the_wrong_rescue_belief_cannot_close_the_case(
    replayed: tuple[CaseBook, MemorySink, ScenarioResult],
) -> None:
    _book, sink, result = replayed
    errors = {s.index: s.error or "" for s in result.refused}
    texts = list(errors.values())
    assert any("must say which boat or case it refers to" in t for t in texts)
    assert any("already accounts for persons in case" in t for t in texts)
    assert any("0 of 33 reported persons accounted for" in t and "unverified" in t for t in texts)
    assert any("needs a named supervisor" in t for t in texts)
    # Each refusal is itself on the record, with who tried.
    refused_events = [e for e in sink.events if e.type == CaseEvent.COMMAND_REFUSED]
    assert len(refused_events) == len(result.refused)


def test_final_accounting_and_suspension(
    replayed: tuple[CaseBook, MemorySink, ScenarioResult],
) -> None:
    book, _, result = replayed
    case = book.case_of_report("call-07")
    t = book.tally(case.case_id)
    assert (t.figure, t.rescued, t.deceased, t.accounted, t.missing) == (33, 2, 27, 29, 4)
    assert t.claimed == 0  # the wrong claim was retracted, with a reason
    assert any("29 of 33" in (s.error or "") for s in result.refused)
    assert case.status is CaseStatus.SUSPENDED and case.closure is not None
    assert case.closure.kind is ClosureKind.SEARCH_SUSPENDED
    assert case.closure.by == "FR/cross-gn-supervisor" and case.closure.reason
    # The other boats closed on evidence: every person accounted for.
    for rid in ("call-01", "call-03", "call-05"):
        other = book.case_of_report(rid)
        assert other.status is CaseStatus.CLOSED
        assert book.tally(other.case_id).missing == 0
        assert other.closure is not None and other.closure.evidence_refs


def test_history_rebuilds_the_same_cases_through_json(
    replayed: tuple[CaseBook, MemorySink, ScenarioResult],
) -> None:
    book, sink, _ = replayed
    lines = [json.dumps(event_to_dict(e)) for e in sink.events]
    events = [event_from_dict(json.loads(line)) for line in lines]
    rebuilt = CaseBook.rebuild(events, MemorySink(), lambda _a, _b: None)
    assert rebuilt.cases == book.cases
    assert list(book.events) == sink.events  # the book holds exactly what the ledger took


def test_every_event_names_its_case_and_its_actor(
    replayed: tuple[CaseBook, MemorySink, ScenarioResult],
) -> None:
    _, sink, _ = replayed
    by_type: dict[str, int] = defaultdict(int)
    for e in sink.events:
        by_type[e.type] += 1
        assert "case_id" in e.payload and "actor" in e.payload
        if e.type not in (CaseEvent.CORRELATION_SUGGESTED, CaseEvent.HANDOVER_EXPIRED):
            assert e.payload["case_id"] is not None, e
    for kind in (
        "case_opened",
        "case_correlated",
        "handover_requested",
        "handover_accepted",
        "task_assigned",
        "case_closed",
        "report_split",
        "cases_merged",
        "outcome_recorded",
        "command_refused",
        "decision_recorded",
    ):
        assert by_type[kind] >= 1, kind


def test_decisions_on_reports_carry_the_advice_shown(
    replayed: tuple[CaseBook, MemorySink, ScenarioResult],
) -> None:
    _, sink, _ = replayed
    shown: dict[str, Event] = {}
    for e in sink.events:
        if e.type == CaseEvent.CORRELATION_SUGGESTED:
            shown[e.payload["report"]["report_id"]] = e
        if e.type in (CaseEvent.CASE_OPENED, CaseEvent.CASE_CORRELATED):
            rep = e.payload["report"]
            if rep is None:
                continue
            advice = dict(e.payload["advice"])
            suggestion = shown[rep["report_id"]]
            # The decision points at the suggestion's place in the ledger and repeats it.
            assert advice.pop("event_index") == sink.events.index(suggestion)
            shown_advice = dict(suggestion.payload["advice"])
            shown_advice.pop("event_index")
            assert advice == shown_advice
