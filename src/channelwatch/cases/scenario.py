"""Replay a scenario: a document (loaded JSON or YAML) of actors and timed steps, run as commands.

A scenario is data, not code. Each step names a time (``at``), an actor (a key of ``actors``),
an operation (``do``) and its fields. Cases are referred to by id (``case: C-0001``) or, since ids
are given out at run time, by a report they hold (``case_of: call-07``). A ``report`` step is a
call or sighting coming in: the system's correlation advice is recorded, then the operator's
``decision`` is run — ``follow_advice`` (attach on SAME; on POSSIBLE or NEW open a separate case,
linked to the possible matches), ``new_case``, ``suggest_only``, or ``{attach_case_of: <report>}``
/ ``{attach: <case id>}`` (an operator overriding the advice). ``expect: refused`` or
``expect: ok`` states what should happen; refusals are part of a replay, not failures of it.

Keys a step may carry and the system ignores (``truth``, ``note``) are for tests and readers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from channelwatch.cases.book import CaseBook
from channelwatch.cases.codec import parse_time, report_from_dict
from channelwatch.cases.commands import (
    AcceptHandover,
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
from channelwatch.cases.correlate import CorrelationAdvice, Verdict
from channelwatch.cases.errors import CaseCommandError, HistoryError, ScenarioError
from channelwatch.cases.model import Actor, OutcomeKind, Role, TaskKind, TaskStatus


@dataclass(frozen=True, slots=True)
class StepResult:
    index: int
    op: str
    at: str
    ok: bool
    error: str | None = None
    case_id: str | None = None
    advice: Mapping[str, Any] | None = None
    expect: str | None = None
    truth: str | None = None

    @property
    def as_expected(self) -> bool | None:
        """None if the step stated no expectation."""
        if self.expect is None:
            return None
        return self.ok == (self.expect == "ok")

    def to_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "op": self.op,
            "at": self.at,
            "ok": self.ok,
            "error": self.error,
            "case_id": self.case_id,
            "advice": dict(self.advice) if self.advice is not None else None,
            "expect": self.expect,
            "as_expected": self.as_expected,
        }


@dataclass(slots=True)
class ScenarioResult:
    title: str
    steps: list[StepResult] = field(default_factory=list)

    @property
    def unexpected(self) -> list[StepResult]:
        return [s for s in self.steps if s.as_expected is False]

    @property
    def refused(self) -> list[StepResult]:
        return [s for s in self.steps if not s.ok]


def _actors(doc: Mapping[str, Any]) -> dict[str, Actor]:
    out: dict[str, Actor] = {}
    raw = doc.get("actors") or {}
    if not isinstance(raw, Mapping):
        raise ScenarioError("'actors' must be a mapping of name -> {centre, ref, role}")
    for name, spec in raw.items():
        if not isinstance(spec, Mapping):
            raise ScenarioError(f"actor {name!r} must be a mapping")
        try:
            out[str(name)] = Actor(
                ref=str(spec.get("ref", name)),
                centre=str(spec["centre"]),
                role=Role(spec.get("role", "operator")),
            )
        except (KeyError, ValueError) as exc:
            raise ScenarioError(f"actor {name!r}: {exc}") from None
    return out


class _Step:
    """One step's fields, with lookups that name the step in their errors."""

    def __init__(
        self, index: int, raw: Mapping[str, Any], book: CaseBook, actors: Mapping[str, Actor]
    ) -> None:
        self.index = index
        self.raw = raw
        self.book = book
        self.actors = actors
        self.op = str(raw.get("do", ""))
        self.where = f"step {index} ({self.op or '?'})"

    def need(self, key: str) -> Any:
        if key not in self.raw or self.raw[key] is None:
            raise ScenarioError(f"{self.where}: missing {key!r}")
        return self.raw[key]

    def text(self, key: str, default: str | None = None) -> str:
        v = self.raw.get(key, default)
        if v is None:
            raise ScenarioError(f"{self.where}: missing {key!r}")
        return str(v)

    def opt(self, key: str) -> Any:
        return self.raw.get(key)

    def actor(self) -> Actor:
        ref = self.need("actor")
        if isinstance(ref, Mapping):
            try:
                return Actor(str(ref["ref"]), str(ref["centre"]), Role(ref.get("role", "operator")))
            except (KeyError, ValueError) as exc:
                raise ScenarioError(f"{self.where}: actor {exc}") from None
        if str(ref) not in self.actors:
            raise ScenarioError(f"{self.where}: unknown actor {ref!r}")
        return self.actors[str(ref)]

    def case_id(self, key: str = "case", of_key: str = "case_of") -> str:
        if self.raw.get(of_key) is not None:
            rid = str(self.raw[of_key])
            holder = self.book.holder_of(rid)
            if holder is None:
                raise ScenarioError(f"{self.where}: report {rid!r} is in no case")
            return holder
        return self.text(key)

    def report(self) -> Any:
        try:
            return report_from_dict(self.need("report"), f"{self.where} report")
        except (HistoryError, CaseCommandError) as exc:
            raise ScenarioError(str(exc)) from None


