"""The case book: runs commands against the cases, and hands every change to the ledger.

A command is checked against the current state first; if it is refused, nothing changes and the
refusal itself is recorded (``command_refused``) before the error is raised. If it is accepted,
its events are appended to the injected :class:`~channelwatch.events.EventSink` one by one and
each is folded into the state only after the sink has taken it, so the state is always the fold
of what the sink holds. Then the book reacts: a report positioned in the other centre's SAR
region raises a handover request (which changes nothing until that centre accepts), and an
injected assessor may attach a distress phase.

The core does no I/O: the SAR-region lookup, the track prediction and the assessor are injected.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from channelwatch.cases import rules
from channelwatch.cases.codec import actor_to_dict, iso, outcome_to_dict, report_to_dict
from channelwatch.cases.commands import (
    AcceptHandover,
    Advice,
    AssignTask,
    AttachAssessment,
    AttachReport,
    CloseCase,
    Command,
    DismissLink,
    ExpireHandovers,
    MergeCases,
    OpenCase,
    RecordDecision,
    RecordOutcome,
    RejectHandover,
    ReopenCase,
    RequestHandover,
    RetractOutcome,
    RevisePersons,
    ShowAdvice,
    SplitReport,
    SuggestCorrelation,
    SuspendSearch,
    UpdateTask,
    VerifyOutcome,
    WithdrawHandover,
)
from channelwatch.cases.correlate import (
    CaseView,
    CorrelationAdvice,
    CorrelationParams,
    Prediction,
    TrackPredictor,
    Verdict,
    correlate,
)
from channelwatch.cases.errors import CaseCommandError, UnknownCaseError
from channelwatch.cases.fold import CaseState
from channelwatch.cases.kinds import CaseEvent
from channelwatch.cases.model import (
    CENTRE_NAMES,
    SYSTEM_ACTOR,
    Actor,
    Case,
    CaseStatus,
    ClosureKind,
    Outcome,
    Report,
    ReportKind,
    require_utc,
)
from channelwatch.cases.persons import PersonsTally, tally
from channelwatch.events import Event, EventSink

SarRegionLookup = Callable[[float, float], str | None]
"""(lat, lon) -> "FR" | "GB" | None: which centre's SAR region a position is in."""

Assessor = Callable[[Case], Mapping[str, Any] | None]
"""Case -> {"phase": "uncertainty" | "alert" | "distress", ...factors} or None."""


@dataclass(frozen=True, slots=True)
class CaseBookConfig:
    handover_ttl_s: float = 1800.0  # an unanswered handover request expires after 30 min
    correlation: CorrelationParams = field(default_factory=CorrelationParams)
    policy_hash: str | None = None  # hash of the doctrine/configuration in force, on every event


@dataclass(frozen=True, slots=True)
class CommandResult:
    """What a command did: the events recorded (with their sink indices) and the case touched."""

    events: tuple[Event, ...]
    indices: tuple[int, ...]
    case_id: str | None = None
    advice: CorrelationAdvice | None = None


def _advice_dict(advice: Advice) -> dict[str, Any] | None:
    if advice is None:
        return None
    if isinstance(advice, CorrelationAdvice):
        return advice.to_dict()
    return dict(advice)


