"""SAR cases: read them, and run the case commands (open, correlate, hand over, task, close).

Each command is checked by the cases package (centre authority, rules) and recorded with its
actor; a refused command is recorded too and answered 409. A decision on correlation names the
suggestion it was given (``advice_index``, the ledger index of the ``correlation_suggested``
entry), so the record holds both.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, status

from channelwatch.api.auth.principal import Principal
from channelwatch.api.deps import CaseWriter, Internal, NoteWriter, Reader, ServicesDep
from channelwatch.api.errors import ApiInputError, ForbiddenError
from channelwatch.api.live.service import CaseOutcome, redact_case
from channelwatch.api.schemas import (
    AttachIn,
    CaseDecisionIn,
    CaseResultOut,
    CloseIn,
    HandoverAcceptIn,
    HandoverReasonIn,
    HandoverRequestIn,
    NoteIn,
    OpenCaseIn,
    OtherCaseIn,
    OutcomeIn,
    Page,
    PersonsIn,
    ReasonIn,
    ReportIn,
    SplitIn,
    SuggestIn,
    SuggestOut,
    TaskIn,
    TaskUpdateIn,
    TrackLinkIn,
    VerifyOutcomeIn,
)

router = APIRouter(prefix="/api/cases", tags=["cases"])


def _report(r: ReportIn | dict[str, Any]) -> Any:
    from channelwatch.cases import Report, ReportKind
    from channelwatch.cases.codec import report_from_dict

    if isinstance(r, dict):
        return report_from_dict(r)
    return Report(
        report_id=r.report_id,
        kind=ReportKind(r.kind),
        time=r.time,
        lat=r.lat,
        lon=r.lon,
        accuracy_m=r.accuracy_m,
        persons=r.persons,
        description=r.description,
        received_by=r.received_by,
        water_coming_in=r.water_coming_in,
        engine=r.engine,
    )


def _result(outcome: CaseOutcome, case_id: str | None = None) -> CaseResultOut:
    cid = case_id or outcome.case_id
    case = outcome.cases.get(cid) if cid else None
    return CaseResultOut(
        case=case,
        ledger_indices=[i for i, _ in outcome.events],
        advice=outcome.advice,
    )


def _now(services: Any) -> datetime:
    t: datetime = services.ops.clock.now()
    return t


def _supervisor(principal: Principal, what: str) -> None:
    if principal.role.value != "supervisor":
        raise ForbiddenError(f"only a supervisor may {what}")


@router.get("", response_model=Page)
def list_cases(
    principal: Reader,
    services: ServicesDep,
    status_: Annotated[
        str | None, Query(alias="status", pattern="^(open|closed|suspended|merged)$")
    ] = None,
) -> Page:
    items = services.ops.case_dicts(status_)
    if not principal.internal:
        items = [redact_case(c) for c in items]
    return Page(items=items, next=None)


@router.get("/{case_id}")
def get_case(case_id: str, principal: Reader, services: ServicesDep) -> dict[str, Any]:
    case = services.ops.case_dict(case_id)
    if not principal.internal:
        return redact_case(case)
    case["notes"] = [
        {
            "text": e.payload.get("text"),
            "by": e.actor,
            "time": e.time.isoformat(),
            "ledger_index": e.ledger_index,
        }
        for e in services.store.case_events(case_id)
        if e.type == "case_note"
    ]
    return case


@router.get("/{case_id}/events", response_model=Page)
def case_events(case_id: str, _: Internal, services: ServicesDep) -> Page:
    """Every recorded event about the case, in ledger order (internal roles)."""
    services.ops.case_dict(case_id)
    items = [
        {
            "index": e.ledger_index,
            "type": e.type,
            "time": e.time.isoformat(),
            "actor": e.actor,
            "payload": dict(e.payload),
            "policy_hash": e.policy_hash,
        }
        for e in services.store.case_events(case_id)
    ]
    return Page(items=items, next=None)


@router.post("/suggest", response_model=SuggestOut)
async def suggest(body: SuggestIn, principal: CaseWriter, services: ServicesDep) -> SuggestOut:
    """Score a call or sighting against the cases; the advice is recorded and returned."""
    from channelwatch.cases import SuggestCorrelation

    outcome = await services.ops.case_command(
        SuggestCorrelation(
            actor=principal.case_actor(), time=_now(services), report=_report(body.report)
        )
    )
    return SuggestOut(
        advice=outcome.advice,
        advice_index=outcome.advice_index,
        ledger_indices=[i for i, _ in outcome.events],
    )


async def _advised_report(
    services: Any, report: ReportIn | None, advice_index: int | None
) -> tuple[Any, dict[str, Any] | None]:
    """The report to act on and the advice it was given (from the ledger, by index)."""
    advice = None
    recorded_report = None
    if advice_index is not None:
        advice, recorded_report = await services.ops.correlation_advice(advice_index)
        advice = dict(advice, advice_index=advice_index)
    if report is not None:
        if recorded_report and recorded_report.get("report_id") != report.report_id:
            raise ApiInputError(
                f"advice {advice_index} is about report {recorded_report.get('report_id')!r}, "
                f"not {report.report_id!r}"
            )
        return _report(report), advice
    if recorded_report:
        return _report(recorded_report), advice
    return None, advice


@router.post("", status_code=status.HTTP_201_CREATED, response_model=CaseResultOut)
async def open_case(
    body: OpenCaseIn, principal: CaseWriter, services: ServicesDep
) -> CaseResultOut:
    """Open a case from a report (or an operator's entry), with the advice it was given."""
    from channelwatch.cases import OpenCase

    report, advice = await _advised_report(services, body.report, body.advice_index)
    outcome = await services.ops.case_command(
        OpenCase(
            actor=principal.case_actor(),
            time=_now(services),
            report=report,
            advice=advice,
            reason=body.reason,
            possibly_same_as=tuple(body.possibly_same_as),
        )
    )
    return _result(outcome)


@router.post("/{case_id}/reports", response_model=CaseResultOut)
async def attach_report(
    case_id: str, body: AttachIn, principal: CaseWriter, services: ServicesDep
) -> CaseResultOut:
    """Correlate a call or sighting with this case's boat (the operator's decision)."""
    from channelwatch.cases import AttachReport

    report, advice = await _advised_report(services, body.report, body.advice_index)
    if report is None:
        raise ApiInputError("give the report, or the advice_index of its suggestion")
    outcome = await services.ops.case_command(
        AttachReport(
            actor=principal.case_actor(),
            time=_now(services),
            case_id=case_id,
            report=report,
            advice=advice,
            reason=body.reason,
        )
    )
    return _result(outcome, case_id)


async def _command(
    services: Any, principal: Principal, command: Any, case_id: str, **fields: Any
) -> CaseResultOut:
    """Run a command on one case, in the user's name at the server's clock."""
    cmd = command(actor=principal.case_actor(), time=_now(services), case_id=case_id, **fields)
    return _result(await services.ops.case_command(cmd), case_id)


@router.post("/{case_id}/split", response_model=CaseResultOut)
async def split(case_id: str, body: SplitIn, principal: CaseWriter, services: ServicesDep) -> Any:
    from channelwatch.cases import SplitReport

    return await _command(
        services,
        principal,
        SplitReport,
        case_id,
        report_id=body.report_id,
        reason=body.reason,
        to_case_id=body.to_case_id,
    )


@router.post("/{case_id}/merge", response_model=CaseResultOut)
async def merge(
    case_id: str, body: OtherCaseIn, principal: CaseWriter, services: ServicesDep
) -> Any:
    from channelwatch.cases import MergeCases

    return await _command(
        services,
        principal,
        MergeCases,
        case_id,
        other_case_id=body.other_case_id,
        reason=body.reason,
    )


@router.post("/{case_id}/links/dismiss", response_model=CaseResultOut)
async def dismiss_link(
    case_id: str, body: OtherCaseIn, principal: CaseWriter, services: ServicesDep
) -> Any:
    from channelwatch.cases import DismissLink

    return await _command(
        services,
        principal,
        DismissLink,
        case_id,
        other_case_id=body.other_case_id,
        reason=body.reason,
    )


@router.post("/{case_id}/handover/request", response_model=CaseResultOut)
async def handover_request(
    case_id: str, body: HandoverRequestIn, principal: CaseWriter, services: ServicesDep
) -> Any:
    """Ask the other centre to take coordination (nothing moves until it accepts)."""
    from channelwatch.cases import RequestHandover

    return await _command(
        services, principal, RequestHandover, case_id, reason=body.reason, to_centre=body.to_centre
    )


@router.post("/{case_id}/handover/accept", response_model=CaseResultOut)
async def handover_accept(
    case_id: str, body: HandoverAcceptIn, principal: CaseWriter, services: ServicesDep
) -> Any:
    from channelwatch.cases import AcceptHandover

    return await _command(services, principal, AcceptHandover, case_id, request_id=body.request_id)


@router.post("/{case_id}/handover/reject", response_model=CaseResultOut)
async def handover_reject(
    case_id: str, body: HandoverReasonIn, principal: CaseWriter, services: ServicesDep
) -> Any:
    from channelwatch.cases import RejectHandover

    return await _command(
        services, principal, RejectHandover, case_id, reason=body.reason, request_id=body.request_id
    )


@router.post("/{case_id}/handover/withdraw", response_model=CaseResultOut)
async def handover_withdraw(
    case_id: str, body: HandoverReasonIn, principal: CaseWriter, services: ServicesDep
) -> Any:
    from channelwatch.cases import WithdrawHandover

    return await _command(
        services,
        principal,
        WithdrawHandover,
        case_id,
        reason=body.reason,
        request_id=body.request_id,
    )


@router.post("/{case_id}/tasks", response_model=CaseResultOut)
async def assign_task(
    case_id: str, body: TaskIn, principal: CaseWriter, services: ServicesDep
) -> Any:
    from channelwatch.cases import AssignTask, TaskKind

    return await _command(
        services, principal, AssignTask, case_id, asset=body.asset, kind=TaskKind(body.kind)
    )


@router.post("/{case_id}/tasks/{task_id}", response_model=CaseResultOut)
async def update_task(
    case_id: str, task_id: str, body: TaskUpdateIn, principal: CaseWriter, services: ServicesDep
) -> Any:
    from channelwatch.cases import TaskStatus, UpdateTask

    return await _command(
        services,
        principal,
        UpdateTask,
        case_id,
        task_id=task_id,
        status=TaskStatus(body.status),
        note=body.note,
    )


@router.post("/{case_id}/outcomes", response_model=CaseResultOut)
async def record_outcome(
    case_id: str, body: OutcomeIn, principal: CaseWriter, services: ServicesDep
) -> Any:
    from channelwatch.cases import OutcomeKind, RecordOutcome

    return await _command(
        services,
        principal,
        RecordOutcome,
        case_id,
        kind=OutcomeKind(body.kind),
        count=body.count,
        source=body.source,
        verified=body.verified,
        evidence_ref=body.evidence_ref,
        by=body.by,
        where=body.where,
        refers_to=body.refers_to,
    )


@router.post("/{case_id}/outcomes/{outcome_id}/verify", response_model=CaseResultOut)
async def verify_outcome(
    case_id: str,
    outcome_id: str,
    body: VerifyOutcomeIn,
    principal: CaseWriter,
    services: ServicesDep,
) -> Any:
    from channelwatch.cases import VerifyOutcome

    return await _command(
        services,
        principal,
        VerifyOutcome,
        case_id,
        outcome_id=outcome_id,
        evidence_ref=body.evidence_ref,
    )


@router.post("/{case_id}/outcomes/{outcome_id}/retract", response_model=CaseResultOut)
async def retract_outcome(
    case_id: str, outcome_id: str, body: ReasonIn, principal: CaseWriter, services: ServicesDep
) -> Any:
    from channelwatch.cases import RetractOutcome

    return await _command(
        services, principal, RetractOutcome, case_id, outcome_id=outcome_id, reason=body.reason
    )


@router.post("/{case_id}/persons", response_model=CaseResultOut)
async def revise_persons(
    case_id: str, body: PersonsIn, principal: CaseWriter, services: ServicesDep
) -> Any:
    """A supervisor's decision on how many were aboard, with the reason."""
    from channelwatch.cases import RevisePersons

    _supervisor(principal, "revise the number of persons")
    return await _command(
        services, principal, RevisePersons, case_id, count=body.count, reason=body.reason
    )


@router.post("/{case_id}/close", response_model=CaseResultOut)
async def close_case(
    case_id: str, body: CloseIn, principal: CaseWriter, services: ServicesDep
) -> Any:
    """Close on accounting: refused (409) unless every person reported is accounted for."""
    from channelwatch.cases import CloseCase

    return await _command(
        services,
        principal,
        CloseCase,
        case_id,
        reason=body.reason,
        evidence_refs=tuple(body.evidence_refs),
    )


@router.post("/{case_id}/suspend", response_model=CaseResultOut)
async def suspend(
    case_id: str, body: ReasonIn, principal: CaseWriter, services: ServicesDep
) -> Any:
    """Suspend the search: a named supervisor of the coordinating centre, with the reason."""
    from channelwatch.cases import SuspendSearch

    _supervisor(principal, "suspend a search")
    return await _command(services, principal, SuspendSearch, case_id, reason=body.reason)


@router.post("/{case_id}/reopen", response_model=CaseResultOut)
async def reopen(case_id: str, body: ReasonIn, principal: CaseWriter, services: ServicesDep) -> Any:
    from channelwatch.cases import ReopenCase

    return await _command(services, principal, ReopenCase, case_id, reason=body.reason)


@router.post("/{case_id}/decisions", response_model=CaseResultOut)
async def record_case_decision(
    case_id: str, body: CaseDecisionIn, principal: CaseWriter, services: ServicesDep
) -> Any:
    """Any other decision on the case, with the advice (ledger index) it was given."""
    from channelwatch.cases import RecordDecision

    advice = None
    if body.advice_index is not None:
        e = await services.ops.ledger_event(body.advice_index)
        advice = {
            "advice_index": body.advice_index,
            "type": e.type,
            "advice": e.payload.get("advice"),
        }
    return await _command(
        services, principal, RecordDecision, case_id, decision=body.decision, advice=advice
    )


@router.post("/{case_id}/notes", status_code=status.HTTP_201_CREATED)
async def add_note(
    case_id: str, body: NoteIn, principal: NoteWriter, services: ServicesDep
) -> dict[str, Any]:
    """An internal note on a case (never shown to partner centres)."""
    return await services.ops.add_note(case_id, body.text, principal.tag)


@router.post("/{case_id}/track")
async def link_track(
    case_id: str, body: TrackLinkIn, principal: CaseWriter, services: ServicesDep
) -> dict[str, Any]:
    """Follow a track for this case: a handover is requested when it enters the other region."""
    return await services.ops.link_track(case_id, body.track_id, principal.tag)
