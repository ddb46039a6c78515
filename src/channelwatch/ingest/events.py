"""Observations as ledger events: what ingest hands to the record through an ``EventSink``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict
from enum import Enum
from typing import Any, Final

from channelwatch.events import Event, EventSink
from channelwatch.ingest.observation import (
    AisPosition,
    AisStatic,
    ContactReport,
    DistressCall,
    Observation,
)

EVENT_TYPES: Final[dict[type, str]] = {
    AisPosition: "observation.ais_position",
    AisStatic: "observation.ais_static",
    ContactReport: "observation.contact",
    DistressCall: "observation.distress_call",
}


def _jsonable(v: Any) -> Any:
    if isinstance(v, Enum):
        return v.value
    if hasattr(v, "isoformat"):
        return v.isoformat()
    return v


def observation_event(obs: Observation, actor: str | None = None) -> Event:
    """The event of one observation; the actor defaults to its source (or sensor, or "ingest")."""
    payload = {k: _jsonable(v) for k, v in asdict(obs).items()}
    if actor is None:
        actor = getattr(obs, "source", None) or getattr(obs, "sensor_id", None) or "ingest"
    return Event(type=EVENT_TYPES[type(obs)], time=obs.time, actor=actor, payload=payload)


def record_observations(
    sink: EventSink, observations: Iterable[Observation], actor: str | None = None
) -> int:
    """Append every observation to ``sink`` in order; returns how many were appended."""
    n = 0
    for obs in observations:
        sink.append(observation_event(obs, actor))
        n += 1
    return n