def _decide(step: _Step, advice: CorrelationAdvice, base: dict[str, Any]) -> Command:
    """The operator's decision on a report, given the advice shown."""
    decision = step.raw.get("decision", "follow_advice")
    if isinstance(decision, Mapping):
        if "attach" in decision:
            target = str(decision["attach"])
        elif "attach_case_of" in decision:
            rid = str(decision["attach_case_of"])
            holder = step.book.holder_of(rid)
            if holder is None:
                raise ScenarioError(f"{step.where}: report {rid!r} is in no case")
            target = holder
        else:
            raise ScenarioError(f"{step.where}: decision mapping needs attach or attach_case_of")
        return AttachReport(**base, case_id=target, advice=advice, reason=step.opt("reason"))
    if decision == "follow_advice":
        if advice.verdict is Verdict.SAME and advice.case_id is not None:
            return AttachReport(**base, case_id=advice.case_id, advice=advice)
        return OpenCase(**base, advice=advice, reason="advice: " + str(advice.verdict))
    if decision == "new_case":
        return OpenCase(**base, advice=advice, reason=step.opt("reason"))
    raise ScenarioError(f"{step.where}: unknown decision {decision!r}")


def _outcome_id(step: _Step, case_id: str) -> str:
    if step.opt("outcome_id"):
        return str(step.opt("outcome_id"))
    n = step.need("outcome")
    return f"{case_id}-O{int(n)}"


def _task_id(step: _Step, case_id: str) -> str:
    if step.opt("task_id"):
        return str(step.opt("task_id"))
    asset = step.text("asset")
    case = step.book.case(case_id)
    for t in reversed(case.tasks):
        if t.asset == asset:
            return t.task_id
    raise ScenarioError(f"{step.where}: no task for asset {asset!r} on {case_id}")


def _enum(step: _Step, enum: Callable[[str], Any], key: str) -> Any:
    try:
        return enum(step.text(key))
    except ValueError:
        raise ScenarioError(f"{step.where}: invalid {key} {step.raw.get(key)!r}") from None


def _open(st: _Step, b: dict[str, Any]) -> Command:
    rep = st.report() if st.opt("report") is not None else None
    return OpenCase(**b, report=rep, reason=st.opt("reason"))


def _split(st: _Step, b: dict[str, Any]) -> Command:
    to = None
    if st.opt("to_case") is not None or st.opt("to_case_of") is not None:
        to = st.case_id("to_case", "to_case_of")
    return SplitReport(
        **b,
        case_id=st.case_id(),
        report_id=st.text("report_id"),
        reason=st.text("reason"),
        to_case_id=to,
    )


def _update_task(st: _Step, b: dict[str, Any]) -> Command:
    cid = st.case_id()
    return UpdateTask(
        **b,
        case_id=cid,
        task_id=_task_id(st, cid),
        status=_enum(st, TaskStatus, "status"),
        note=st.opt("note"),
    )


def _record_outcome(st: _Step, b: dict[str, Any]) -> Command:
    return RecordOutcome(
        **b,
        case_id=st.case_id(),
        kind=_enum(st, OutcomeKind, "kind"),
        count=st.need("count"),
        source=st.text("source"),
        verified=bool(st.raw.get("verified", True)),
        evidence_ref=st.opt("evidence_ref"),
        by=st.opt("by"),
        where=st.opt("where"),
        refers_to=st.opt("refers_to"),
    )


def _verify(st: _Step, b: dict[str, Any]) -> Command:
    cid = st.case_id()
    return VerifyOutcome(
        **b, case_id=cid, outcome_id=_outcome_id(st, cid), evidence_ref=st.text("evidence_ref")
    )


def _retract(st: _Step, b: dict[str, Any]) -> Command:
    cid = st.case_id()
    return RetractOutcome(
        **b, case_id=cid, outcome_id=_outcome_id(st, cid), reason=st.text("reason")
    )


