"""The records of a SAR case: who acts, what was reported, tasks, handovers, outcomes, closure.

Every record is a frozen, slotted dataclass; a :class:`Case` is rebuilt from its events and never
edited in place (see :mod:`channelwatch.cases.fold`). People aboard are counted, never
identified: a report holds a count and a description of the boat, never a caller's identity.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from channelwatch.cases.errors import CaseCommandError
from channelwatch.ingest.observation import ContactReport, DistressCall


class Centre(StrEnum):
    """The two coordinating centres of the Dover Strait (codes as the region's ``sar_region``)."""

    FR = "FR"
    GB = "GB"


CENTRE_NAMES: dict[str, str] = {"FR": "CROSS Gris-Nez", "GB": "HM Coastguard Dover"}
SYSTEM_CENTRE = "SYSTEM"


class Role(StrEnum):
    OPERATOR = "operator"
    SUPERVISOR = "supervisor"  # a named search mission coordinator or watch supervisor
    CREW = "crew"  # an asset's crew reporting a task's status
    SYSTEM = "system"  # ChannelWatch itself (e.g. a handover request raised at the line)


@dataclass(frozen=True, slots=True)
class Actor:
    """Who did something: a staff reference of a centre or organisation, never a caller."""

    ref: str
    centre: str  # "FR", "GB", or the organisation of an asset's crew ("BF", "RNLI", ...)
    role: Role = Role.OPERATOR

    def __post_init__(self) -> None:
        if not self.ref or not self.ref.strip():
            raise CaseCommandError("actor ref must not be empty")
        if not self.centre or "/" in self.centre:
            raise CaseCommandError(f"actor centre must be a non-empty code, got {self.centre!r}")

    @property
    def tag(self) -> str:
        """The string recorded as the event's actor: ``centre/ref``."""
        return f"{self.centre}/{self.ref}"


SYSTEM_ACTOR = Actor(ref="channelwatch", centre=SYSTEM_CENTRE, role=Role.SYSTEM)


class ReportKind(StrEnum):
    CALL = "call"  # a phone call for help (position from the phone, if any)
    SIGHTING = "sighting"  # radar, aerial, drone or vessel sighting
    OPERATOR = "operator"  # an operator's own entry (e.g. information from a partner)


def require_utc(value: datetime, what: str) -> None:
    """Refuse naive datetimes: every time in a case is timezone-aware UTC."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise CaseCommandError(f"{what} must be timezone-aware UTC, got {value!r}")


@dataclass(frozen=True, slots=True)
class Report:
    """One call, sighting or operator entry about a boat, as attached to a case."""

    report_id: str  # the operator's reference, never a phone number
    kind: ReportKind
    time: datetime
    lat: float | None = None
    lon: float | None = None
    accuracy_m: float | None = None  # radius of the position's uncertainty
    persons: int | None = None  # persons aboard as reported by this source
    description: str | None = None  # of the boat (colour, type, engine), never of a person
    received_by: str | None = None  # the centre or unit that took the report
    water_coming_in: bool | None = None
    engine: str | None = None  # "running" | "failed" | "unknown"

    def __post_init__(self) -> None:
        if not self.report_id or not self.report_id.strip():
            raise CaseCommandError("report_id must not be empty")
        require_utc(self.time, f"report {self.report_id} time")
        if (self.lat is None) != (self.lon is None):
            raise CaseCommandError(f"report {self.report_id}: give both lat and lon, or neither")
        if self.lat is not None and self.lon is not None:
            if not (math.isfinite(self.lat) and -90.0 <= self.lat <= 90.0):
                raise CaseCommandError(f"report {self.report_id}: latitude {self.lat!r} invalid")
            if not (math.isfinite(self.lon) and -180.0 <= self.lon <= 180.0):
                raise CaseCommandError(f"report {self.report_id}: longitude {self.lon!r} invalid")
            if self.accuracy_m is None or not (
                math.isfinite(self.accuracy_m) and self.accuracy_m > 0
            ):
                raise CaseCommandError(
                    f"report {self.report_id}: a position needs accuracy_m > 0, "
                    f"got {self.accuracy_m!r}"
                )
        if self.persons is not None and not (0 < self.persons <= 1000):
            raise CaseCommandError(
                f"report {self.report_id}: persons must be 1..1000, got {self.persons!r}"
            )

    @property
    def has_position(self) -> bool:
        return self.lat is not None and self.lon is not None

    @classmethod
    def from_call(
        cls, call: DistressCall, report_id: str | None = None, received_by: str | None = None
    ) -> Report:
        """A :class:`DistressCall` as a case report (its ``call_id`` is the report id)."""
        rid = report_id or call.call_id
        if not rid:
            raise CaseCommandError("a distress call needs a call_id (operator reference)")
        return cls(
            report_id=rid,
            kind=ReportKind.CALL,
            time=call.time,
            lat=call.lat,
            lon=call.lon,
            accuracy_m=call.accuracy_m,
            persons=call.persons_reported,
            description=call.note,
            received_by=received_by,
            water_coming_in=call.water_coming_in,
            engine=str(call.engine),
        )

    @classmethod
    def from_contact(cls, contact: ContactReport, report_id: str | None = None) -> Report:
        """A radar, aerial or drone :class:`ContactReport` as a sighting (1-sigma as accuracy)."""
        rid = report_id or contact.report_id
        if not rid:
            raise CaseCommandError("a contact report needs a report_id")
        return cls(
            report_id=rid,
            kind=ReportKind.SIGHTING,
            time=contact.time,
            lat=contact.lat,
            lon=contact.lon,
            accuracy_m=contact.sigma_m,
            persons=contact.persons_estimate,
            description=contact.description,
            received_by=contact.sensor_id,
        )


class TaskKind(StrEnum):
    SEARCH = "search"
    RESCUE = "rescue"
    ESCORT = "escort"
    STANDBY = "standby"


class TaskStatus(StrEnum):
    ASSIGNED = "assigned"
    UNDER_WAY = "under_way"
    ON_SCENE = "on_scene"
    COMPLETE = "complete"
    CANCELLED = "cancelled"


TASK_TERMINAL = frozenset({TaskStatus.COMPLETE, TaskStatus.CANCELLED})
# Which status may follow which: forward moves, a return under way from the scene, cancel.
TASK_TRANSITIONS: dict[TaskStatus, frozenset[TaskStatus]] = {
    TaskStatus.ASSIGNED: frozenset(
        {TaskStatus.UNDER_WAY, TaskStatus.ON_SCENE, TaskStatus.COMPLETE, TaskStatus.CANCELLED}
    ),
    TaskStatus.UNDER_WAY: frozenset(
        {TaskStatus.ON_SCENE, TaskStatus.COMPLETE, TaskStatus.CANCELLED}
    ),
    TaskStatus.ON_SCENE: frozenset(
        {TaskStatus.UNDER_WAY, TaskStatus.COMPLETE, TaskStatus.CANCELLED}
    ),
    TaskStatus.COMPLETE: frozenset(),
    TaskStatus.CANCELLED: frozenset(),
}


@dataclass(frozen=True, slots=True)
class Task:
    """An asset (a lifeboat, a state vessel, a helicopter) tasked to a case."""

    task_id: str
    asset: str
    kind: TaskKind
    status: TaskStatus
    assigned_at: datetime
    updated_at: datetime

    @property
    def active(self) -> bool:
        return self.status not in TASK_TERMINAL


class HandoverStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"


@dataclass(frozen=True, slots=True)
class HandoverRequest:
    """A request that the other centre take coordination; changes nothing until it accepts."""

    request_id: str
    from_centre: str
    to_centre: str
    requested_at: datetime
    expires_at: datetime
    requested_by: str  # actor tag
    reason: str
    trigger_report_id: str | None = None  # the report whose position raised it, if any
    status: HandoverStatus = HandoverStatus.PENDING
    resolved_at: datetime | None = None
    resolved_by: str | None = None
    note: str | None = None


class OutcomeKind(StrEnum):
    RESCUED = "rescued"  # taken aboard a rescue unit (by whom)
    LANDED = "landed"  # reached the shore by their own means (where); not disembarkation
    DECEASED = "deceased"


@dataclass(frozen=True, slots=True)
class Outcome:
    """A count of persons with what became of them, and the evidence for it."""

    outcome_id: str
    kind: OutcomeKind
    count: int
    time: datetime
    recorded_by: str  # actor tag
    source: str  # who says so (a unit, a centre, a partner)
    verified: bool  # only verified outcomes account for persons
    evidence_ref: str | None = None  # e.g. the rescue unit's report id
    by: str | None = None  # the rescuing unit
    where: str | None = None  # the landing place
    refers_to: str | None = None  # which boat/case/report an unverified claim is about
    retracted: bool = False
    retraction_reason: str | None = None

    @property
    def counts(self) -> bool:
        """Whether it accounts for persons (verified and not retracted)."""
        return self.verified and not self.retracted


@dataclass(frozen=True, slots=True)
class PersonsRevision:
    """A supervisor's decision on the number of persons aboard, with the reason."""

    count: int
    by: str
    reason: str
    time: datetime


class CaseStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"  # every reported person accounted for
    SUSPENDED = "suspended"  # search suspended by a named supervisor; reopenable
    MERGED = "merged"  # found to be the same boat as another case


class ClosureKind(StrEnum):
    ALL_ACCOUNTED = "all_accounted"
    SEARCH_SUSPENDED = "search_suspended"
    MERGED = "merged"


@dataclass(frozen=True, slots=True)
class Closure:
    kind: ClosureKind
    time: datetime
    by: str  # actor tag (for a suspension: the named supervisor)
    reason: str
    evidence_refs: tuple[str, ...] = ()
    merged_into: str | None = None


@dataclass(frozen=True, slots=True)
class Case:
    """A SAR case as rebuilt from its events. Exactly one coordinating centre at any time."""

    case_id: str
    opened_at: datetime
    opened_by: str
    origin: ReportKind
    centre: str  # "FR" or "GB": the one coordinating centre
    status: CaseStatus = CaseStatus.OPEN
    reports: tuple[Report, ...] = ()
    outcomes: tuple[Outcome, ...] = ()
    tasks: tuple[Task, ...] = ()
    handovers: tuple[HandoverRequest, ...] = ()
    persons_revision: PersonsRevision | None = None
    possibly_same_as: tuple[str, ...] = ()  # cases an operator kept separate on an ambiguous match
    phase: str | None = None  # the latest distress phase attached (uncertainty/alert/distress)
    closure: Closure | None = None
    closures: int = 0  # how many times it was closed or suspended (reopen keeps the count)

    @property
    def is_open(self) -> bool:
        return self.status is CaseStatus.OPEN

    @property
    def pending_handover(self) -> HandoverRequest | None:
        for req in self.handovers:
            if req.status is HandoverStatus.PENDING:
                return req
        return None

    @property
    def last_time(self) -> datetime:
        """The time of the latest report (or the opening, if none)."""
        times = [r.time for r in self.reports]
        return max(times) if times else self.opened_at

    def report(self, report_id: str) -> Report | None:
        for r in self.reports:
            if r.report_id == report_id:
                return r
        return None

    def task(self, task_id: str) -> Task | None:
        for t in self.tasks:
            if t.task_id == task_id:
                return t
        return None

    def outcome(self, outcome_id: str) -> Outcome | None:
        for o in self.outcomes:
            if o.outcome_id == outcome_id:
                return o
        return None

    def handover(self, request_id: str) -> HandoverRequest | None:
        for h in self.handovers:
            if h.request_id == request_id:
                return h
        return None
