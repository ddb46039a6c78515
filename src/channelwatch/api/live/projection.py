"""From recorded events to store rows (the read model), and the events the server records.

:func:`project` is pure: the same entries give the same rows, so the store can be caught up
from the ledger after a crash. Event types of the server itself: ``alert``,
``alert_acknowledged``, ``case_note``, ``case_track_linked``, ``drift_run``, ``search_plan``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, Final

from channelwatch.events import Event
from channelwatch.ingest.observation import ContactReport, DistressCall
from channelwatch.ledger.canonical import parse_time
from channelwatch.ledger.errors import LedgerInputError
from channelwatch.store import (
    Acknowledgement,
    AlertRecord,
    CaseEventRecord,
    Changes,
    ContactRecord,
    DocumentRecord,
)

CONTACT_EVENT: Final = "observation.contact"
CALL_EVENT: Final = "observation.distress_call"
ALERT_EVENT: Final = "alert"
ALERT_ACK_EVENT: Final = "alert_acknowledged"
NOTE_EVENT: Final = "case_note"
TRACK_LINK_EVENT: Final = "case_track_linked"
DRIFT_EVENT: Final = "drift_run"
SEARCH_PLAN_EVENT: Final = "search_plan"
SYSTEM_ACTOR: Final = "SYSTEM/channelwatch"


def contact_event(obs: ContactReport | DistressCall, actor: str) -> Event:
    """The ledger event of an accepted contact or call (the payload of ingest's events)."""
    if isinstance(obs, ContactReport):
        payload: dict[str, Any] = {
            "time": obs.time.isoformat(),
            "lat": obs.lat,
            "lon": obs.lon,
            "sensor": obs.sensor.value,
            "sensor_id": obs.sensor_id,
            "sigma_m": obs.sigma_m,
            "persons_estimate": obs.persons_estimate,
            "description": obs.description,
            "report_id": obs.report_id,
        }
        return Event(CONTACT_EVENT, obs.time, actor, payload)
    payload = {
        "time": obs.time.isoformat(),
        "lat": obs.lat,
        "lon": obs.lon,
        "accuracy_m": obs.accuracy_m,
        "persons_reported": obs.persons_reported,
        "children_aboard": obs.children_aboard,
        "water_coming_in": obs.water_coming_in,
        "engine": obs.engine.value,
        "call_id": obs.call_id,
        "note": obs.note,
    }
    return Event(CALL_EVENT, obs.time, actor, payload)


def alert_payload(alert: AlertRecord) -> dict[str, Any]:
    return {
        "alert_id": alert.alert_id,
        "kind": alert.kind,
        "severity": alert.severity,
        "message": alert.message,
        "lat": alert.lat,
        "lon": alert.lon,
        "track_id": alert.track_id,
        "case_id": alert.case_id,
        "centre": alert.centre,
        "details": dict(alert.details),
    }


def _float(v: Any) -> float | None:
    return float(v) if isinstance(v, int | float) and not isinstance(v, bool) else None


def _str(v: Any) -> str | None:
    return v if isinstance(v, str) else None


def contact_record(index: int, event: Event) -> ContactRecord | None:
    p = event.payload
    lat, lon = _float(p.get("lat")), _float(p.get("lon"))
    if lat is None or lon is None:
        return None
    kind = "contact" if event.type == CONTACT_EVENT else "call"
    return ContactRecord(index, kind, event.time, lat, lon, event.actor, dict(p))


def alert_record(index: int, event: Event) -> AlertRecord | None:
    p = event.payload
    alert_id = _str(p.get("alert_id"))
    if alert_id is None:
        return None
    details = p.get("details")
    return AlertRecord(
        alert_id=alert_id,
        kind=str(p.get("kind", "unknown")),
        severity=str(p.get("severity", "info")),
        time=event.time,
        message=str(p.get("message", "")),
        ledger_index=index,
        lat=_float(p.get("lat")),
        lon=_float(p.get("lon")),
        track_id=_str(p.get("track_id")),
        case_id=_str(p.get("case_id")),
        centre=_str(p.get("centre")),
        details=details if isinstance(details, Mapping) else {},
    )


def project(
    entries: Iterable[tuple[int, Event]], documents: Iterable[DocumentRecord] = ()
) -> Changes:
    """The store rows of committed entries (and of the documents recorded with them)."""
    contacts: list[ContactRecord] = []
    case_events: list[CaseEventRecord] = []
    alerts: list[AlertRecord] = []
    acks: list[Acknowledgement] = []
    last = None
    for index, e in entries:
        last = index if last is None else max(last, index)
        if e.type in (CONTACT_EVENT, CALL_EVENT):
            c = contact_record(index, e)
            if c is not None:
                contacts.append(c)
        elif e.type == ALERT_EVENT:
            a = alert_record(index, e)
            if a is not None:
                alerts.append(a)
        elif e.type == ALERT_ACK_EVENT:
            alert_id = _str(e.payload.get("alert_id"))
            if alert_id is not None:
                acks.append(Acknowledgement(alert_id, e.actor, e.time, index))
        case_id = e.payload.get("case_id")
        if isinstance(case_id, str):
            case_events.append(
                CaseEventRecord(
                    index, case_id, e.type, e.time, e.actor, dict(e.payload), e.policy_hash
                )
            )
    return Changes(
        contacts=tuple(contacts),
        case_events=tuple(case_events),
        alerts=tuple(alerts),
        acknowledgements=tuple(acks),
        documents=tuple(documents),
        ledger_applied=last,
    )


def parse_iso(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return parse_time(value)
    except LedgerInputError:  # a stored value that is not a time is "not known"
        return None
