"""What people (and the system) ask of a case book: one frozen record per command.

Every command names who asks (:class:`Actor`) and when (UTC). A decision taken on advice carries
the advice that was shown, so the record holds both (item 4 of issue 5). The REST layer and the
scenario replayer build these; :meth:`channelwatch.cases.book.CaseBook.execute` runs them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from channelwatch.cases.correlate import CorrelationAdvice
from channelwatch.cases.model import Actor, OutcomeKind, Report, TaskKind, TaskStatus

Advice = CorrelationAdvice | Mapping[str, Any] | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Command:
    actor: Actor
    time: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class SuggestCorrelation(Command):
    """Score a new call or sighting against the cases; the advice is recorded and returned."""

    report: Report


@dataclass(frozen=True, slots=True, kw_only=True)
class OpenCase(Command):
    """Open a case from a call, a sighting, or an operator's entry (no report)."""

    report: Report | None = None
    advice: Advice = None  # the correlation advice shown, if any
    reason: str | None = None
    possibly_same_as: tuple[str, ...] = ()  # extra links; a POSSIBLE advice adds its own


@dataclass(frozen=True, slots=True, kw_only=True)
class AttachReport(Command):
    """Correlate a call or sighting with the boat of an existing case."""

    case_id: str
    report: Report
    advice: Advice = None
    reason: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class SplitReport(Command):
    """Take a wrongly attached report out of a case: into a new case, or another case."""

    case_id: str
    report_id: str
    reason: str
    to_case_id: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class MergeCases(Command):
    """Two cases are one boat: ``other_case_id`` is folded into ``case_id``."""

    case_id: str
    other_case_id: str
    reason: str
    advice: Advice = None


@dataclass(frozen=True, slots=True, kw_only=True)
class DismissLink(Command):
    """An operator decides a "possibly the same boat" link is not the same boat."""

    case_id: str
    other_case_id: str
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class RequestHandover(Command):
    """Ask the other centre to take coordination (either centre may ask)."""

    case_id: str
    reason: str
    to_centre: str | None = None  # default: the centre not coordinating


@dataclass(frozen=True, slots=True, kw_only=True)
class AcceptHandover(Command):
    case_id: str
    request_id: str | None = None  # default: the pending request


@dataclass(frozen=True, slots=True, kw_only=True)
class RejectHandover(Command):
    case_id: str
    reason: str
    request_id: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class WithdrawHandover(Command):
    case_id: str
    reason: str
    request_id: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ExpireHandovers(Command):
    """Expire every pending request past its deadline at ``time`` (a clock tick)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class AssignTask(Command):
    case_id: str
    asset: str  # e.g. "RNLI Dover Severn" or "Border Force cutter"
    kind: TaskKind
    advice: Advice = None


@dataclass(frozen=True, slots=True, kw_only=True)
class UpdateTask(Command):
    case_id: str
    task_id: str
    status: TaskStatus
    note: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class RecordOutcome(Command):
    """Persons rescued (by whom), landed (where) or deceased, with evidence.

    ``verified=False`` records a claim from a source not yet confirmed (for example one centre's
    belief that the other rescued the boat); it must say which boat or case it refers to and
    accounts for nobody until verified.
    """

    case_id: str
    kind: OutcomeKind
    count: int
    source: str
    verified: bool = True
    evidence_ref: str | None = None
    by: str | None = None
    where: str | None = None
    refers_to: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class VerifyOutcome(Command):
    case_id: str
    outcome_id: str
    evidence_ref: str


@dataclass(frozen=True, slots=True, kw_only=True)
class RetractOutcome(Command):
    case_id: str
    outcome_id: str
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class RevisePersons(Command):
    """A supervisor's decision on how many were aboard (replaces the highest reported count)."""

    case_id: str
    count: int
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class AttachAssessment(Command):
    """A distress phase (uncertainty / alert / distress) and its factors, as advice."""

    case_id: str
    phase: str
    assessment: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class ShowAdvice(Command):
    """Advice shown to an operator on a case (e.g. a doctrine verdict), recorded as shown."""

    case_id: str
    advice: Mapping[str, Any]


@dataclass(frozen=True, slots=True, kw_only=True)
class RecordDecision(Command):
    """Any other human decision on a case, with the advice the person had before them."""

    case_id: str
    decision: str
    advice: Advice = None


@dataclass(frozen=True, slots=True, kw_only=True)
class CloseCase(Command):
    """Close on accounting: refused unless every reported person is accounted for."""

    case_id: str
    reason: str = ""
    evidence_refs: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class SuspendSearch(Command):
    """Suspend the search: a named supervisor of the coordinating centre, with the reason."""

    case_id: str
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ReopenCase(Command):
    case_id: str
    reason: str
