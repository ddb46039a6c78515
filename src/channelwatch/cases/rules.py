"""The rules a command must pass, as pure checks on the current state (they raise, or return).

Who may do what: only a user of the coordinating centre tasks assets, splits, merges, verifies,
closes; only a named supervisor of it suspends a search or revises the count of persons; only a
user of the receiving centre accepts or rejects a handover. A closure needs every reported person
accounted for by verified outcomes with evidence; one evidence reference accounts for one case.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from channelwatch.cases.commands import RecordOutcome
from channelwatch.cases.errors import (
    CaseCommandError,
    ClosureRefusedError,
    HandoverError,
    NotAuthorisedError,
    UnknownCaseError,
)
from channelwatch.cases.fold import CaseState
from channelwatch.cases.model import (
    CENTRE_NAMES,
    TASK_TRANSITIONS,
    Actor,
    Case,
    CaseStatus,
    HandoverRequest,
    HandoverStatus,
    Outcome,
    OutcomeKind,
    Report,
    Role,
    Task,
    TaskStatus,
)
from channelwatch.cases.persons import PersonsTally, closure_shortfall, tally

PHASES = frozenset({"none", "uncertainty", "alert", "distress"})  # as channelwatch.assess


def centre_name(code: str) -> str:
    return CENTRE_NAMES.get(code, code)


def require_reason(reason: str | None, what: str) -> None:
    if reason is None or not reason.strip():
        raise CaseCommandError(f"{what} needs a reason")


def require_centre_user(actor: Actor, what: str) -> None:
    if actor.centre not in CENTRE_NAMES:
        raise NotAuthorisedError(
            f"only a user of a coordinating centre (FR or GB) may {what}; {actor.tag} is not"
        )


def require_coordinator(case: Case, actor: Actor, what: str) -> None:
    if actor.centre != case.centre:
        raise NotAuthorisedError(
            f"only the coordinating centre of {case.case_id} ({case.centre}, "
            f"{centre_name(case.centre)}) may {what}; {actor.tag} is not"
        )


def require_open(case: Case, what: str) -> None:
    if case.status is CaseStatus.MERGED:
        into = case.closure.merged_into if case.closure else "?"
        raise CaseCommandError(f"case {case.case_id} was merged into {into}: cannot {what}")
    if case.status is not CaseStatus.OPEN:
        raise CaseCommandError(f"case {case.case_id} is {case.status}: reopen it first to {what}")


def require_new_report(state: CaseState, report: Report) -> None:
    holder = state.report_case.get(report.report_id)
    if holder is not None:
        raise CaseCommandError(
            f"report {report.report_id} is already in case {holder}: split it out first"
        )


# -- coordination -------------------------------------------------------------------------


def next_request_id(case: Case) -> str:
    return f"{case.case_id}-H{len(case.handovers) + 1}"


def should_raise_handover(case: Case, srr: str | None, now: datetime, ttl_s: float) -> bool:
    """A position in the other centre's region raises a request, unless one is pending or that
    centre rejected one within ``ttl_s`` (its decision stands until someone asks again)."""
    if srr is None or srr == case.centre or case.status is not CaseStatus.OPEN:
        return False
    if case.pending_handover is not None:
        return False
    for req in reversed(case.handovers):
        if (
            req.to_centre == srr
            and req.status is HandoverStatus.REJECTED
            and req.resolved_at is not None
            and now - req.resolved_at < timedelta(seconds=ttl_s)
        ):
            return False
    return True


def _pick_request(case: Case, request_id: str | None) -> HandoverRequest:
    if request_id is None:
        req = case.pending_handover
        if req is None:
            last = case.handovers[-1] if case.handovers else None
            extra = f" (last: {last.request_id} {last.status})" if last else ""
            raise HandoverError(f"no pending handover request on {case.case_id}{extra}")
        return req
    found = case.handover(request_id)
    if found is None:
        raise UnknownCaseError(f"no handover request {request_id!r} on {case.case_id}")
    if found.status is not HandoverStatus.PENDING:
        raise HandoverError(f"handover request {request_id} is {found.status}, not pending")
    return found


def check_request(case: Case, actor: Actor, to_centre: str | None, reason: str) -> str:
    if actor.role is not Role.SYSTEM:
        # Coordination is handed over, never taken: only the coordinating centre asks, and the
        # other accepts. (The system asks when a boat enters the other region; that too waits
        # for the receiving centre's acceptance.)
        require_coordinator(case, actor, "request a handover of it")
    require_reason(reason, "a handover request")
    if case.status not in (CaseStatus.OPEN, CaseStatus.SUSPENDED):
        raise HandoverError(f"case {case.case_id} is {case.status}: nothing to hand over")
    target = to_centre or ("GB" if case.centre == "FR" else "FR")
    if target not in CENTRE_NAMES:
        raise HandoverError(f"to_centre must be FR or GB, got {target!r}")
    if target == case.centre:
        raise HandoverError(f"{case.case_id} is already coordinated by {target}")
    pending = case.pending_handover
    if pending is not None:
        raise HandoverError(
            f"handover request {pending.request_id} to {pending.to_centre} is already pending"
        )
    return target


def check_accept(
    case: Case, actor: Actor, request_id: str | None, now: datetime
) -> HandoverRequest:
    req = _pick_request(case, request_id)
    if actor.centre != req.to_centre:
        raise NotAuthorisedError(
            f"only a user of {req.to_centre} ({centre_name(req.to_centre)}) can accept "
            f"handover request {req.request_id}; {actor.tag} cannot"
        )
    if now > req.expires_at:
        raise HandoverError(
            f"handover request {req.request_id} expired at {req.expires_at.isoformat()}"
        )
    return req


def check_reject(case: Case, actor: Actor, request_id: str | None, reason: str) -> HandoverRequest:
    req = _pick_request(case, request_id)
    if actor.centre != req.to_centre:
        raise NotAuthorisedError(
            f"only a user of {req.to_centre} can reject handover request {req.request_id}; "
            f"{actor.tag} cannot"
        )
    require_reason(reason, "rejecting a handover")
    return req


def check_withdraw(
    case: Case, actor: Actor, request_id: str | None, reason: str
) -> HandoverRequest:
    req = _pick_request(case, request_id)
    if actor.centre != req.from_centre:
        raise NotAuthorisedError(
            f"only a user of {req.from_centre} can withdraw handover request {req.request_id}; "
            f"{actor.tag} cannot"
        )
    require_reason(reason, "withdrawing a handover request")
    return req


# -- correlation decisions ----------------------------------------------------------------


def check_merge(keep: Case, gone: Case, actor: Actor, reason: str) -> None:
    if keep.case_id == gone.case_id:
        raise CaseCommandError(f"cannot merge {keep.case_id} into itself")
    require_open(keep, f"merge {gone.case_id} into it")
    require_open(gone, f"merge it into {keep.case_id}")
    if keep.centre != gone.centre:
        raise CaseCommandError(
            f"{keep.case_id} is coordinated by {keep.centre} and {gone.case_id} by "
            f"{gone.centre}: hand one over first, so the merged case has one coordinating centre"
        )
    require_coordinator(keep, actor, f"merge {gone.case_id} into {keep.case_id}")
    require_reason(reason, "merging cases")


# -- tasks --------------------------------------------------------------------------------


def check_task_update(case: Case, task_id: str, status: TaskStatus) -> Task:
    task = case.task(task_id)
    if task is None:
        raise UnknownCaseError(f"no task {task_id!r} on case {case.case_id}")
    if status not in TASK_TRANSITIONS[task.status]:
        allowed = ", ".join(sorted(TASK_TRANSITIONS[task.status])) or "none (final)"
        raise CaseCommandError(
            f"task {task_id} ({task.asset}) is {task.status}: cannot become {status}; "
            f"allowed: {allowed}"
        )
    return task


# -- outcomes and persons ------------------------------------------------------------------


def _check_evidence_free(state: CaseState, evidence_ref: str, case: Case) -> None:
    holder = state.evidence_case.get(evidence_ref)
    if holder is not None:
        where = "this case" if holder == case.case_id else f"case {holder}"
        raise CaseCommandError(
            f"evidence {evidence_ref} already accounts for persons in {where}: one evidence "
            "reference accounts for one boat (a rescue of one boat must not close another's "
            "case)"
        )


def check_outcome(state: CaseState, case: Case, cmd: RecordOutcome) -> None:
    require_centre_user(cmd.actor, "record an outcome")
    require_open(case, f"record {cmd.kind}")
    if isinstance(cmd.count, bool) or not isinstance(cmd.count, int) or cmd.count < 1:
        raise CaseCommandError(f"count must be a whole number >= 1, got {cmd.count!r}")
    if not cmd.source or not cmd.source.strip():
        raise CaseCommandError("an outcome needs its source (who says so)")
    if cmd.kind is OutcomeKind.RESCUED and not cmd.by:
        raise CaseCommandError("a rescue needs 'by': the unit that took the persons aboard")
    if cmd.kind is OutcomeKind.LANDED and not cmd.where:
        raise CaseCommandError("a landing needs 'where': the place the persons came ashore")
    if cmd.verified:
        if not cmd.evidence_ref:
            raise CaseCommandError(
                f"a verified {cmd.kind} outcome needs an evidence reference "
                "(e.g. the rescue unit's report id); without one, record it as an unverified "
                "claim with what it refers to"
            )
        _check_evidence_free(state, cmd.evidence_ref, case)
    elif not cmd.refers_to:
        raise CaseCommandError(
            f"an unverified {cmd.kind} claim from {cmd.source} must say which boat or case it "
            "refers to (refers_to)"
        )


def check_verify(
    state: CaseState, case: Case, actor: Actor, outcome_id: str, evidence_ref: str
) -> Outcome:
    require_coordinator(case, actor, "verify an outcome")
    require_open(case, f"verify outcome {outcome_id}")
    o = case.outcome(outcome_id)
    if o is None:
        raise UnknownCaseError(f"no outcome {outcome_id!r} on case {case.case_id}")
    if o.retracted:
        raise CaseCommandError(f"outcome {outcome_id} was retracted")
    if o.verified:
        raise CaseCommandError(f"outcome {outcome_id} is already verified ({o.evidence_ref})")
    if not evidence_ref or not evidence_ref.strip():
        raise CaseCommandError(f"verifying {outcome_id} needs an evidence reference")
    _check_evidence_free(state, evidence_ref, case)
    return o


def check_revision(case: Case, actor: Actor, count: int, reason: str) -> None:
    require_coordinator(case, actor, "revise the count of persons")
    if actor.role is not Role.SUPERVISOR:
        raise NotAuthorisedError(
            f"revising the count of persons needs a named supervisor; {actor.tag} is {actor.role}"
        )
    if case.status is CaseStatus.MERGED:
        raise CaseCommandError(f"case {case.case_id} was merged")
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise CaseCommandError(f"count must be a whole number >= 1, got {count!r}")
    require_reason(reason, "revising the count of persons")


# -- closing --------------------------------------------------------------------------------


def _require_tasks_done(case: Case, what: str) -> None:
    active = [t for t in case.tasks if t.active]
    if active:
        listed = ", ".join(f"{t.task_id} {t.asset} ({t.status})" for t in active)
        raise ClosureRefusedError(
            f"cannot {what} {case.case_id}: tasks still active: {listed}; "
            "complete or cancel them first"
        )


def check_close(case: Case, actor: Actor) -> PersonsTally:
    require_open(case, "close it")
    require_coordinator(case, actor, "close the case")
    t = tally(case.reports, case.outcomes, case.persons_revision)
    short = closure_shortfall(t, case.outcomes)
    if short is not None:
        raise ClosureRefusedError(f"closure of {case.case_id} refused: {short}")
    _require_tasks_done(case, "close")
    return t


def check_suspend(case: Case, actor: Actor, reason: str) -> PersonsTally:
    require_open(case, "suspend the search")
    require_coordinator(case, actor, "suspend the search")
    if actor.role is not Role.SUPERVISOR:
        raise NotAuthorisedError(
            f"suspending the search on {case.case_id} needs a named supervisor of "
            f"{case.centre}; {actor.tag} is {actor.role}"
        )
    require_reason(reason, "suspending the search")
    _require_tasks_done(case, "suspend the search on")
    return tally(case.reports, case.outcomes, case.persons_revision)
