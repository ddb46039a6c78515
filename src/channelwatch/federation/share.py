"""What a centre shares with its partner, and how it is stripped first (pure functions).

The shared picture leaves the centre: tracks, contacts and distress calls, the state of SAR cases
(reports, coordination, handovers, tasks, outcomes, closure) and the commands its operators send
about the partner's cases. Nothing else does: internal notes, correlation suggestions, advice
and decisions, AIS raw data, refusals of the centre's own commands, and anything whose payload
is marked internal (``"internal": true`` or ``"audience": "internal"``) stay home.

What leaves is stripped by allow-lists (a field added later to an event stays home until it is
listed here): staff identities become their role and centre (``FR/cross-gn-op-7`` becomes
``FR/operator``), advice and internal reasons are dropped, the reasons of handover messages (they
are addressed to the partner) are kept.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from enum import StrEnum
from typing import Any, Final

from channelwatch.cases.kinds import CaseEvent
from channelwatch.events import Event


class Kind(StrEnum):
    """The kinds of message between centres; the NATS subject is ``cw.<centre>.<kind>``."""

    TRACK = "track"
    CONTACT = "contact"
    CASE = "case"
    HANDOVER = "handover"
    COMMAND = "command"


# Event types of the federation itself (recorded in each centre's ledger).
TRACK_PICTURE: Final = "track.picture"  # a centre's shared track picture at one time
COMMAND_SENT: Final = "federation.command"  # an operator's command about a partner's case
RECEIVED: Final = "federation.received"  # a partner's message, applied
REJECTED: Final = "federation.rejected"  # a partner's message that failed a check
GAP: Final = "federation.gap"  # partner messages the stream no longer holds

SYSTEM_CENTRE: Final = "SYSTEM"
WITHHELD: Final = "[withheld]"

_COMMON: Final = frozenset({"case_id", "actor"})
# Payload keys that leave, per case event type (the fold of the partner's view needs them all).
CASE_KEYS: Final[dict[str, frozenset[str]]] = {
    str(k): _COMMON | frozenset(v)
    for k, v in {
        CaseEvent.CASE_OPENED: (
            "centre",
            "centre_basis",
            "sar_region",
            "origin",
            "report",
            "possibly_same_as",
        ),
        CaseEvent.CASE_CORRELATED: ("report", "sar_region"),
        CaseEvent.REPORT_SPLIT: ("report_id", "sar_region", "to_case_id", "new_case"),
        CaseEvent.CASES_MERGED: ("merged_case_id",),
        CaseEvent.LINK_DISMISSED: ("other_case_id",),
        CaseEvent.HANDOVER_REQUESTED: (
            "request_id",
            "from_centre",
            "to_centre",
            "reason",
            "trigger_report_id",
            "expires_at",
        ),
        CaseEvent.HANDOVER_ACCEPTED: ("request_id", "from_centre", "to_centre"),
        CaseEvent.HANDOVER_REJECTED: ("request_id", "reason"),
        CaseEvent.HANDOVER_EXPIRED: ("request_id", "note"),
        CaseEvent.HANDOVER_WITHDRAWN: ("request_id", "reason", "note"),
        CaseEvent.TASK_ASSIGNED: ("task_id", "asset", "kind"),
        CaseEvent.TASK_UPDATED: ("task_id", "asset", "from_status", "status"),
        CaseEvent.OUTCOME_RECORDED: ("outcome",),
        CaseEvent.OUTCOME_VERIFIED: ("outcome_id", "evidence_ref"),
        CaseEvent.OUTCOME_RETRACTED: ("outcome_id",),
        CaseEvent.PERSONS_REVISED: ("count", "previous_figure", "reason"),
        CaseEvent.ASSESSMENT_ATTACHED: ("phase", "assessment"),
        CaseEvent.CASE_CLOSED: ("kind", "evidence_refs", "tally"),
        CaseEvent.CASE_REOPENED: ("previous",),
        CaseEvent.COMMAND_REFUSED: ("command", "error"),
    }.items()
}
HANDOVER_TYPES: Final = frozenset(
    str(k)
    for k in (
        CaseEvent.HANDOVER_REQUESTED,
        CaseEvent.HANDOVER_ACCEPTED,
        CaseEvent.HANDOVER_REJECTED,
        CaseEvent.HANDOVER_EXPIRED,
        CaseEvent.HANDOVER_WITHDRAWN,
    )
)
_WITHHOLD_REASON: Final = frozenset({str(CaseEvent.PERSONS_REVISED)})

CONTACT_KEYS: Final[dict[str, frozenset[str]]] = {
    "observation.contact": frozenset(
        {
            "time",
            "lat",
            "lon",
            "sensor",
            "sensor_id",
            "sigma_m",
            "persons_estimate",
            "description",
            "report_id",
        }
    ),
    # A call's ``note`` is the operator's: it stays home.
    "observation.distress_call": frozenset(
        {
            "time",
            "lat",
            "lon",
            "accuracy_m",
            "persons_reported",
            "children_aboard",
            "water_coming_in",
            "engine",
            "call_id",
        }
    ),
}

TRACK_KEYS: Final = frozenset(
    {
        "track_id",
        "kind",
        "lat",
        "lon",
        "sog_kn",
        "cog_deg",
        "position_sigma_m",
        "quality",
        "last_update",
        "trail",
        "confirmed",
        "mmsi",
        "correlated_mmsi",
        "persons_estimate",
        "sensors",
        "name",
        "ship_type",
        "length_m",
        "sar_region",
        "case_id",
    }
)

COMMAND_KEYS: Final = frozenset({"case_id", "home", "command", "actor"})


def is_internal(payload: Mapping[str, Any]) -> bool:
    """Whether a payload (or a track, or any record) is marked for the centre's staff only."""
    return payload.get("internal") is True or payload.get("audience") == "internal"


