"""Records to JSON-able dicts and back, for event payloads (times as ISO 8601 UTC strings).

Event payloads carry every fact a case is rebuilt from, so a store or the ledger can hold them
as JSON and :func:`channelwatch.cases.fold.replay` can rebuild the cases from them alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from channelwatch.cases.errors import HistoryError
from channelwatch.cases.model import (
    CENTRE_NAMES,
    Actor,
    Case,
    Outcome,
    OutcomeKind,
    Report,
    ReportKind,
    Role,
)
from channelwatch.cases.persons import tally
from channelwatch.errors import InputError
from channelwatch.events import Event


def iso(t: datetime) -> str:
    return t.astimezone(UTC).isoformat()


def parse_time(value: Any, what: str = "time") -> datetime:
    """An ISO 8601 string (or datetime) as an aware UTC datetime; naive times are refused."""
    if isinstance(value, datetime):
        t = value
    elif isinstance(value, str):
        try:
            t = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise HistoryError(f"{what}: not an ISO 8601 time: {value!r}") from None
    else:
        raise HistoryError(f"{what}: expected an ISO 8601 time, got {value!r}")
    if t.tzinfo is None or t.utcoffset() is None:
        raise HistoryError(f"{what}: time must carry a UTC offset, got {value!r}")
    return t.astimezone(UTC)


def get(d: Mapping[str, Any], key: str, what: str) -> Any:
    try:
        return d[key]
    except (KeyError, TypeError):
        raise HistoryError(f"{what}: missing field {key!r}") from None


def actor_to_dict(a: Actor) -> dict[str, str]:
    return {"ref": a.ref, "centre": a.centre, "role": str(a.role)}


def actor_from_dict(d: Mapping[str, Any]) -> Actor:
    try:
        return Actor(
            ref=str(d["ref"]), centre=str(d["centre"]), role=Role(d.get("role", "operator"))
        )
    except (KeyError, ValueError, TypeError) as exc:
        raise HistoryError(f"actor {dict(d)!r}: {exc}") from None


def report_to_dict(r: Report) -> dict[str, Any]:
    return {
        "report_id": r.report_id,
        "kind": str(r.kind),
        "time": iso(r.time),
        "lat": r.lat,
        "lon": r.lon,
        "accuracy_m": r.accuracy_m,
        "persons": r.persons,
        "description": r.description,
        "received_by": r.received_by,
        "water_coming_in": r.water_coming_in,
        "engine": r.engine,
    }


def report_from_dict(d: Mapping[str, Any], what: str = "report") -> Report:
    """A report from its dict (the scenario format accepts ``id`` for ``report_id``)."""
    rid = d.get("report_id", d.get("id"))
    if rid is None:
        raise HistoryError(f"{what}: missing field 'report_id'")
    try:
        kind = ReportKind(d.get("kind", "call"))
    except ValueError:
        raise HistoryError(f"{what} {rid}: unknown kind {d.get('kind')!r}") from None

    def opt_float(key: str) -> float | None:
        v = d.get(key)
        if v is None:
            return None
        try:
            return float(v)
        except (TypeError, ValueError):
            raise HistoryError(f"{what} {rid}: {key} is not a number: {v!r}") from None

    persons = d.get("persons")
    if persons is not None and (isinstance(persons, bool) or not isinstance(persons, int)):
        raise HistoryError(f"{what} {rid}: persons must be an integer, got {persons!r}")
    return Report(
        report_id=str(rid),
        kind=kind,
        time=parse_time(get(d, "time", f"{what} {rid}"), f"{what} {rid} time"),
        lat=opt_float("lat"),
        lon=opt_float("lon"),
        accuracy_m=opt_float("accuracy_m"),
        persons=persons,
        description=d.get("description"),
        received_by=d.get("received_by"),
        water_coming_in=d.get("water_coming_in"),
        engine=d.get("engine"),
    )


def outcome_to_dict(o: Outcome) -> dict[str, Any]:
    return {
        "outcome_id": o.outcome_id,
        "kind": str(o.kind),
        "count": o.count,
        "time": iso(o.time),
        "recorded_by": o.recorded_by,
        "source": o.source,
        "verified": o.verified,
        "evidence_ref": o.evidence_ref,
        "by": o.by,
        "where": o.where,
        "refers_to": o.refers_to,
    }


def outcome_from_dict(d: Mapping[str, Any]) -> Outcome:
    what = f"outcome {d.get('outcome_id')!r}"
    try:
        kind = OutcomeKind(get(d, "kind", what))
    except ValueError:
        raise HistoryError(f"{what}: unknown kind {d.get('kind')!r}") from None
    return Outcome(
        outcome_id=str(get(d, "outcome_id", what)),
        kind=kind,
        count=int(get(d, "count", what)),
        time=parse_time(get(d, "time", what), f"{what} time"),
        recorded_by=str(get(d, "recorded_by", what)),
        source=str(get(d, "source", what)),
        verified=bool(get(d, "verified", what)),
        evidence_ref=d.get("evidence_ref"),
        by=d.get("by"),
        where=d.get("where"),
        refers_to=d.get("refers_to"),
    )


def event_to_dict(e: Event) -> dict[str, Any]:
    """An event as one JSON-able dict (a line of an events file, a row of a store)."""
    return {
        "type": e.type,
        "time": iso(e.time),
        "actor": e.actor,
        "payload": dict(e.payload),
        "policy_hash": e.policy_hash,
    }


def event_from_dict(d: Mapping[str, Any]) -> Event:
    what = f"event {d.get('type')!r}"
    payload = d.get("payload") or {}
    if not isinstance(payload, Mapping):
        raise HistoryError(f"{what}: payload must be an object")
    try:
        return Event(
            type=str(get(d, "type", what)),
            time=parse_time(get(d, "time", what), f"{what} time"),
            actor=str(get(d, "actor", what)),
            payload=dict(payload),
            policy_hash=d.get("policy_hash"),
        )
    except InputError as exc:
        if isinstance(exc, HistoryError):
            raise
        raise HistoryError(f"{what}: {exc}") from None


def case_to_dict(case: Case) -> dict[str, Any]:
    """A case's current state for people and APIs (the history is in the events)."""
    t = tally(case.reports, case.outcomes, case.persons_revision)
    pending = case.pending_handover
    return {
        "case_id": case.case_id,
        "centre": case.centre,
        "centre_name": CENTRE_NAMES.get(case.centre, case.centre),
        "status": str(case.status),
        "opened_at": iso(case.opened_at),
        "opened_by": case.opened_by,
        "origin": str(case.origin),
        "phase": case.phase,
        "reports": [report_to_dict(r) for r in case.reports],
        "persons": t.to_dict(),
        "outcomes": [
            {
                **outcome_to_dict(o),
                "retracted": o.retracted,
                "retraction_reason": o.retraction_reason,
            }
            for o in case.outcomes
        ],
        "tasks": [
            {
                "task_id": k.task_id,
                "asset": k.asset,
                "kind": str(k.kind),
                "status": str(k.status),
                "assigned_at": iso(k.assigned_at),
                "updated_at": iso(k.updated_at),
            }
            for k in case.tasks
        ],
        "handovers": [
            {
                "request_id": h.request_id,
                "from_centre": h.from_centre,
                "to_centre": h.to_centre,
                "status": str(h.status),
                "requested_at": iso(h.requested_at),
                "expires_at": iso(h.expires_at),
                "requested_by": h.requested_by,
                "reason": h.reason,
                "resolved_at": iso(h.resolved_at) if h.resolved_at else None,
                "resolved_by": h.resolved_by,
            }
            for h in case.handovers
        ],
        "pending_handover": pending.request_id if pending else None,
        "possibly_same_as": list(case.possibly_same_as),
        "persons_revision": (
            {
                "count": case.persons_revision.count,
                "by": case.persons_revision.by,
                "reason": case.persons_revision.reason,
            }
            if case.persons_revision
            else None
        ),
        "closure": (
            {
                "kind": str(case.closure.kind),
                "time": iso(case.closure.time),
                "by": case.closure.by,
                "reason": case.closure.reason,
                "evidence_refs": list(case.closure.evidence_refs),
                "merged_into": case.closure.merged_into,
            }
            if case.closure
            else None
        ),
    }
