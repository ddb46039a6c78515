"""Coordination: exactly one coordinating centre, moved only by the receiving centre's accept.

The property test runs random sequences of every kind of command (valid or not) and checks,
after each, the invariants of issue 5: one centre per case, changed only by an explicit accept of
the other centre; a closed case has every reported person accounted for; the history rebuilds
the same cases.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from channelwatch.cases import (
    AcceptHandover,
    Actor,
    AssignTask,
    AttachReport,
    CaseBook,
    CaseBookConfig,
    CaseCommandError,
    CaseEvent,
    CaseStatus,
    CloseCase,
    Command,
    ExpireHandovers,
    MergeCases,
    NotAuthorisedError,
    OpenCase,
    OutcomeKind,
    RecordOutcome,
    RejectHandover,
    ReopenCase,
    Report,
    ReportKind,
    RequestHandover,
    Role,
    SplitReport,
    SuspendSearch,
    TaskKind,
    TaskStatus,
    UpdateTask,
    WithdrawHandover,
    pending_requests,
    replay,
)
from channelwatch.cases.errors import HandoverError
from channelwatch.cases.model import SYSTEM_ACTOR
from channelwatch.events import MemorySink

Lookup = Callable[[float, float], str | None]
T0 = datetime(2021, 11, 24, 1, 0, tzinfo=UTC)
ACTORS = [
    Actor("fr-op", "FR"),
    Actor("gb-op", "GB"),
    Actor("fr-sup", "FR", Role.SUPERVISOR),
    Actor("gb-sup", "GB", Role.SUPERVISOR),
    Actor("crew", "RNLI", Role.CREW),
]


def _report(n: int, t: datetime, lon: float | None, persons: int | None) -> Report:
    if lon is None:
        return Report(f"r{n}", ReportKind.CALL, t, persons=persons)
    return Report(f"r{n}", ReportKind.CALL, t, 51.0, lon, 200.0, persons)


op_strategy = st.tuples(
    # Weighted towards the commands that move coordination and close cases.
    st.sampled_from(
        ["open"] * 3
        + ["attach"] * 3
        + ["request"] * 3
        + ["accept"] * 4
        + ["outcome"] * 3
        + ["close"] * 3
        + ["suspend"] * 2
        + ["reject", "withdraw", "expire", "task", "task_up", "reopen", "merge", "split"]
    ),
    st.integers(0, len(ACTORS) - 1),  # actor
    st.integers(0, 3),  # case index
    st.one_of(st.none(), st.floats(1.0, 2.0)),  # longitude of a report
    st.integers(1, 50),  # a count
    st.integers(1, 40),  # minutes since the previous command
    st.sampled_from([None, "FR", "GB", "BE"]),  # a centre named in a command
)


def _command(book: CaseBook, op: tuple[Any, ...], n: int, t: datetime) -> Command | None:
    kind, ai, ci, lon, count, _, centre = op
    actor = ACTORS[ai]
    ids = sorted(book.cases)
    if kind in ("accept", "reject", "withdraw"):
        # Answer a pending request when there is one (by a random actor: right or wrong centre).
        ids = [i for i in ids if book.cases[i].pending_handover is not None] or ids
    cid = ids[ci % len(ids)] if ids else "C-9999"
    base: dict[str, Any] = {"actor": actor, "time": t}
    if kind == "open":
        return OpenCase(**base, report=_report(n, t, lon, count))
    if kind == "attach":
        return AttachReport(**base, case_id=cid, report=_report(n, t, lon, count))
    if kind == "request":
        return RequestHandover(**base, case_id=cid, reason="asked", to_centre=centre)
    if kind == "accept":
        req = book.cases[cid].pending_handover if cid in book.cases else None
        if req is not None and ai < 3:
            # Mostly the addressee answers; otherwise a random (often wrong) actor tries.
            base["actor"] = Actor("op", req.to_centre)
        return AcceptHandover(**base, case_id=cid)
    if kind == "reject":
        return RejectHandover(**base, case_id=cid, reason="declined")
    if kind == "withdraw":
        return WithdrawHandover(**base, case_id=cid, reason="withdrawn")
    if kind == "expire":
        return ExpireHandovers(**base)
    if kind == "task":
        return AssignTask(**base, case_id=cid, asset=f"boat-{count % 3}", kind=TaskKind.RESCUE)
    if kind == "task_up":
        case = book.cases.get(cid)
        if case is None or not case.tasks:
            return None
        status = list(TaskStatus)[count % len(TaskStatus)]
        return UpdateTask(**base, case_id=cid, task_id=case.tasks[-1].task_id, status=status)
    if kind == "outcome":
        return RecordOutcome(
            **base,
            case_id=cid,
            kind=OutcomeKind.RESCUED,
            count=count,
            source="unit",
            by="unit",
            evidence_ref=f"ev-{n}",
            verified=count % 4 != 0,
            refers_to="a boat" if count % 8 == 0 else None,
        )
    if kind == "close":
        return CloseCase(**base, case_id=cid)
    if kind == "suspend":
        return SuspendSearch(**base, case_id=cid, reason="searched")
    if kind == "reopen":
        return ReopenCase(**base, case_id=cid, reason="new call")
    if kind == "merge":
        other = ids[(ci + 1) % len(ids)] if ids else "C-9998"
        return MergeCases(**base, case_id=cid, other_case_id=other, reason="same boat")
    if kind == "split":
        case = book.cases.get(cid)
        if case is None or not case.reports:
            return None
        return SplitReport(
            **base, case_id=cid, report_id=case.reports[0].report_id, reason="other boat"
        )
    raise AssertionError(kind)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops=st.lists(op_strategy, min_size=20, max_size=60))
def test_one_coordinating_centre_changed_only_by_the_receiving_centre(
    ops: list[tuple[Any, ...]], line_srr: Lookup
) -> None:
    sink = MemorySink()
    book = CaseBook(sink, line_srr, config=CaseBookConfig(handover_ttl_s=3600))
    # Two boats to start from, one in each region; the random commands do the rest.
    book.execute(OpenCase(actor=ACTORS[0], time=T0, report=_report(-1, T0, 1.8, 30)))
    book.execute(OpenCase(actor=ACTORS[1], time=T0, report=_report(-2, T0, 1.2, 20)))
    t = T0
    for n, op in enumerate(ops):
        t = t + timedelta(minutes=op[5])
        cmd = _command(book, op, n, t)
        if cmd is None:
            continue
        before = book.cases
        mark = len(sink.events)
        history = list(sink.events)
        try:
            book.execute(cmd)
        except CaseCommandError:
            # A refusal changes no case and is itself recorded.
            assert book.cases == before or sink.events[mark].type == CaseEvent.HANDOVER_EXPIRED
            assert sink.events[-1].type == CaseEvent.COMMAND_REFUSED
        assert sink.events[:mark] == history  # append-only: the past never changes
        new_events = sink.events[mark:]
        for case_id, case in book.cases.items():
            assert case.centre in ("FR", "GB")
            assert sum(1 for h in case.handovers if h.status.value == "pending") <= 1
            old = before.get(case_id)
            if old is not None and old.centre != case.centre:
                accepts = [
                    e
                    for e in new_events
                    if e.type == CaseEvent.HANDOVER_ACCEPTED and e.payload["case_id"] == case_id
                ]
                assert len(accepts) == 1
                req = case.handover(accepts[0].payload["request_id"])
                assert req is not None
                assert (req.from_centre, req.to_centre) == (old.centre, case.centre)
                assert accepts[0].actor.split("/")[0] == case.centre
            if case.status is CaseStatus.CLOSED:
                tally = book.tally(case_id)
                assert tally.figure is not None and tally.accounted >= tally.figure
        for e in new_events:
            if e.type == CaseEvent.CASE_CLOSED and e.payload["kind"] == "search_suspended":
                # Suspended by a supervisor of the centre coordinating at that moment.
                assert e.payload["actor"]["role"] == "supervisor"
                assert e.payload["actor"]["centre"] == before[e.payload["case_id"]].centre
    event(f"handovers accepted: {min(3, len(sink.of_type('handover_accepted')))}")
    event(f"cases closed or suspended: {min(3, len(sink.of_type('case_closed')))}")
    # The history alone rebuilds the same cases; the book recorded nothing the sink lacks.
    assert replay(sink.events).cases == book.cases
    assert list(book.events) == sink.events


def _book(line_srr: Lookup) -> tuple[CaseBook, MemorySink, str]:
    sink = MemorySink()
    book = CaseBook(sink, line_srr)
    res = book.execute(OpenCase(actor=ACTORS[0], time=T0, report=_report(0, T0, 1.8, 30)))
    assert res.case_id is not None
    return book, sink, res.case_id


def test_opening_centre_is_the_sar_region_of_the_first_position(line_srr: Lookup) -> None:
    book = CaseBook(MemorySink(), line_srr)
    # A call taken by the UK from a boat in the French region: France coordinates.
    res = book.execute(OpenCase(actor=ACTORS[1], time=T0, report=_report(0, T0, 1.8, 30)))
    assert res.case_id is not None and book.case(res.case_id).centre == "FR"
    # Without a position, the centre that opened it.
    res = book.execute(OpenCase(actor=ACTORS[1], time=T0, report=_report(1, T0, None, 30)))
    assert res.case_id is not None and book.case(res.case_id).centre == "GB"
    with pytest.raises(NotAuthorisedError):
        book.execute(OpenCase(actor=ACTORS[4], time=T0, report=_report(2, T0, 1.8, 30)))


def test_request_then_reject_leaves_the_case_and_is_not_re_raised_at_once(
    line_srr: Lookup,
) -> None:
    book, _sink, cid = _book(line_srr)
    t1 = T0 + timedelta(minutes=10)
    res = book.execute(
        AttachReport(actor=ACTORS[1], time=t1, case_id=cid, report=_report(1, t1, 1.4, 30))
    )
    assert [e.type for e in res.events] == ["case_correlated", "handover_requested"]
    assert pending_requests(book) == [(cid, f"{cid}-H1", "GB")]  # the alert list
    with pytest.raises(NotAuthorisedError):
        book.execute(RejectHandover(actor=ACTORS[0], time=t1, case_id=cid, reason="no"))
    book.execute(RejectHandover(actor=ACTORS[1], time=t1, case_id=cid, reason="no asset"))
    assert book.case(cid).centre == "FR"
    t2 = t1 + timedelta(minutes=5)
    res = book.execute(
        AttachReport(actor=ACTORS[1], time=t2, case_id=cid, report=_report(2, t2, 1.3, 30))
    )
    assert [e.type for e in res.events] == ["case_correlated"]  # the rejection stands a while
    t3 = t2 + timedelta(hours=1)
    res = book.execute(
        AttachReport(actor=ACTORS[1], time=t3, case_id=cid, report=_report(3, t3, 1.2, 30))
    )
    assert [e.type for e in res.events] == ["case_correlated", "handover_requested"]


def test_accept_after_expiry_is_refused_and_expiry_recorded(line_srr: Lookup) -> None:
    book, sink, cid = _book(line_srr)
    book.execute(RequestHandover(actor=ACTORS[0], time=T0, case_id=cid, reason="boat heading NW"))
    late = T0 + timedelta(hours=1)
    with pytest.raises(HandoverError, match="no pending handover request"):
        book.execute(AcceptHandover(actor=ACTORS[1], time=late, case_id=cid))
    assert [e.type for e in sink.events[-2:]] == ["handover_expired", "command_refused"]
    assert book.case(cid).centre == "FR"


def test_only_the_coordinating_centre_asks_to_hand_a_case_over(line_srr: Lookup) -> None:
    book, _, cid = _book(line_srr)
    # Dover cannot ask for Gris-Nez's case and then accept its own request: coordination is
    # handed over by the centre that holds it, and accepted by the other.
    with pytest.raises(NotAuthorisedError, match="only the coordinating centre"):
        book.execute(
            RequestHandover(actor=ACTORS[1], time=T0, case_id=cid, reason="we can take it")
        )
    assert book.case(cid).pending_handover is None and book.case(cid).centre == "FR"
    # the system may ask (a boat in the other region); the receiving centre still decides
    book.execute(RequestHandover(actor=SYSTEM_ACTOR, time=T0, case_id=cid, reason="in GB SRR"))
    req = book.case(cid).pending_handover
    assert req is not None and req.to_centre == "GB" and book.case(cid).centre == "FR"


def test_withdraw_only_by_the_requesting_centre(line_srr: Lookup) -> None:
    book, _, cid = _book(line_srr)
    book.execute(RequestHandover(actor=ACTORS[0], time=T0, case_id=cid, reason="boat heading NW"))
    req = book.case(cid).pending_handover
    assert req is not None and (req.from_centre, req.to_centre) == ("FR", "GB")
    with pytest.raises(NotAuthorisedError):
        book.execute(WithdrawHandover(actor=ACTORS[1], time=T0, case_id=cid, reason="x"))
    book.execute(WithdrawHandover(actor=ACTORS[0], time=T0, case_id=cid, reason="we keep it"))
    assert book.case(cid).pending_handover is None and book.case(cid).centre == "FR"
    with pytest.raises(HandoverError):
        book.execute(
            RequestHandover(actor=ACTORS[0], time=T0, case_id=cid, reason="x", to_centre="FR")
        )


def test_merge_needs_one_coordinating_centre(line_srr: Lookup) -> None:
    book, _, a = _book(line_srr)
    res = book.execute(OpenCase(actor=ACTORS[1], time=T0, report=_report(1, T0, 1.2, 30)))
    b = res.case_id
    assert b is not None and book.case(b).centre == "GB"
    with pytest.raises(CaseCommandError, match="hand one over first"):
        book.execute(
            MergeCases(actor=ACTORS[0], time=T0, case_id=a, other_case_id=b, reason="same")
        )
    book.execute(RequestHandover(actor=ACTORS[1], time=T0, case_id=b, reason="same boat"))
    book.execute(AcceptHandover(actor=ACTORS[0], time=T0, case_id=b))
    book.execute(MergeCases(actor=ACTORS[0], time=T0, case_id=a, other_case_id=b, reason="same"))
    assert book.case(b).status is CaseStatus.MERGED
    assert {r.report_id for r in book.case(a).reports} == {"r0", "r1"}
    assert book.case_of_report("r1").case_id == a