def _role(payload: Mapping[str, Any]) -> str:
    actor = payload.get("actor")
    if isinstance(actor, Mapping) and isinstance(actor.get("role"), str) and actor["role"]:
        return str(actor["role"])
    return "staff"


def pseudonym(tag: str, role: str, sender: str) -> str:
    """An actor tag reduced to centre and role; the system keeps its name; a bare source name
    (a sensor, or a user of an edge that does not tag actors) becomes ``<sender>/source``."""
    centre, sep, _ = tag.partition("/")
    if not sep or not centre:
        return f"{sender}/source"
    if centre == SYSTEM_CENTRE:
        return tag
    return f"{centre}/{role}"


def _actor_dict(actor: Any, role: str) -> Any:
    if not isinstance(actor, Mapping):
        return actor
    if actor.get("centre") == SYSTEM_CENTRE:
        return dict(actor)
    return {"ref": role, "centre": actor.get("centre"), "role": role}


def classify(event: Event, sender: str) -> Kind | None:
    """The kind of message an event of ``sender``'s ledger travels as, or None: it stays home."""
    if is_internal(event.payload):
        return None
    t = event.type
    if t in CASE_KEYS:
        if t == CaseEvent.COMMAND_REFUSED:
            # Only the refusal of a partner's command goes back (its sender must learn of it).
            centre = event.actor.partition("/")[0]
            return Kind.CASE if centre not in (sender, SYSTEM_CENTRE) else None
        return Kind.HANDOVER if t in HANDOVER_TYPES else Kind.CASE
    if t in CONTACT_KEYS:
        return Kind.CONTACT
    if t == TRACK_PICTURE:
        return Kind.TRACK
    if t == COMMAND_SENT:
        return Kind.COMMAND
    return None


def _scrubber(tag: str, alias: str) -> Callable[[Any], Any]:
    """Replace the actor's tag and reference wherever they appear in text (a refusal's message
    names who was refused), by the pseudonym."""
    centre, sep, ref = tag.partition("/")
    if not sep or centre == SYSTEM_CENTRE or tag == alias:
        return lambda value: value  # a sensor or the system: not a person's name
    patterns = [(re.compile(re.escape(tag)), alias)]
    if len(ref) >= 4:
        patterns.append((re.compile(rf"(?<![\w-]){re.escape(ref)}(?![\w-])"), alias))

    def scrub(value: Any) -> Any:
        if isinstance(value, str):
            for pattern, repl in patterns:
                value = pattern.sub(repl, value)
            return value
        if isinstance(value, Mapping):
            return {k: scrub(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [scrub(v) for v in value]
        return value

    return scrub


def _keep(payload: Mapping[str, Any], keys: frozenset[str]) -> dict[str, Any]:
    return {k: v for k, v in payload.items() if k in keys}


def redact(event: Event, kind: Kind, sender: str) -> Event:
    """The partner's copy of a shareable event (see :func:`classify`)."""
    p = event.payload
    role = _role(p)
    if kind in (Kind.CASE, Kind.HANDOVER):
        out = _keep(p, CASE_KEYS[event.type])
        if event.type in _WITHHOLD_REASON and "reason" in out:
            out["reason"] = WITHHELD
        outcome = out.get("outcome")
        if isinstance(outcome, Mapping) and isinstance(outcome.get("recorded_by"), str):
            out["outcome"] = {
                **outcome,
                "recorded_by": pseudonym(str(outcome["recorded_by"]), role, sender),
            }
    elif kind is Kind.CONTACT:
        out = _keep(p, CONTACT_KEYS[event.type])
    elif kind is Kind.TRACK:
        tracks = p.get("tracks")
        out = {
            "time": p.get("time"),
            "tracks": [
                _keep(t, TRACK_KEYS)
                for t in (tracks if isinstance(tracks, list) else [])
                if isinstance(t, Mapping) and not is_internal(t)
            ],
        }
    else:
        out = _keep(p, COMMAND_KEYS)
    if "actor" in out:
        out["actor"] = _actor_dict(out["actor"], role)
    alias = pseudonym(event.actor, role, sender)
    scrubbed: dict[str, Any] = _scrubber(event.actor, alias)(out)
    return Event(
        type=event.type,
        time=event.time,
        actor=alias,
        payload=scrubbed,
        policy_hash=event.policy_hash,
    )


def share(event: Event, sender: str) -> tuple[Kind, Event] | None:
    """(kind, the partner's copy) of an event of ``sender``'s ledger, or None if it stays home."""
    kind = classify(event, sender)
    if kind is None:
        return None
    return kind, redact(event, kind, sender)
