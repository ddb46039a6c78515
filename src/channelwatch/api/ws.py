"""The WebSocket hub: one bus subscription, fanned out to every connected client by role.

Each message is serialised once per audience (centres' staff, partners) and queued to every
client that may see it. Contact messages are coalesced over a short window into one
``contacts`` message, so a burst of reports is a few messages, not thousands. A client that
cannot keep up loses its oldest queued messages, never its connection or the newest picture.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Callable
from typing import Any

from starlette.websockets import WebSocket, WebSocketDisconnect

from channelwatch.api.auth.principal import Principal
from channelwatch.api.auth.verifier import TokenVerifier
from channelwatch.api.errors import AuthenticationError
from channelwatch.bus import Audience, Bus, Message
from channelwatch.store.codec import dumps

log = logging.getLogger("channelwatch.api")

CLOSE_UNAUTHENTICATED = 4401
AUTH_TIMEOUT_S = 5.0


class Client:
    """One connected page: who it is, and its bounded queue of serialised messages."""

    def __init__(self, principal: Principal, max_queue: int) -> None:
        self.principal = principal
        self.internal = principal.internal
        self.queue: deque[str] = deque(maxlen=max_queue)
        self.ready = asyncio.Event()
        self.dropped = 0
        self.sent = 0

    def offer(self, text: str) -> None:
        if len(self.queue) == self.queue.maxlen:
            self.dropped += 1
        self.queue.append(text)
        self.ready.set()


class Hub:
    """Fan-out of bus messages to WebSocket clients (see the module docstring)."""

    def __init__(
        self,
        bus: Bus,
        verifier: TokenVerifier,
        hello: Callable[[Principal], dict[str, Any]],
        *,
        coalesce_s: float = 0.1,
        max_queue: int = 256,
    ) -> None:
        self.bus = bus
        self.verifier = verifier
        self.hello = hello
        self.coalesce_s = coalesce_s
        self.max_queue = max_queue
        self.clients: set[Client] = set()
        self._task: asyncio.Task[None] | None = None
        self._sub: Any = None
        self._flush: asyncio.Task[None] | None = None
        self._contacts: list[dict[str, Any]] = []
        self._contacts_partner: list[dict[str, Any]] = []
        self.messages = 0
        self.dropped_total = 0

    def start(self) -> None:
        self._sub = self.bus.subscribe(max_queue=100_000)
        self._task = asyncio.create_task(self._run(), name="ws-hub")

    async def stop(self) -> None:
        for t in (self._task, self._flush):
            if t is not None:
                t.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await t
        if self._sub is not None:
            self._sub.close()

    @property
    def dropped(self) -> int:
        return self.dropped_total + sum(c.dropped for c in self.clients)

    async def _run(self) -> None:
        async for msg in self._sub:
            try:
                if msg.type == "contacts":
                    self._contacts += list(msg.data.get("contacts", ()))
                    part = msg.partner if msg.partner is not None else msg.data
                    self._contacts_partner += list(part.get("contacts", ()))
                    if self._flush is None or self._flush.done():
                        self._flush = asyncio.create_task(self._flush_contacts())
                else:
                    self.fan_out(msg)
            except Exception:
                log.exception("WebSocket fan-out failed for a %s message", msg.type)

    async def _flush_contacts(self) -> None:
        await asyncio.sleep(self.coalesce_s)
        full, self._contacts = self._contacts, []
        partner, self._contacts_partner = self._contacts_partner, []
        if full:
            self.fan_out(
                Message("contacts", "contacts", {"contacts": full}, partner={"contacts": partner})
            )

    def fan_out(self, msg: Message) -> None:
        """Serialise once per audience and queue to every client allowed to see it."""
        self.messages += 1
        if not self.clients:
            return  # nobody to tell: a large picture is not serialised for no one
        full = dumps({"type": msg.type, **msg.data})
        partner: str | None
        if msg.audience is Audience.INTERNAL:
            partner = None
        elif msg.partner is not None:
            partner = dumps({"type": msg.type, **msg.partner})
        else:
            partner = full
        for c in self.clients:
            if c.internal:
                c.offer(full)
            elif partner is not None:
                c.offer(partner)

    async def _authenticate(self, ws: WebSocket) -> Principal | None:
        token = ws.query_params.get("token")
        if not token:
            try:
                first = await asyncio.wait_for(ws.receive_json(), AUTH_TIMEOUT_S)
            except (TimeoutError, ValueError, KeyError, WebSocketDisconnect):
                return None
            if isinstance(first, dict) and first.get("type") == "auth":
                token = str(first.get("token") or "")
        if not token:
            return None
        try:
            return await asyncio.to_thread(self.verifier.verify, token)
        except AuthenticationError:
            return None

    async def handle(self, ws: WebSocket) -> None:
        """Serve one WebSocket connection until it closes."""
        await ws.accept()
        principal = await self._authenticate(ws)
        if principal is None:
            await ws.close(CLOSE_UNAUTHENTICATED, "not authenticated: log in and pass ?token=")
            return
        client = Client(principal, self.max_queue)
        client.offer(dumps({"type": "hello", **self.hello(principal)}))
        self.clients.add(client)
        sender = asyncio.create_task(self._send(ws, client))
        try:
            while True:
                msg = await ws.receive_json()
                if isinstance(msg, dict) and msg.get("type") == "ping":
                    client.offer('{"type":"pong"}')
        except (WebSocketDisconnect, ValueError, KeyError, RuntimeError):
            pass
        finally:
            self.clients.discard(client)
            self.dropped_total += client.dropped
            sender.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await sender

    async def _send(self, ws: WebSocket, client: Client) -> None:
        try:
            while True:
                await client.ready.wait()
                client.ready.clear()
                while client.queue:
                    await ws.send_text(client.queue.popleft())
                    client.sent += 1
        except (WebSocketDisconnect, RuntimeError, OSError):
            with contextlib.suppress(Exception):
                await ws.close()
