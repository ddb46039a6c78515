"""The one interface through which every package hands what happened to the record.

Observations, assessments, doctrine verdicts, advice shown, human decisions and case changes are
:class:`Event` values appended to an :class:`EventSink`. The ledger implements the sink
durably; :class:`MemorySink` keeps events in a list for tests and embedded use.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol, runtime_checkable

from channelwatch.errors import InputError


@dataclass(frozen=True, slots=True)
class Event:
    """One thing that happened: what kind, when (UTC), who did it, and the facts (JSON-able)."""

    type: str
    time: datetime
    actor: str
    payload: Mapping[str, Any] = field(default_factory=dict)
    policy_hash: str | None = None  # hash of the doctrine and configuration in force

    def __post_init__(self) -> None:
        if not self.type:
            raise InputError("event type must not be empty")
        if self.time.tzinfo is None or self.time.utcoffset() is None:
            raise InputError(f"event time must be timezone-aware UTC, got {self.time!r}")
        if not self.actor:
            raise InputError("event actor must not be empty")


def utcnow() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


@runtime_checkable
class EventSink(Protocol):
    """Where events go. ``append`` returns the event's index in the sink (0-based, gap-free)."""

    def append(self, event: Event) -> int: ...


class MemorySink:
    """An in-memory sink: keeps events in order. Not durable."""

    def __init__(self) -> None:
        self.events: list[Event] = []

    def append(self, event: Event) -> int:
        self.events.append(event)
        return len(self.events) - 1

    def of_type(self, type_: str) -> list[Event]:
        return [e for e in self.events if e.type == type_]