_Builder = Callable[[_Step, dict[str, Any]], Command]
_BUILDERS: dict[str, _Builder] = {
    "open_case": _open,
    "attach": lambda st, b: AttachReport(
        **b, case_id=st.case_id(), report=st.report(), reason=st.opt("reason")
    ),
    "split": _split,
    "merge": lambda st, b: MergeCases(
        **b,
        case_id=st.case_id(),
        other_case_id=st.case_id("other", "other_case_of"),
        reason=st.text("reason"),
        advice=st.opt("advice"),
    ),
    "dismiss_link": lambda st, b: DismissLink(
        **b,
        case_id=st.case_id(),
        other_case_id=st.case_id("other", "other_case_of"),
        reason=st.text("reason"),
    ),
    "request_handover": lambda st, b: RequestHandover(
        **b, case_id=st.case_id(), reason=st.text("reason"), to_centre=st.opt("to_centre")
    ),
    "accept_handover": lambda st, b: AcceptHandover(
        **b, case_id=st.case_id(), request_id=st.opt("request_id")
    ),
    "reject_handover": lambda st, b: RejectHandover(
        **b, case_id=st.case_id(), reason=st.text("reason"), request_id=st.opt("request_id")
    ),
    "withdraw_handover": lambda st, b: WithdrawHandover(
        **b, case_id=st.case_id(), reason=st.text("reason"), request_id=st.opt("request_id")
    ),
    "expire_handovers": lambda st, b: ExpireHandovers(**b),
    "assign_task": lambda st, b: AssignTask(
        **b,
        case_id=st.case_id(),
        asset=st.text("asset"),
        kind=_enum(st, TaskKind, "kind"),
        advice=st.opt("advice"),
    ),
    "update_task": _update_task,
    "record_outcome": _record_outcome,
    "verify_outcome": _verify,
    "retract_outcome": _retract,
    "revise_persons": lambda st, b: RevisePersons(
        **b, case_id=st.case_id(), count=st.need("count"), reason=st.text("reason")
    ),
    "assessment": lambda st, b: AttachAssessment(
        **b, case_id=st.case_id(), phase=st.text("phase"), assessment=st.opt("assessment") or {}
    ),
    "advice": lambda st, b: ShowAdvice(**b, case_id=st.case_id(), advice=st.need("advice")),
    "decision": lambda st, b: RecordDecision(
        **b, case_id=st.case_id(), decision=st.text("decision"), advice=st.opt("advice")
    ),
    "close": lambda st, b: CloseCase(
        **b,
        case_id=st.case_id(),
        reason=st.text("reason", ""),
        evidence_refs=tuple(st.opt("evidence_refs") or ()),
    ),
    "suspend": lambda st, b: SuspendSearch(**b, case_id=st.case_id(), reason=st.text("reason")),
    "reopen": lambda st, b: ReopenCase(**b, case_id=st.case_id(), reason=st.text("reason")),
}

OPERATIONS: tuple[str, ...] = ("report", *_BUILDERS)


def run_scenario(
    doc: Mapping[str, Any],
    book: CaseBook,
    on_step: Callable[[StepResult], None] | None = None,
) -> ScenarioResult:
    """Run every step of ``doc`` against ``book``; refused commands are results, not errors.

    Raises :class:`ScenarioError` for a malformed document (before or at the step concerned).
    """
    steps = doc.get("steps")
    if not isinstance(steps, Sequence) or isinstance(steps, str | bytes):
        raise ScenarioError("a scenario needs 'steps': a list of steps")
    actors = _actors(doc)
    result = ScenarioResult(title=str(doc.get("title", "")))
    for i, raw in enumerate(steps):
        if not isinstance(raw, Mapping):
            raise ScenarioError(f"step {i}: must be a mapping")
        step = _Step(i, raw, book, actors)
        if step.op not in OPERATIONS:
            raise ScenarioError(f"{step.where}: unknown operation {step.op!r}")
        try:
            at = parse_time(step.need("at"), f"{step.where} at")
        except HistoryError as exc:
            raise ScenarioError(str(exc)) from None
        expect = raw.get("expect")
        if expect not in (None, "ok", "refused"):
            raise ScenarioError(f"{step.where}: expect must be 'ok' or 'refused'")
        base: dict[str, Any] = {"actor": step.actor(), "time": at}
        advice: CorrelationAdvice | None = None
        try:
            if step.op == "report":
                report = step.report()
                suggested = book.execute(SuggestCorrelation(**base, report=report))
                advice = suggested.advice
                if raw.get("decision") == "suggest_only" or advice is None:
                    res = suggested
                else:
                    res = book.execute(_decide(step, advice, {**base, "report": report}))
            else:
                res = book.execute(_BUILDERS[step.op](step, base))
            out = StepResult(
                i,
                step.op,
                at.isoformat(),
                True,
                None,
                res.case_id,
                advice.to_dict() if advice else None,
                expect,
                raw.get("truth"),
            )
        except CaseCommandError as exc:
            out = StepResult(
                i,
                step.op,
                at.isoformat(),
                False,
                str(exc),
                None,
                advice.to_dict() if advice else None,
                expect,
                raw.get("truth"),
            )
        result.steps.append(out)
        if on_step is not None:
            on_step(out)
    return result
