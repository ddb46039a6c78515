"""Request limits: a body size limit (413) as pure ASGI middleware, and token buckets (429).

The body limit is checked on the declared ``Content-Length`` and again while the body streams
in (a client may lie or send chunks), before any route parses it.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from channelwatch.api.errors import RateLimitedError

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class _TooLargeError(Exception):
    pass


def declared_too_large(headers: Any, max_bytes: int) -> bool:
    """Whether the request's ``Content-Length`` (ASGI header pairs) is over ``max_bytes``."""
    for name, value in headers:
        if name == b"content-length":
            try:
                return int(value) > max_bytes
            except ValueError:
                return False
    return False


async def reject_too_large(send: Send, max_bytes: int) -> None:
    """The 413 answer (the connection is closed: the rest of the body is not read)."""
    body = json.dumps({"detail": f"request body over the limit of {max_bytes} bytes"}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class BodyLimitMiddleware:
    """Answers 413 to any HTTP request whose body is over ``max_bytes``."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def _reject(self, send: Send) -> None:
        await reject_too_large(send, self.max_bytes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if declared_too_large(scope.get("headers", ()), self.max_bytes):
            await self._reject(send)
            return
        seen = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise _TooLargeError
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _TooLargeError:
            if not started:
                await self._reject(send)


class RateLimiter:
    """A token bucket per key (a token id, or a client address): ``rate`` per second, ``burst``."""

    def __init__(
        self, rate_per_s: float, burst: int, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.rate = rate_per_s
        self.burst = float(burst)
        self._clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()
        self.refused = 0

    def check(self, key: str, cost: float = 1.0) -> None:
        """Take ``cost`` from the key's bucket, or raise RateLimitedError."""
        now = self._clock()
        with self._lock:
            level, last = self._buckets.get(key, (self.burst, now))
            level = min(self.burst, level + (now - last) * self.rate)
            if level < cost:
                self._buckets[key] = (level, now)
                self.refused += 1
                wait = (cost - level) / self.rate
                raise RateLimitedError(
                    f"rate limit: {self.rate:g} requests per second (burst {self.burst:g})", wait
                )
            self._buckets[key] = (level - cost, now)
            if len(self._buckets) > 100_000:  # forget idle keys rather than grow for ever
                full = [k for k, (lv, t) in self._buckets.items() if now - t > 600]
                for k in full:
                    del self._buckets[k]
