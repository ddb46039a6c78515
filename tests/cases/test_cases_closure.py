"""Persons accounting, outcomes with evidence, tasks, closure, suspension and reopening."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from channelwatch.cases import (
    Actor,
    AssignTask,
    AttachAssessment,
    AttachReport,
    CaseBook,
    CaseCommandError,
    CaseStatus,
    CloseCase,
    ClosureRefusedError,
    NotAuthorisedError,
    OpenCase,
    OutcomeKind,
    RecordDecision,
    RecordOutcome,
    ReopenCase,
    Report,
    ReportKind,
    RetractOutcome,
    RevisePersons,
    Role,
    ShowAdvice,
    SuspendSearch,
    TaskKind,
    TaskStatus,
    UpdateTask,
    VerifyOutcome,
    tally,
)
from channelwatch.cases.model import Outcome, PersonsRevision
from channelwatch.events import MemorySink

Lookup = Callable[[float, float], str | None]
T0 = datetime(2021, 11, 24, 1, 0, tzinfo=UTC)
FR = Actor("fr-op", "FR")
FR_SUP = Actor("fr-sup", "FR", Role.SUPERVISOR)
GB = Actor("gb-op", "GB")


def _open(line_srr: Lookup, persons: int | None = 33) -> tuple[CaseBook, MemorySink, str]:
    sink = MemorySink()
    book = CaseBook(sink, line_srr)
    rep = Report("r1", ReportKind.CALL, T0, 51.0, 1.8, 100.0, persons)
    res = book.execute(OpenCase(actor=FR, time=T0, report=rep))
    assert res.case_id is not None
    return book, sink, res.case_id


def _outcome(book: CaseBook, cid: str, **kw: Any) -> None:
    fields: dict[str, Any] = {"actor": FR, "time": T0, "case_id": cid, "source": "unit"}
    fields.update(kw)
    book.execute(RecordOutcome(**fields))


def test_tally_range_best_and_figure() -> None:
    reports = [Report(f"r{i}", ReportKind.CALL, T0, persons=n) for i, n in enumerate([30, 33, 40])]
    t = tally(reports, [])
    assert (t.reported_low, t.reported_high, t.reported_best, t.figure) == (30, 40, 33, 40)
    rev = PersonsRevision(count=33, by="FR/sup", reason="count on rescue", time=T0)
    assert tally(reports, [], rev).figure == 33
    claim = Outcome(
        "o1",
        OutcomeKind.RESCUED,
        40,
        T0,
        "FR/op",
        "phone",
        verified=False,
        by="unit",
        refers_to="C-2",
    )
    t = tally(reports, [claim])
    assert (t.accounted, t.claimed, t.missing) == (0, 40, 40)


def test_closure_refused_until_every_reported_person_is_accounted(line_srr: Lookup) -> None:
    book, _sink, cid = _open(line_srr)
    with pytest.raises(ClosureRefusedError, match="0 of 33 reported persons"):
        book.execute(CloseCase(actor=FR, time=T0, case_id=cid))
    _outcome(book, cid, kind=OutcomeKind.RESCUED, count=30, by="SNSM Calais", evidence_ref="ev:1")
    with pytest.raises(ClosureRefusedError, match="30 of 33"):
        book.execute(CloseCase(actor=FR, time=T0, case_id=cid))
    _outcome(book, cid, kind=OutcomeKind.LANDED, count=2, where="Wissant", evidence_ref="ev:2")
    _outcome(book, cid, kind=OutcomeKind.DECEASED, count=1, evidence_ref="ev:3")
    with pytest.raises(NotAuthorisedError):
        book.execute(CloseCase(actor=GB, time=T0, case_id=cid))
    res = book.execute(CloseCase(actor=FR, time=T0, case_id=cid, reason="all accounted"))
    closed = res.events[-1]
    assert closed.type == "case_closed" and closed.payload["kind"] == "all_accounted"
    assert closed.payload["evidence_refs"] == ["ev:1", "ev:2", "ev:3"]
    assert closed.payload["tally"]["missing"] == 0
    assert book.case(cid).status is CaseStatus.CLOSED


def test_unknown_count_cannot_close_on_accounting(line_srr: Lookup) -> None:
    book, _, cid = _open(line_srr, persons=None)
    _outcome(book, cid, kind=OutcomeKind.RESCUED, count=12, by="RNLI Dover", evidence_ref="e1")
    with pytest.raises(ClosureRefusedError, match="no count of persons"):
        book.execute(CloseCase(actor=FR, time=T0, case_id=cid))
    with pytest.raises(NotAuthorisedError, match="supervisor"):
        book.execute(RevisePersons(actor=FR, time=T0, case_id=cid, count=12, reason="counted"))
    book.execute(
        RevisePersons(
            actor=FR_SUP, time=T0, case_id=cid, count=12, reason="head count aboard the lifeboat"
        )
    )
    book.execute(CloseCase(actor=FR, time=T0, case_id=cid))


def test_outcome_rules(line_srr: Lookup) -> None:
    book, _, cid = _open(line_srr)
    with pytest.raises(CaseCommandError, match="'by'"):
        _outcome(book, cid, kind=OutcomeKind.RESCUED, count=3, evidence_ref="e")
    with pytest.raises(CaseCommandError, match="'where'"):
        _outcome(book, cid, kind=OutcomeKind.LANDED, count=3, evidence_ref="e")
    with pytest.raises(CaseCommandError, match="evidence reference"):
        _outcome(book, cid, kind=OutcomeKind.DECEASED, count=3)
    with pytest.raises(CaseCommandError, match="refers_to"):
        _outcome(book, cid, kind=OutcomeKind.RESCUED, count=3, by="x", verified=False)
    with pytest.raises(CaseCommandError, match="count"):
        _outcome(book, cid, kind=OutcomeKind.DECEASED, count=0, evidence_ref="e")
    with pytest.raises(NotAuthorisedError):
        book.execute(
            RecordOutcome(
                actor=Actor("crew", "RNLI", Role.CREW),
                time=T0,
                case_id=cid,
                kind=OutcomeKind.DECEASED,
                count=1,
                source="s",
                evidence_ref="e",
            )
        )


def test_claim_verification_and_retraction(line_srr: Lookup) -> None:
    book, _, cid = _open(line_srr)
    _outcome(
        book,
        cid,
        kind=OutcomeKind.RESCUED,
        count=33,
        by="UK asset",
        verified=False,
        refers_to="boat seen by the UK at 02:58",
    )
    with pytest.raises(ClosureRefusedError, match="unverified claims"):
        book.execute(CloseCase(actor=FR, time=T0, case_id=cid))
    oid = f"{cid}-O1"
    with pytest.raises(NotAuthorisedError):
        book.execute(
            VerifyOutcome(actor=GB, time=T0, case_id=cid, outcome_id=oid, evidence_ref="ev:x")
        )
    book.execute(
        VerifyOutcome(
            actor=FR, time=T0, case_id=cid, outcome_id=oid, evidence_ref="ev:uk-rescue-report"
        )
    )
    assert book.tally(cid).accounted == 33
    book.execute(
        RetractOutcome(
            actor=FR, time=T0, case_id=cid, outcome_id=oid, reason="report was of another boat"
        )
    )
    assert book.tally(cid).accounted == 0
    with pytest.raises(CaseCommandError, match="already retracted"):
        book.execute(RetractOutcome(actor=FR, time=T0, case_id=cid, outcome_id=oid, reason="x"))


def test_one_evidence_reference_accounts_for_one_case(line_srr: Lookup) -> None:
    book, _, a = _open(line_srr)
    rep = Report("r2", ReportKind.CALL, T0, 51.0, 2.2, 100.0, 20)
    b = book.execute(OpenCase(actor=FR, time=T0, report=rep)).case_id
    assert b is not None
    _outcome(book, a, kind=OutcomeKind.RESCUED, count=33, by="cutter", evidence_ref="ev:cutter")
    with pytest.raises(CaseCommandError, match=f"already accounts for persons in case {a}"):
        _outcome(book, b, kind=OutcomeKind.RESCUED, count=20, by="cutter", evidence_ref="ev:cutter")
    book.execute(
        RetractOutcome(actor=FR, time=T0, case_id=a, outcome_id=f"{a}-O1", reason="wrong boat")
    )
    _outcome(book, b, kind=OutcomeKind.RESCUED, count=20, by="cutter", evidence_ref="ev:cutter")


def test_tasks_follow_their_lifecycle(line_srr: Lookup) -> None:
    book, sink, cid = _open(line_srr)
    with pytest.raises(NotAuthorisedError):
        book.execute(
            AssignTask(actor=GB, time=T0, case_id=cid, asset="RNLI Dover", kind=TaskKind.SEARCH)
        )
    book.execute(
        AssignTask(
            actor=FR,
            time=T0,
            case_id=cid,
            asset="SNSM Calais",
            kind=TaskKind.RESCUE,
            advice={"doctrine": "rescue", "rule": "R1"},
        )
    )
    tid = book.case(cid).tasks[0].task_id
    crew = Actor("crew", "SNSM", Role.CREW)
    for status in (TaskStatus.UNDER_WAY, TaskStatus.ON_SCENE, TaskStatus.UNDER_WAY):
        book.execute(UpdateTask(actor=crew, time=T0, case_id=cid, task_id=tid, status=status))
    _outcome(book, cid, kind=OutcomeKind.RESCUED, count=33, by="SNSM Calais", evidence_ref="e")
    with pytest.raises(ClosureRefusedError, match="tasks still active"):
        book.execute(CloseCase(actor=FR, time=T0, case_id=cid))
    book.execute(
        UpdateTask(actor=crew, time=T0, case_id=cid, task_id=tid, status=TaskStatus.COMPLETE)
    )
    with pytest.raises(CaseCommandError, match="cannot become"):
        book.execute(
            UpdateTask(actor=crew, time=T0, case_id=cid, task_id=tid, status=TaskStatus.CANCELLED)
        )
    book.execute(CloseCase(actor=FR, time=T0, case_id=cid))
    assigned = sink.of_type("task_assigned")[0]
    assert assigned.payload["advice"] == {"doctrine": "rescue", "rule": "R1"}
    assert [e.payload["status"] for e in sink.of_type("task_updated")] == [
        "under_way",
        "on_scene",
        "under_way",
        "complete",
    ]


def test_suspension_needs_a_named_supervisor_and_reopens(line_srr: Lookup) -> None:
    book, sink, cid = _open(line_srr)
    with pytest.raises(NotAuthorisedError, match="supervisor"):
        book.execute(SuspendSearch(actor=FR, time=T0, case_id=cid, reason="nothing found"))
    with pytest.raises(CaseCommandError, match="reason"):
        book.execute(SuspendSearch(actor=FR_SUP, time=T0, case_id=cid, reason="  "))
    book.execute(
        SuspendSearch(
            actor=FR_SUP, time=T0, case_id=cid, reason="drift area searched twice, nothing found"
        )
    )
    case = book.case(cid)
    assert case.status is CaseStatus.SUSPENDED and case.closure is not None
    assert case.closure.by == "FR/fr-sup"
    assert sink.events[-1].payload["tally"]["missing"] == 33
    with pytest.raises(CaseCommandError, match="reopen it first"):
        book.execute(AssignTask(actor=FR, time=T0, case_id=cid, asset="x", kind=TaskKind.SEARCH))
    book.execute(
        ReopenCase(actor=GB, time=T0 + timedelta(hours=3), case_id=cid, reason="new sighting")
    )
    case = book.case(cid)
    assert case.status is CaseStatus.OPEN and case.closure is None and case.closures == 1
    assert case.centre == "FR"  # reopening moves nothing


def test_assessment_advice_and_decisions_are_recorded(line_srr: Lookup) -> None:
    book, sink, cid = _open(line_srr)
    with pytest.raises(CaseCommandError, match="phase"):
        book.execute(AttachAssessment(actor=FR, time=T0, case_id=cid, phase="panic"))
    book.execute(
        AttachAssessment(
            actor=FR, time=T0, case_id=cid, phase="distress", assessment={"factors": ["overloaded"]}
        )
    )
    book.execute(
        ShowAdvice(actor=FR, time=T0, case_id=cid, advice={"verdict": "rescue", "policy": "v1"})
    )
    book.execute(
        RecordDecision(
            actor=FR,
            time=T0,
            case_id=cid,
            decision="launch SNSM Calais",
            advice={"verdict": "rescue", "policy": "v1"},
        )
    )
    assert book.case(cid).phase == "distress"
    decided = sink.of_type("decision_recorded")[0]
    assert decided.actor == "FR/fr-op" and decided.payload["advice"]["verdict"] == "rescue"


def test_injected_assessor_attaches_a_phase(line_srr: Lookup) -> None:
    def assessor(case: Any) -> dict[str, Any] | None:
        water = any(r.water_coming_in for r in case.reports)
        return {"phase": "distress" if water else "alert", "reports": len(case.reports)}

    sink = MemorySink()
    book = CaseBook(sink, line_srr, assessor=assessor)
    rep = Report("r1", ReportKind.CALL, T0, 51.0, 1.8, 100.0, 30)
    cid = book.execute(OpenCase(actor=FR, time=T0, report=rep)).case_id
    assert cid is not None and book.case(cid).phase == "alert"

    def broken(case: Any) -> dict[str, Any]:
        raise RuntimeError("model unavailable")

    book2 = CaseBook(MemorySink(), line_srr, assessor=broken)
    res = book2.execute(OpenCase(actor=FR, time=T0, report=rep))
    assert [e.type for e in res.events] == ["case_opened", "advice_shown"]
    assert res.events[1].payload["advice"]["kind"] == "assessment_failed"


@settings(max_examples=80, deadline=None)
@given(
    reported=st.lists(st.integers(1, 80), min_size=1, max_size=4),
    outcomes=st.lists(
        st.tuples(st.sampled_from(list(OutcomeKind)), st.integers(1, 60), st.booleans()),
        max_size=5,
    ),
)
def test_closure_accepted_exactly_when_accounted_reaches_the_highest_count(
    reported: list[int], outcomes: list[tuple[OutcomeKind, int, bool]], line_srr: Lookup
) -> None:
    book = CaseBook(MemorySink(), line_srr)
    cid = book.execute(
        OpenCase(
            actor=FR,
            time=T0,
            report=Report("r0", ReportKind.CALL, T0, 51.0, 1.8, 100.0, reported[0]),
        )
    ).case_id
    assert cid is not None
    for i, n in enumerate(reported[1:], start=1):
        book.execute(
            AttachReport(
                actor=FR,
                time=T0,
                case_id=cid,
                report=Report(f"r{i}", ReportKind.CALL, T0, persons=n),
            )
        )
    for j, (kind, count, verified) in enumerate(outcomes):
        book.execute(
            RecordOutcome(
                actor=FR,
                time=T0,
                case_id=cid,
                kind=kind,
                count=count,
                source="unit",
                verified=verified,
                evidence_ref=f"e{j}" if verified else None,
                by="unit",
                where="beach",
                refers_to=None if verified else "boat x",
            )
        )
    accounted = sum(c for _, c, v in outcomes if v)
    try:
        book.execute(CloseCase(actor=FR, time=T0, case_id=cid))
        closed = True
    except ClosureRefusedError:
        closed = False
    assert closed == (accounted >= max(reported))
