"""The event bus: live changes published once, delivered to every subscriber.

:class:`InProcessBus` is the default (one process, asyncio). :class:`Bus` is the small protocol a
networked bus (NATS JetStream, between centres) implements in its turn.
"""

from __future__ import annotations

from channelwatch.bus.base import Audience, Bus, Message, Subscription
from channelwatch.bus.errors import BusClosedError, BusError, BusInputError
from channelwatch.bus.memory import InProcessBus

__all__ = [
    "Audience",
    "Bus",
    "BusClosedError",
    "BusError",
    "BusInputError",
    "InProcessBus",
    "Message",
    "Subscription",
]
