"""What travels on the bus, and what a bus must do."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol


class Audience(StrEnum):
    """Who may see a message: everyone with the shared picture, or only the centres' staff."""

    ALL = "all"
    INTERNAL = "internal"


@dataclass(frozen=True, slots=True)
class Message:
    """One live change: its topic ("tracks", "alerts", "cases", ...), type and JSON body.

    ``partner`` is the body for the shared picture when it differs from ``data`` (internal
    fields removed); None means partners get ``data`` as is (or nothing, for INTERNAL).
    """

    topic: str
    type: str
    data: Mapping[str, Any] = field(default_factory=dict)
    audience: Audience = Audience.ALL
    partner: Mapping[str, Any] | None = None


class Subscription(Protocol):
    """Messages of the subscribed topics, in publication order, until closed."""

    dropped: int

    def __aiter__(self) -> AsyncIterator[Message]: ...

    async def get(self) -> Message: ...

    def close(self) -> None: ...


class Bus(Protocol):
    """Publish once, deliver to every current subscriber of the topic."""

    def publish(self, message: Message) -> None: ...

    def subscribe(self, topics: Iterable[str] | None = None, max_queue: int = 1000) -> Subscription:
        """Subscribe to ``topics`` (None: all)."""
        ...

    async def close(self) -> None: ...
