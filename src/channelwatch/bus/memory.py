"""The in-process bus: asyncio queues, one per subscriber, bounded.

Publishing never waits: a subscriber that does not keep up loses its oldest queued messages
(counted in ``dropped``), so one slow client cannot hold up the picture for the others.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator, Iterable

from channelwatch.bus.base import Message
from channelwatch.bus.errors import BusClosedError, BusInputError


class MemorySubscription:
    """A bounded queue of messages for one subscriber."""

    def __init__(self, bus: InProcessBus, topics: frozenset[str] | None, max_queue: int) -> None:
        if max_queue < 1:
            raise BusInputError(f"max_queue must be >= 1, got {max_queue!r}")
        self._bus = bus
        self.topics = topics
        self._queue: deque[Message] = deque(maxlen=max_queue)
        self._ready = asyncio.Event()
        self.closed = False
        self.dropped = 0
        self.delivered = 0

    def _offer(self, message: Message) -> None:
        if self.topics is not None and message.topic not in self.topics:
            return
        if len(self._queue) == self._queue.maxlen:
            self.dropped += 1  # deque drops the oldest on append
        self._queue.append(message)
        self._ready.set()

    async def get(self) -> Message:
        """The next message; raises BusClosedError once the subscription or bus is closed."""
        while not self._queue:
            if self.closed:
                raise BusClosedError("subscription closed")
            self._ready.clear()
            await self._ready.wait()
        self.delivered += 1
        return self._queue.popleft()

    def pending(self) -> int:
        return len(self._queue)

    async def _iterate(self) -> AsyncIterator[Message]:
        while True:
            try:
                yield await self.get()
            except BusClosedError:
                return

    def __aiter__(self) -> AsyncIterator[Message]:
        return self._iterate()

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            self._ready.set()
            self._bus._remove(self)


class InProcessBus:
    """Fan-out of messages to the subscribers of this process."""

    def __init__(self) -> None:
        self._subs: list[MemorySubscription] = []
        self.closed = False
        self.published = 0

    @property
    def subscribers(self) -> int:
        return len(self._subs)

    def publish(self, message: Message) -> None:
        if self.closed:
            raise BusClosedError("the bus is closed")
        self.published += 1
        for sub in self._subs:
            sub._offer(message)

    def subscribe(
        self, topics: Iterable[str] | None = None, max_queue: int = 1000
    ) -> MemorySubscription:
        if self.closed:
            raise BusClosedError("the bus is closed")
        sub = MemorySubscription(self, None if topics is None else frozenset(topics), max_queue)
        self._subs.append(sub)
        return sub

    def _remove(self, sub: MemorySubscription) -> None:
        if sub in self._subs:
            self._subs.remove(sub)

    def dropped(self) -> int:
        """Messages lost by current subscribers that did not keep up."""
        return sum(s.dropped for s in self._subs)

    async def close(self) -> None:
        self.closed = True
        for sub in list(self._subs):
            sub.close()
