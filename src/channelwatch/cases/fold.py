"""Event sourcing: the state of every case is the fold of its append-only event history.

:class:`CaseState` applies events one at a time; :func:`replay` rebuilds the state from a
history (from the ledger, a store, or a JSON-lines file), so a server can keep only the events.
The fold re-checks the two rules no history may break, whatever wrote it: a case has exactly one
coordinating centre, and it changes only when the receiving centre accepts a pending request.
Events of other packages (observations, tracks, ...) are skipped.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from typing import Any

from channelwatch.cases.codec import get, outcome_from_dict, parse_time, report_from_dict
from channelwatch.cases.errors import HistoryError
from channelwatch.cases.kinds import CASE_EVENT_TYPES, CaseEvent
from channelwatch.cases.model import (
    Case,
    CaseStatus,
    Centre,
    Closure,
    ClosureKind,
    HandoverRequest,
    HandoverStatus,
    PersonsRevision,
    Report,
    ReportKind,
    Task,
    TaskKind,
    TaskStatus,
)
from channelwatch.events import Event

_CENTRES = frozenset(str(c) for c in Centre)


class CaseState:
    """All cases, rebuilt event by event. Cases are immutable values; the maps are replaced."""

    def __init__(self) -> None:
        self.cases: dict[str, Case] = {}
        self.report_case: dict[str, str] = {}  # report_id -> the case holding it
        self.evidence_case: dict[str, str] = {}  # evidence_ref -> the case it accounts in
        self.applied = 0  # case events applied
        self.skipped = 0  # events of other packages

    def copy(self) -> CaseState:
        other = CaseState()
        other.cases = dict(self.cases)
        other.report_case = dict(self.report_case)
        other.evidence_case = dict(self.evidence_case)
        other.applied, other.skipped = self.applied, self.skipped
        return other

    # -- helpers ---------------------------------------------------------------------------

    def _case(self, payload: Mapping[str, Any], what: str, key: str = "case_id") -> Case:
        cid = get(payload, key, what)
        case = self.cases.get(cid)
        if case is None:
            raise HistoryError(f"{what}: unknown case {cid!r}")
        return case

    def _put(self, case: Case) -> None:
        self.cases[case.case_id] = case

    def _index_outcomes(self, case: Case) -> None:
        for o in case.outcomes:
            if o.evidence_ref and o.counts:
                self.evidence_case[o.evidence_ref] = case.case_id

    # -- the fold --------------------------------------------------------------------------

    def apply(self, event: Event) -> None:
        """Apply one event. Raises :class:`HistoryError` if it cannot follow the history."""
        if event.type not in CASE_EVENT_TYPES:
            self.skipped += 1
            return
        kind = CaseEvent(event.type)
        p = event.payload
        what = f"{kind} at {event.time.isoformat()}"
        handler = _HANDLERS.get(kind)
        if handler is not None:
            try:
                handler(self, event, p, what)
            except HistoryError:
                raise
            except (ValueError, TypeError, AttributeError) as exc:
                # A malformed payload (bad enum value, wrong type): name the event.
                raise HistoryError(f"{what}: {exc}") from None
        self.applied += 1

    def _opened(self, event: Event, p: Mapping[str, Any], what: str) -> None:
        cid = str(get(p, "case_id", what))
        if cid in self.cases:
            raise HistoryError(f"{what}: case {cid!r} opened twice")
        centre = str(get(p, "centre", what))
        if centre not in _CENTRES:
            raise HistoryError(f"{what}: coordinating centre must be FR or GB, got {centre!r}")
        rep = p.get("report")
        reports: tuple[Report, ...] = ()
        if rep is not None:
            report = report_from_dict(rep, what)
            if report.report_id in self.report_case:
                raise HistoryError(f"{what}: report {report.report_id!r} is already in a case")
            reports = (report,)
        case = Case(
            case_id=cid,
            opened_at=event.time,
            opened_by=event.actor,
            origin=ReportKind(get(p, "origin", what)),
            centre=centre,
            reports=reports,
            possibly_same_as=tuple(p.get("possibly_same_as") or ()),
        )
        for r in reports:
            self.report_case[r.report_id] = cid
        self._put(case)

    def _correlated(self, event: Event, p: Mapping[str, Any], what: str) -> None:
        case = self._case(p, what)
        report = report_from_dict(get(p, "report", what), what)
        if report.report_id in self.report_case:
            raise HistoryError(f"{what}: report {report.report_id!r} is already in a case")
        self.report_case[report.report_id] = case.case_id
        self._put(dataclasses.replace(case, reports=(*case.reports, report)))

    def _split(self, event: Event, p: Mapping[str, Any], what: str) -> None:
        source = self._case(p, what)
        rid = str(get(p, "report_id", what))
        report = source.report(rid)
        if report is None:
            raise HistoryError(f"{what}: report {rid!r} is not in case {source.case_id}")
        to_id = str(get(p, "to_case_id", what))
        if to_id == source.case_id:
            raise HistoryError(f"{what}: report {rid!r} split into its own case")
        new_case = p.get("new_case")
        if new_case is not None:
            if to_id in self.cases:
                raise HistoryError(f"{what}: case {to_id!r} opened twice")
            centre = str(get(new_case, "centre", what))
            if centre not in _CENTRES:
                raise HistoryError(f"{what}: coordinating centre must be FR or GB, got {centre!r}")
            target = Case(
                case_id=to_id,
                opened_at=event.time,
                opened_by=event.actor,
                origin=report.kind,
                centre=centre,
                reports=(report,),
            )
        else:
            existing = self.cases.get(to_id)
            if existing is None:
                raise HistoryError(f"{what}: unknown case {to_id!r}")
            target = dataclasses.replace(existing, reports=(*existing.reports, report))
        self._put(
            dataclasses.replace(
                source, reports=tuple(r for r in source.reports if r.report_id != rid)
            )
        )
        self._put(target)
        self.report_case[rid] = to_id

    def _merged(self, event: Event, p: Mapping[str, Any], what: str) -> None:
        keep = self._case(p, what)
        gone = self._case(p, what, "merged_case_id")
        if keep.case_id == gone.case_id:
            raise HistoryError(f"{what}: a case cannot be merged into itself")
        links = tuple(c for c in keep.possibly_same_as if c != gone.case_id)
        links += tuple(c for c in gone.possibly_same_as if c != keep.case_id and c not in links)
        keep = dataclasses.replace(
            keep,
            reports=keep.reports + gone.reports,
            outcomes=keep.outcomes + gone.outcomes,
            tasks=keep.tasks + gone.tasks,
            possibly_same_as=links,
        )
        gone = dataclasses.replace(
            gone,
            status=CaseStatus.MERGED,
            reports=(),
            outcomes=(),
            tasks=(),
            possibly_same_as=(),
            closure=Closure(
                kind=ClosureKind.MERGED,
                time=event.time,
                by=event.actor,
                reason=str(p.get("reason") or ""),
                merged_into=keep.case_id,
            ),
            closures=gone.closures + 1,
        )
        for r in keep.reports:
            self.report_case[r.report_id] = keep.case_id
        self._put(keep)
        self._put(gone)
        self._index_outcomes(keep)

    def _unlinked(self, event: Event, p: Mapping[str, Any], what: str) -> None:
        case = self._case(p, what)
        other = str(get(p, "other_case_id", what))
        self._put(
            dataclasses.replace(
                case, possibly_same_as=tuple(c for c in case.possibly_same_as if c != other)
            )
        )

    def _handover_requested(self, event: Event, p: Mapping[str, Any], what: str) -> None:
        case = self._case(p, what)
        if case.pending_handover is not None:
            raise HistoryError(f"{what}: case {case.case_id} already has a pending request")
        from_c, to_c = str(get(p, "from_centre", what)), str(get(p, "to_centre", what))
        if from_c != case.centre or to_c not in _CENTRES or to_c == from_c:
            raise HistoryError(
                f"{what}: request {from_c}->{to_c} does not fit case coordinated by {case.centre}"
            )
        req = HandoverRequest(
            request_id=str(get(p, "request_id", what)),
            from_centre=from_c,
            to_centre=to_c,
            requested_at=event.time,
            expires_at=parse_time(get(p, "expires_at", what), f"{what} expires_at"),
            requested_by=event.actor,
            reason=str(get(p, "reason", what)),
            trigger_report_id=p.get("trigger_report_id"),
        )
        self._put(dataclasses.replace(case, handovers=(*case.handovers, req)))

    def _handover_resolved(self, event: Event, p: Mapping[str, Any], what: str) -> None:
        case = self._case(p, what)
        rid = str(get(p, "request_id", what))
        req = case.handover(rid)
        if req is None or req.status is not HandoverStatus.PENDING:
            raise HistoryError(f"{what}: request {rid!r} is not pending on {case.case_id}")
        status = {
            CaseEvent.HANDOVER_ACCEPTED: HandoverStatus.ACCEPTED,
            CaseEvent.HANDOVER_REJECTED: HandoverStatus.REJECTED,
            CaseEvent.HANDOVER_EXPIRED: HandoverStatus.EXPIRED,
            CaseEvent.HANDOVER_WITHDRAWN: HandoverStatus.WITHDRAWN,
        }[CaseEvent(event.type)]
        centre = case.centre
        if status is HandoverStatus.ACCEPTED:
            # The one way coordination moves: the receiving centre itself accepts.
            actor_centre = event.actor.split("/", 1)[0]
            if actor_centre != req.to_centre or req.from_centre != case.centre:
                raise HistoryError(
                    f"{what}: {event.actor} cannot accept request {rid} addressed to "
                    f"{req.to_centre}"
                )
            centre = req.to_centre
        new_req = dataclasses.replace(
            req,
            status=status,
            resolved_at=event.time,
            resolved_by=event.actor,
            note=p.get("note") or p.get("reason"),
        )
        self._put(
            dataclasses.replace(
                case,
                centre=centre,
                handovers=tuple(new_req if h.request_id == rid else h for h in case.handovers),
            )
        )

    def _task_assigned(self, event: Event, p: Mapping[str, Any], what: str) -> None:
        case = self._case(p, what)
        task = Task(
            task_id=str(get(p, "task_id", what)),
            asset=str(get(p, "asset", what)),
            kind=TaskKind(get(p, "kind", what)),
            status=TaskStatus.ASSIGNED,
            assigned_at=event.time,
            updated_at=event.time,
        )
        if case.task(task.task_id) is not None:
            raise HistoryError(f"{what}: task {task.task_id!r} assigned twice")
        self._put(dataclasses.replace(case, tasks=(*case.tasks, task)))

    def _task_updated(self, event: Event, p: Mapping[str, Any], what: str) -> None:
        case = self._case(p, what)
        tid = str(get(p, "task_id", what))
        task = case.task(tid)
        if task is None:
            raise HistoryError(f"{what}: unknown task {tid!r} on {case.case_id}")
        new = dataclasses.replace(
            task, status=TaskStatus(get(p, "status", what)), updated_at=event.time
        )
        self._put(
            dataclasses.replace(
                case, tasks=tuple(new if t.task_id == tid else t for t in case.tasks)
            )
        )

    def _outcome_recorded(self, event: Event, p: Mapping[str, Any], what: str) -> None:
        case = self._case(p, what)
        outcome = outcome_from_dict(get(p, "outcome", what))
        if case.outcome(outcome.outcome_id) is not None:
            raise HistoryError(f"{what}: outcome {outcome.outcome_id!r} recorded twice")
        case = dataclasses.replace(case, outcomes=(*case.outcomes, outcome))
        self._put(case)
        self._index_outcomes(case)

    def _outcome_changed(self, event: Event, p: Mapping[str, Any], what: str) -> None:
        case = self._case(p, what)
        oid = str(get(p, "outcome_id", what))
        o = case.outcome(oid)
        if o is None:
            raise HistoryError(f"{what}: unknown outcome {oid!r} on {case.case_id}")
        if event.type == CaseEvent.OUTCOME_VERIFIED:
            new = dataclasses.replace(
                o, verified=True, evidence_ref=str(get(p, "evidence_ref", what))
            )
        else:
            new = dataclasses.replace(o, retracted=True, retraction_reason=p.get("reason"))
            if o.evidence_ref and self.evidence_case.get(o.evidence_ref) == case.case_id:
                del self.evidence_case[o.evidence_ref]
        case = dataclasses.replace(
            case, outcomes=tuple(new if x.outcome_id == oid else x for x in case.outcomes)
        )
        self._put(case)
        self._index_outcomes(case)

    def _persons_revised(self, event: Event, p: Mapping[str, Any], what: str) -> None:
        case = self._case(p, what)
        rev = PersonsRevision(
            count=int(get(p, "count", what)),
            by=event.actor,
            reason=str(get(p, "reason", what)),
            time=event.time,
        )
        self._put(dataclasses.replace(case, persons_revision=rev))

    def _assessment(self, event: Event, p: Mapping[str, Any], what: str) -> None:
        case = self._case(p, what)
        self._put(dataclasses.replace(case, phase=p.get("phase")))

    def _closed(self, event: Event, p: Mapping[str, Any], what: str) -> None:
        case = self._case(p, what)
        if case.status is not CaseStatus.OPEN:
            raise HistoryError(f"{what}: case {case.case_id} is not open")
        kind = ClosureKind(get(p, "kind", what))
        status = CaseStatus.CLOSED if kind is ClosureKind.ALL_ACCOUNTED else CaseStatus.SUSPENDED
        closure = Closure(
            kind=kind,
            time=event.time,
            by=event.actor,
            reason=str(p.get("reason") or ""),
            evidence_refs=tuple(p.get("evidence_refs") or ()),
        )
        self._put(
            dataclasses.replace(case, status=status, closure=closure, closures=case.closures + 1)
        )

    def _reopened(self, event: Event, p: Mapping[str, Any], what: str) -> None:
        case = self._case(p, what)
        if case.status not in (CaseStatus.CLOSED, CaseStatus.SUSPENDED):
            raise HistoryError(f"{what}: case {case.case_id} is not closed or suspended")
        self._put(dataclasses.replace(case, status=CaseStatus.OPEN, closure=None))


_Handler = Any
_HANDLERS: dict[CaseEvent, _Handler] = {
    CaseEvent.CASE_OPENED: CaseState._opened,
    CaseEvent.CASE_CORRELATED: CaseState._correlated,
    CaseEvent.REPORT_SPLIT: CaseState._split,
    CaseEvent.CASES_MERGED: CaseState._merged,
    CaseEvent.LINK_DISMISSED: CaseState._unlinked,
    CaseEvent.HANDOVER_REQUESTED: CaseState._handover_requested,
    CaseEvent.HANDOVER_ACCEPTED: CaseState._handover_resolved,
    CaseEvent.HANDOVER_REJECTED: CaseState._handover_resolved,
    CaseEvent.HANDOVER_EXPIRED: CaseState._handover_resolved,
    CaseEvent.HANDOVER_WITHDRAWN: CaseState._handover_resolved,
    CaseEvent.TASK_ASSIGNED: CaseState._task_assigned,
    CaseEvent.TASK_UPDATED: CaseState._task_updated,
    CaseEvent.OUTCOME_RECORDED: CaseState._outcome_recorded,
    CaseEvent.OUTCOME_VERIFIED: CaseState._outcome_changed,
    CaseEvent.OUTCOME_RETRACTED: CaseState._outcome_changed,
    CaseEvent.PERSONS_REVISED: CaseState._persons_revised,
    CaseEvent.ASSESSMENT_ATTACHED: CaseState._assessment,
    CaseEvent.CASE_CLOSED: CaseState._closed,
    CaseEvent.CASE_REOPENED: CaseState._reopened,
    # advice_shown, correlation_suggested, decision_recorded, command_refused: record only
}


def replay(events: Iterable[Event], state: CaseState | None = None) -> CaseState:
    """Rebuild (or continue) the state of all cases from an event history."""
    st = state if state is not None else CaseState()
    for e in events:
        st.apply(e)
    return st