class CaseBook:
    """All SAR cases, driven by commands, rebuilt from events."""

    def __init__(
        self,
        sink: EventSink,
        sar_region: SarRegionLookup,
        *,
        config: CaseBookConfig | None = None,
        predictor: TrackPredictor | None = None,
        assessor: Assessor | None = None,
    ) -> None:
        self._sink = sink
        self._sar_region = sar_region
        self.config = config or CaseBookConfig()
        self._predictor = predictor
        self._assessor = assessor
        self._state = CaseState()
        self._events: list[Event] = []
        self._views: dict[str, tuple[Case, CaseView]] = {}
        self._dispatch: dict[type[Command], Callable[[Any], CommandResult]] = {
            SuggestCorrelation: self._suggest,
            OpenCase: self._open,
            AttachReport: self._attach,
            SplitReport: self._split,
            MergeCases: self._merge,
            DismissLink: self._dismiss_link,
            RequestHandover: self._request_handover,
            AcceptHandover: self._accept_handover,
            RejectHandover: self._reject_handover,
            WithdrawHandover: self._withdraw_handover,
            ExpireHandovers: self._expire_all,
            AssignTask: self._assign_task,
            UpdateTask: self._update_task,
            RecordOutcome: self._record_outcome,
            VerifyOutcome: self._verify_outcome,
            RetractOutcome: self._retract_outcome,
            RevisePersons: self._revise_persons,
            AttachAssessment: self._attach_assessment,
            ShowAdvice: self._show_advice,
            RecordDecision: self._record_decision,
            CloseCase: self._close,
            SuspendSearch: self._suspend,
            ReopenCase: self._reopen,
        }

    # -- construction from history ---------------------------------------------------------

    @classmethod
    def rebuild(
        cls,
        events: Iterable[Event],
        sink: EventSink,
        sar_region: SarRegionLookup,
        **kwargs: Any,
    ) -> CaseBook:
        """A book whose state is the fold of ``events`` (already stored: not re-appended)."""
        book = cls(sink, sar_region, **kwargs)
        for e in events:
            book._state.apply(e)
            book._events.append(e)
        return book

    # -- queries ---------------------------------------------------------------------------

    @property
    def cases(self) -> Mapping[str, Case]:
        return dict(self._state.cases)

    @property
    def events(self) -> Sequence[Event]:
        """Every event this book recorded or was rebuilt from, in order (append-only)."""
        return tuple(self._events)

    @property
    def state(self) -> CaseState:
        """A copy of the folded state (cases and indices)."""
        return self._state.copy()

    def case(self, case_id: str) -> Case:
        case = self._state.cases.get(case_id)
        if case is None:
            raise UnknownCaseError(f"no case {case_id!r}")
        return case

    def holder_of(self, report_id: str) -> str | None:
        """The id of the case holding a report, or None."""
        return self._state.report_case.get(report_id)

    def case_of_report(self, report_id: str) -> Case:
        cid = self.holder_of(report_id)
        if cid is None:
            raise UnknownCaseError(f"report {report_id!r} is in no case")
        return self.case(cid)

    def tally(self, case_id: str) -> PersonsTally:
        c = self.case(case_id)
        return tally(c.reports, c.outcomes, c.persons_revision)

    def history(self, case_id: str) -> list[Event]:
        """The events about one case (including merges into it and splits out of it)."""
        keys = ("case_id", "merged_case_id", "to_case_id")
        return [e for e in self._events if any(e.payload.get(k) == case_id for k in keys)]

    # -- running commands ------------------------------------------------------------------

    def execute(self, command: Command) -> CommandResult:
        """Run one command. Raises a :class:`CaseCommandError` (recorded) if it is refused."""
        handler = self._dispatch.get(type(command))
        if handler is None:
            raise CaseCommandError(f"unknown command {type(command).__name__}")
        require_utc(command.time, f"{type(command).__name__} time")
        expired = self._expire_due(command.time, getattr(command, "case_id", None))
        try:
            result = handler(command)
        except CaseCommandError as exc:
            self._emit(
                CaseEvent.COMMAND_REFUSED,
                command.actor,
                command.time,
                {
                    "case_id": getattr(command, "case_id", None),
                    "command": type(command).__name__,
                    "error": str(exc),
                },
            )
            raise
        if expired:
            result = replace(
                result,
                events=expired[0] + result.events,
                indices=expired[1] + result.indices,
            )
        return result

    # -- plumbing --------------------------------------------------------------------------

    def _emit(
        self, kind: CaseEvent, actor: Actor, time: datetime, payload: dict[str, Any]
    ) -> tuple[Event, int]:
        body = {"case_id": payload.pop("case_id", None), "actor": actor_to_dict(actor), **payload}
        event = Event(
            type=str(kind),
            time=time,
            actor=actor.tag,
            payload=body,
            policy_hash=self.config.policy_hash,
        )
        index = self._sink.append(event)  # the ledger first: nothing is applied unrecorded
        self._state.apply(event)
        self._events.append(event)
        return event, index

    def _result(
        self,
        emitted: Sequence[tuple[Event, int]],
        case_id: str | None = None,
        advice: CorrelationAdvice | None = None,
    ) -> CommandResult:
        return CommandResult(
            events=tuple(e for e, _ in emitted),
            indices=tuple(i for _, i in emitted),
            case_id=case_id,
            advice=advice,
        )

    def _one(self, kind: CaseEvent, cmd: Command, payload: dict[str, Any]) -> CommandResult:
        """Record one event for a command (the usual case) and say which case it touched."""
        case_id = payload.get("case_id")
        return self._result([self._emit(kind, cmd.actor, cmd.time, payload)], case_id)

    def _get(self, case_id: str) -> Case:
        return self.case(case_id)

    def _srr(self, report: Report | None) -> str | None:
        if report is None or report.lat is None or report.lon is None:
            return None
        value = self._sar_region(report.lat, report.lon)
        code = None if value is None else str(value)
        return code if code in CENTRE_NAMES else None

    def _view(self, case: Case) -> CaseView:
        cached = self._views.get(case.case_id)
        if cached is not None and cached[0] is case:
            return cached[1]
        view = CaseView.of(case)
        self._views[case.case_id] = (case, view)
        return view

    def _next_case_id(self) -> str:
        return f"C-{len(self._state.cases) + 1:04d}"

    def _expire_due(
        self, now: datetime, case_id: str | None
    ) -> tuple[tuple[Event, ...], tuple[int, ...]] | None:
        """Expire the case's pending request if its deadline passed (lazily, on any command)."""
        case = self._state.cases.get(case_id) if case_id is not None else None
        req = case.pending_handover if case is not None else None
        if case is None or req is None or now <= req.expires_at:
            return None
        event, index = self._expire(case, req.request_id, now)
        return (event,), (index,)

    def _expire(self, case: Case, request_id: str, now: datetime) -> tuple[Event, int]:
        return self._emit(
            CaseEvent.HANDOVER_EXPIRED,
            SYSTEM_ACTOR,
            now,
            {
                "case_id": case.case_id,
                "request_id": request_id,
                "note": "no answer before the deadline: coordination stays where it is",
            },
        )

    def _react_to_report(
        self, case_id: str, report: Report, srr: str | None, time: datetime
    ) -> list[tuple[Event, int]]:
        """After a report joins a case: a handover request at the line; an assessment."""
        out: list[tuple[Event, int]] = []
        case = self._state.cases[case_id]
        if rules.should_raise_handover(case, srr, time, self.config.handover_ttl_s):
            assert srr is not None
            out.append(
                self._emit(
                    CaseEvent.HANDOVER_REQUESTED,
                    SYSTEM_ACTOR,
                    time,
                    {
                        "case_id": case_id,
                        "request_id": rules.next_request_id(case),
                        "from_centre": case.centre,
                        "to_centre": srr,
                        "reason": f"report {report.report_id} places the boat in the {srr} SAR "
                        f"region ({CENTRE_NAMES[srr]}); {CENTRE_NAMES[case.centre]} keeps "
                        "coordination until it accepts",
                        "trigger_report_id": report.report_id,
                        "expires_at": iso(time + timedelta(seconds=self.config.handover_ttl_s)),
                    },
                )
            )
        out.extend(self._assess(case_id, time))
        return out

    def _assess(self, case_id: str, time: datetime) -> list[tuple[Event, int]]:
        if self._assessor is None:
            return []
        case = self._state.cases[case_id]
        try:
            result = self._assessor(case)
        except Exception as exc:  # an advisory hook must not undo a recorded command
            return [
                self._emit(
                    CaseEvent.ADVICE_SHOWN,
                    SYSTEM_ACTOR,
                    time,
                    {
                        "case_id": case_id,
                        "advice": {"kind": "assessment_failed", "error": str(exc)},
                    },
                )
            ]
        if not result:
            return []
        phase = str(result.get("phase", ""))
        if phase not in rules.PHASES:
            return [
                self._emit(
                    CaseEvent.ADVICE_SHOWN,
                    SYSTEM_ACTOR,
                    time,
                    {
                        "case_id": case_id,
                        "advice": {
                            "kind": "assessment_failed",
                            "error": f"unknown phase {phase!r}",
                        },
                    },
                )
            ]
        if phase == case.phase:
            return []
        return [
            self._emit(
                CaseEvent.ASSESSMENT_ATTACHED,
                SYSTEM_ACTOR,
                time,
                {"case_id": case_id, "phase": phase, "assessment": dict(result)},
            )
        ]

    # -- correlation -----------------------------------------------------------------------

    def advise(self, report: Report) -> CorrelationAdvice:
        """The correlation advice for ``report`` (nothing recorded: see SuggestCorrelation)."""
        views = [
            self._view(c) for c in self._state.cases.values() if c.status is not CaseStatus.MERGED
        ]
        predictions: dict[str, Prediction] = {}
        if self._predictor is not None:
            cases = self._state.cases
            for v in views:
                pr = self._predictor(cases[v.case_id], report.time)
                if pr is not None:
                    predictions[v.case_id] = pr
        return correlate(report, views, self.config.correlation, predictions)

    def _suggest(self, cmd: SuggestCorrelation) -> CommandResult:
        rules.require_new_report(self._state, cmd.report)
        advice = self.advise(cmd.report)
        emitted = self._emit(
            CaseEvent.CORRELATION_SUGGESTED,
            cmd.actor,
            cmd.time,
            {
                "case_id": advice.case_id,
                "report": report_to_dict(cmd.report),
                "advice": advice.to_dict(),
                "params": self.config.correlation.to_dict(),
            },
        )
        advice = replace(advice, event_index=emitted[1])
        return self._result([emitted], advice.case_id, advice)

    # -- opening, correlating, splitting, merging -----------------------------------------

    def _open(self, cmd: OpenCase) -> CommandResult:
        rules.require_centre_user(cmd.actor, "open a case")
        if cmd.report is not None:
            rules.require_new_report(self._state, cmd.report)
        srr = self._srr(cmd.report)
        centre = srr if srr is not None else cmd.actor.centre
        advice = _advice_dict(cmd.advice)
        links = list(cmd.possibly_same_as)
        if advice is not None and advice.get("verdict") == str(Verdict.POSSIBLE):
            links += [c for c in advice.get("possibly_same_as", ()) if c not in links]
        for c in links:
            if c not in self._state.cases:
                raise UnknownCaseError(f"possibly_same_as names no case: {c!r}")
        case_id = self._next_case_id()
        emitted = [
            self._emit(
                CaseEvent.CASE_OPENED,
                cmd.actor,
                cmd.time,
                {
                    "case_id": case_id,
                    "centre": centre,
                    "centre_basis": "sar_region of the first position" if srr else "opening centre",
                    "sar_region": srr,
                    "origin": str(cmd.report.kind if cmd.report else ReportKind.OPERATOR),
                    "report": report_to_dict(cmd.report) if cmd.report else None,
                    "possibly_same_as": links,
                    "reason": cmd.reason,
                    "advice": advice,
                    "against_advice": advice is not None
                    and advice.get("verdict") == str(Verdict.SAME),
                },
            )
        ]
        if cmd.report is not None:
            emitted += self._react_to_report(case_id, cmd.report, srr, cmd.time)
        else:
            emitted += self._assess(case_id, cmd.time)
        return self._result(emitted, case_id)

    def _attach(self, cmd: AttachReport) -> CommandResult:
        rules.require_centre_user(cmd.actor, "correlate a report")
        case = self._get(cmd.case_id)
        rules.require_open(case, f"attach report {cmd.report.report_id}")
        rules.require_new_report(self._state, cmd.report)
        srr = self._srr(cmd.report)
        advice = _advice_dict(cmd.advice)
        against = advice is not None and not (
            advice.get("verdict") == str(Verdict.SAME) and advice.get("case_id") == case.case_id
        )
        emitted = [
            self._emit(
                CaseEvent.CASE_CORRELATED,
                cmd.actor,
                cmd.time,
                {
                    "case_id": case.case_id,
                    "report": report_to_dict(cmd.report),
                    "sar_region": srr,
                    "advice": advice,
                    "against_advice": against,
                    "reason": cmd.reason,
                },
            )
        ]
        emitted += self._react_to_report(case.case_id, cmd.report, srr, cmd.time)
        return self._result(emitted, case.case_id)

    def _split(self, cmd: SplitReport) -> CommandResult:
        case = self._get(cmd.case_id)
        rules.require_open(case, f"split report {cmd.report_id} out of it")
        rules.require_coordinator(case, cmd.actor, f"split report {cmd.report_id}")
        rules.require_reason(cmd.reason, "splitting a report")
        report = case.report(cmd.report_id)
        if report is None:
            raise UnknownCaseError(f"report {cmd.report_id!r} is not in case {case.case_id}")
        srr = self._srr(report)
        payload: dict[str, Any] = {
            "case_id": case.case_id,
            "report_id": report.report_id,
            "reason": cmd.reason,
            "sar_region": srr,
        }
        if cmd.to_case_id is None:
            to_id = self._next_case_id()
            payload["new_case"] = {"centre": srr if srr is not None else case.centre}
        else:
            target = self._get(cmd.to_case_id)
            if target.case_id == case.case_id:
                raise CaseCommandError(f"report {report.report_id} is already in {case.case_id}")
            rules.require_open(target, f"move report {report.report_id} into it")
            to_id = target.case_id
            payload["new_case"] = None
        payload["to_case_id"] = to_id
        emitted = [self._emit(CaseEvent.REPORT_SPLIT, cmd.actor, cmd.time, payload)]
        if cmd.to_case_id is not None:
            emitted += self._react_to_report(to_id, report, srr, cmd.time)
        return self._result(emitted, to_id)

    def _merge(self, cmd: MergeCases) -> CommandResult:
        keep = self._get(cmd.case_id)
        gone = self._get(cmd.other_case_id)
        rules.check_merge(keep, gone, cmd.actor, cmd.reason)
        emitted = []
        pending = gone.pending_handover
        if pending is not None:
            emitted.append(
                self._emit(
                    CaseEvent.HANDOVER_WITHDRAWN,
                    SYSTEM_ACTOR,
                    cmd.time,
                    {
                        "case_id": gone.case_id,
                        "request_id": pending.request_id,
                        "note": f"case merged into {keep.case_id}",
                    },
                )
            )
        emitted.append(
            self._emit(
                CaseEvent.CASES_MERGED,
                cmd.actor,
                cmd.time,
                {
                    "case_id": keep.case_id,
                    "merged_case_id": gone.case_id,
                    "reason": cmd.reason,
                    "advice": _advice_dict(cmd.advice),
                },
            )
        )
        return self._result(emitted, keep.case_id)

    def _dismiss_link(self, cmd: DismissLink) -> CommandResult:
        rules.require_centre_user(cmd.actor, "dismiss a link")
        case = self._get(cmd.case_id)
        rules.require_reason(cmd.reason, "dismissing a link")
        if cmd.other_case_id not in case.possibly_same_as:
            raise UnknownCaseError(
                f"case {case.case_id} has no 'possibly the same boat' link to {cmd.other_case_id}"
            )
        return self._one(
            CaseEvent.LINK_DISMISSED,
            cmd,
            {"case_id": case.case_id, "other_case_id": cmd.other_case_id, "reason": cmd.reason},
        )

    # -- coordination ----------------------------------------------------------------------

    def _request_handover(self, cmd: RequestHandover) -> CommandResult:
        case = self._get(cmd.case_id)
        to_centre = rules.check_request(case, cmd.actor, cmd.to_centre, cmd.reason)
        return self._one(
            CaseEvent.HANDOVER_REQUESTED,
            cmd,
            {
                "case_id": case.case_id,
                "request_id": rules.next_request_id(case),
                "from_centre": case.centre,
                "to_centre": to_centre,
                "reason": cmd.reason,
                "trigger_report_id": None,
                "expires_at": iso(cmd.time + timedelta(seconds=self.config.handover_ttl_s)),
            },
        )

    def _accept_handover(self, cmd: AcceptHandover) -> CommandResult:
        case = self._get(cmd.case_id)
        req = rules.check_accept(case, cmd.actor, cmd.request_id, cmd.time)
        return self._one(
            CaseEvent.HANDOVER_ACCEPTED,
            cmd,
            {
                "case_id": case.case_id,
                "request_id": req.request_id,
                "from_centre": req.from_centre,
                "to_centre": req.to_centre,
            },
        )

    def _reject_handover(self, cmd: RejectHandover) -> CommandResult:
        case = self._get(cmd.case_id)
        req = rules.check_reject(case, cmd.actor, cmd.request_id, cmd.reason)
        return self._one(
            CaseEvent.HANDOVER_REJECTED,
            cmd,
            {"case_id": case.case_id, "request_id": req.request_id, "reason": cmd.reason},
        )

    def _withdraw_handover(self, cmd: WithdrawHandover) -> CommandResult:
        case = self._get(cmd.case_id)
        req = rules.check_withdraw(case, cmd.actor, cmd.request_id, cmd.reason)
        return self._one(
            CaseEvent.HANDOVER_WITHDRAWN,
            cmd,
            {"case_id": case.case_id, "request_id": req.request_id, "reason": cmd.reason},
        )

    def _expire_all(self, cmd: ExpireHandovers) -> CommandResult:
        emitted = []
        for case in list(self._state.cases.values()):
            req = case.pending_handover
            if req is not None and cmd.time > req.expires_at:
                emitted.append(self._expire(case, req.request_id, cmd.time))
        return self._result(emitted)

    # -- tasks -----------------------------------------------------------------------------

    def _assign_task(self, cmd: AssignTask) -> CommandResult:
        case = self._get(cmd.case_id)
        rules.require_open(case, f"task {cmd.asset}")
        rules.require_coordinator(case, cmd.actor, f"task {cmd.asset}")
        if not cmd.asset.strip():
            raise CaseCommandError("asset must be named")
        task_id = f"{case.case_id}-T{len(case.tasks) + 1}"
        return self._one(
            CaseEvent.TASK_ASSIGNED,
            cmd,
            {
                "case_id": case.case_id,
                "task_id": task_id,
                "asset": cmd.asset,
                "kind": str(cmd.kind),
                "advice": _advice_dict(cmd.advice),
            },
        )

    def _update_task(self, cmd: UpdateTask) -> CommandResult:
        case = self._get(cmd.case_id)
        task = rules.check_task_update(case, cmd.task_id, cmd.status)
        return self._one(
            CaseEvent.TASK_UPDATED,
            cmd,
            {
                "case_id": case.case_id,
                "task_id": task.task_id,
                "asset": task.asset,
                "from_status": str(task.status),
                "status": str(cmd.status),
                "note": cmd.note,
            },
        )

    # -- persons and outcomes --------------------------------------------------------------

    def _record_outcome(self, cmd: RecordOutcome) -> CommandResult:
        case = self._get(cmd.case_id)
        rules.check_outcome(self._state, case, cmd)
        outcome = Outcome(
            outcome_id=f"{case.case_id}-O{len(case.outcomes) + 1}",
            kind=cmd.kind,
            count=cmd.count,
            time=cmd.time,
            recorded_by=cmd.actor.tag,
            source=cmd.source,
            verified=cmd.verified,
            evidence_ref=cmd.evidence_ref,
            by=cmd.by,
            where=cmd.where,
            refers_to=cmd.refers_to,
        )
        return self._one(
            CaseEvent.OUTCOME_RECORDED,
            cmd,
            {"case_id": case.case_id, "outcome": outcome_to_dict(outcome)},
        )

    def _verify_outcome(self, cmd: VerifyOutcome) -> CommandResult:
        case = self._get(cmd.case_id)
        o = rules.check_verify(self._state, case, cmd.actor, cmd.outcome_id, cmd.evidence_ref)
        return self._one(
            CaseEvent.OUTCOME_VERIFIED,
            cmd,
            {"case_id": case.case_id, "outcome_id": o.outcome_id, "evidence_ref": cmd.evidence_ref},
        )

    def _retract_outcome(self, cmd: RetractOutcome) -> CommandResult:
        rules.require_centre_user(cmd.actor, "retract an outcome")
        case = self._get(cmd.case_id)
        rules.require_reason(cmd.reason, "retracting an outcome")
        o = case.outcome(cmd.outcome_id)
        if o is None:
            raise UnknownCaseError(f"no outcome {cmd.outcome_id!r} on case {case.case_id}")
        if o.retracted:
            raise CaseCommandError(f"outcome {o.outcome_id} is already retracted")
        return self._one(
            CaseEvent.OUTCOME_RETRACTED,
            cmd,
            {"case_id": case.case_id, "outcome_id": o.outcome_id, "reason": cmd.reason},
        )

    def _revise_persons(self, cmd: RevisePersons) -> CommandResult:
        case = self._get(cmd.case_id)
        rules.check_revision(case, cmd.actor, cmd.count, cmd.reason)
        before = self.tally(case.case_id)
        return self._one(
            CaseEvent.PERSONS_REVISED,
            cmd,
            {
                "case_id": case.case_id,
                "count": cmd.count,
                "reason": cmd.reason,
                "previous_figure": before.figure,
            },
        )

    # -- advice and decisions --------------------------------------------------------------

    def _attach_assessment(self, cmd: AttachAssessment) -> CommandResult:
        case = self._get(cmd.case_id)
        if cmd.phase not in rules.PHASES:
            raise CaseCommandError(
                f"phase must be one of {', '.join(sorted(rules.PHASES))}, got {cmd.phase!r}"
            )
        return self._one(
            CaseEvent.ASSESSMENT_ATTACHED,
            cmd,
            {"case_id": case.case_id, "phase": cmd.phase, "assessment": dict(cmd.assessment)},
        )

    def _show_advice(self, cmd: ShowAdvice) -> CommandResult:
        case = self._get(cmd.case_id)
        if not cmd.advice:
            raise CaseCommandError("advice must not be empty")
        return self._one(
            CaseEvent.ADVICE_SHOWN, cmd, {"case_id": case.case_id, "advice": dict(cmd.advice)}
        )

    def _record_decision(self, cmd: RecordDecision) -> CommandResult:
        rules.require_centre_user(cmd.actor, "record a decision")
        case = self._get(cmd.case_id)
        if not cmd.decision.strip():
            raise CaseCommandError("decision must not be empty")
        return self._one(
            CaseEvent.DECISION_RECORDED,
            cmd,
            {"case_id": case.case_id, "decision": cmd.decision, "advice": _advice_dict(cmd.advice)},
        )

    # -- closing ---------------------------------------------------------------------------

    def _withdraw_pending(self, case: Case, time: datetime, why: str) -> list[tuple[Event, int]]:
        req = case.pending_handover
        if req is None:
            return []
        return [
            self._emit(
                CaseEvent.HANDOVER_WITHDRAWN,
                SYSTEM_ACTOR,
                time,
                {"case_id": case.case_id, "request_id": req.request_id, "note": why},
            )
        ]

    def _close(self, cmd: CloseCase) -> CommandResult:
        case = self._get(cmd.case_id)
        t = rules.check_close(case, cmd.actor)
        refs = sorted(
            {o.evidence_ref for o in case.outcomes if o.counts and o.evidence_ref}
            | set(cmd.evidence_refs)
        )
        emitted = self._withdraw_pending(case, cmd.time, "case closed")
        emitted.append(
            self._emit(
                CaseEvent.CASE_CLOSED,
                cmd.actor,
                cmd.time,
                {
                    "case_id": case.case_id,
                    "kind": str(ClosureKind.ALL_ACCOUNTED),
                    "reason": cmd.reason,
                    "evidence_refs": refs,
                    "tally": t.to_dict(),
                },
            )
        )
        return self._result(emitted, case.case_id)

    def _suspend(self, cmd: SuspendSearch) -> CommandResult:
        case = self._get(cmd.case_id)
        t = rules.check_suspend(case, cmd.actor, cmd.reason)
        emitted = self._withdraw_pending(case, cmd.time, "search suspended")
        emitted.append(
            self._emit(
                CaseEvent.CASE_CLOSED,
                cmd.actor,
                cmd.time,
                {
                    "case_id": case.case_id,
                    "kind": str(ClosureKind.SEARCH_SUSPENDED),
                    "reason": cmd.reason,
                    "supervisor": cmd.actor.ref,
                    "tally": t.to_dict(),
                },
            )
        )
        return self._result(emitted, case.case_id)

    def _reopen(self, cmd: ReopenCase) -> CommandResult:
        rules.require_centre_user(cmd.actor, "reopen a case")
        case = self._get(cmd.case_id)
        rules.require_reason(cmd.reason, "reopening a case")
        if case.status not in (CaseStatus.CLOSED, CaseStatus.SUSPENDED):
            raise CaseCommandError(
                f"case {case.case_id} is {case.status}: only a closed or suspended case reopens"
            )
        return self._one(
            CaseEvent.CASE_REOPENED,
            cmd,
            {
                "case_id": case.case_id,
                "reason": cmd.reason,
                "previous": str(case.closure.kind) if case.closure else None,
            },
        )


def pending_requests(book: CaseBook) -> list[tuple[str, str, str]]:
    """(case_id, request_id, to_centre) of every pending handover request: the alert list."""
    out = []
    for case in book.cases.values():
        req = case.pending_handover
        if req is not None:
            out.append((case.case_id, req.request_id, req.to_centre))
    return out
