"""One write per small response: uvicorn's HTTP/1.1 protocol with a transport that joins the
head of a response to its body.

uvicorn writes a response's head when the application sends ``http.response.start`` and the body
when it sends ``http.response.body``: two writes, so two ``send`` system calls and two TCP
segments for every small JSON answer. On the contact intake (bench/api_open.py) those writes
were a tenth of the event loop's time. Here a write that ends a head (a blank line) is held
until the next write on the connection, which it joins, or until the end of this pass of the
loop; closing the connection flushes it first. Nothing else changes: the protocol is uvicorn's,
given to uvicorn with ``http=``.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

_END_OF_HEAD = b"\r\n\r\n"


class CoalescingTransport:
    """A transport that holds a response head for the write that follows (see the module
    docstring); everything else goes to the transport it wraps."""

    def __init__(self, transport: Any, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
        self._held: bytes | None = None

    def write(self, data: bytes | bytearray | memoryview) -> None:
        if self._held is not None:
            held, self._held = self._held, None
            self._transport.write(held + bytes(data))
        elif bytes(data[-4:]) == _END_OF_HEAD:
            self._held = bytes(data)
            self._loop.call_soon(self.flush)
        else:
            self._transport.write(data)

    def flush(self) -> None:
        if self._held is not None:
            held, self._held = self._held, None
            self._transport.write(held)

    def close(self) -> None:
        self.flush()
        self._transport.close()

    def write_eof(self) -> None:
        self.flush()
        self._transport.write_eof()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


class CoalescingHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol writing through a :class:`CoalescingTransport`."""

    def connection_made(self, transport: Any) -> None:  # uvloop's is no asyncio.Transport
        wrapped: Any = CoalescingTransport(transport, self.loop)
        super().connection_made(wrapped)
