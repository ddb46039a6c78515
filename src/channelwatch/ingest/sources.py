"""Where AIS comes from: files (plain or gzip), replay of a file in real or accelerated time, a
TCP client that reconnects with back-off, and a UDP listener.

The file readers are plain iterators; the four sources are asyncio async iterators of
observations (:class:`AisPosition` and :class:`AisStatic`), each with the ``stats`` of its
decoder. Live sources stamp a line that has no time of its own with the reception clock.
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import math
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import BinaryIO, Final, cast

from channelwatch.ingest.aisobs import observations
from channelwatch.ingest.batch import DecodedBatch
from channelwatch.ingest.decoder import DEFAULT_PREFIX_TZ, NmeaDecoder
from channelwatch.ingest.errors import SourceError, SourceInputError
from channelwatch.ingest.observation import AisPosition, AisStatic
from channelwatch.ingest.stats import DecodeStats

AisObservation = AisPosition | AisStatic
Sleep = Callable[[float], Awaitable[None]]
CHUNK_BYTES: Final = 1 << 20  # 1 MiB: as fast as larger chunks, a quarter of the memory
_GZIP_MAGIC: Final = b"\x1f\x8b"


def open_bytes(path: str | Path) -> BinaryIO:
    """Open a file for reading bytes, decompressing gzip (recognised by content, not name)."""
    p = Path(path)
    try:
        with p.open("rb") as f:
            magic = f.read(2)
        if magic == _GZIP_MAGIC:
            return cast(BinaryIO, gzip.open(p, "rb"))
        return p.open("rb")
    except OSError as exc:
        raise SourceInputError(f"cannot read AIS file {str(path)!r}: {exc.strerror}") from exc


def read_chunks(path: str | Path, chunk_bytes: int = CHUNK_BYTES) -> Iterator[bytes]:
    """The bytes of a file in chunks (a whole file at once if it is small)."""
    with open_bytes(path) as f:
        try:
            while chunk := f.read(chunk_bytes):
                yield chunk
        except (OSError, EOFError, gzip.BadGzipFile) as exc:
            raise SourceInputError(f"cannot read AIS file {str(path)!r}: {exc}") from exc


def decode_file(
    path: str | Path, decoder: NmeaDecoder | None = None, chunk_bytes: int = CHUNK_BYTES
) -> Iterator[DecodedBatch]:
    """Decode a file chunk by chunk; the decoder's ``stats`` count everything."""
    dec = decoder if decoder is not None else NmeaDecoder(source=Path(path).name)
    for chunk in read_chunks(path, chunk_bytes):
        yield dec.feed(chunk)
    yield dec.flush()


def iter_observations(
    path: str | Path,
    *,
    decoder: NmeaDecoder | None = None,
    default_time: datetime | None = None,
) -> Iterator[AisObservation]:
    """Observations of a file in stream order (messages without a time need ``default_time``)."""
    for batch in decode_file(path, decoder):
        yield from observations(batch, default_time)


class FileSource:
    """A file read as fast as it decodes, as an async iterator of observations."""

    def __init__(
        self,
        path: str | Path,
        *,
        prefix_tz: str = DEFAULT_PREFIX_TZ,
        source: str | None = None,
        default_time: datetime | None = None,
        strict: bool = False,
        chunk_bytes: int = CHUNK_BYTES,
    ) -> None:
        self.path = Path(path)
        self.decoder = NmeaDecoder(
            source=source if source is not None else self.path.name,
            prefix_tz=prefix_tz,
            strict=strict,
        )
        self.default_time = default_time
        self.chunk_bytes = chunk_bytes

    @property
    def stats(self) -> DecodeStats:
        return self.decoder.stats

    def __aiter__(self) -> AsyncIterator[AisObservation]:
        return self._run()

    async def _run(self) -> AsyncIterator[AisObservation]:
        for batch in decode_file(self.path, self.decoder, self.chunk_bytes):
            for obs in observations(batch, self.default_time):
                yield obs
            await asyncio.sleep(0)  # let the event loop breathe between chunks


class ReplaySource(FileSource):
    """A recorded file played back at ``speed`` times real time (60: one hour per minute).

    Observations keep their recorded times; they are released when the replay clock reaches
    them. Messages without a time, or earlier than the last released, go out at once.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        speed: float = 1.0,
        prefix_tz: str = DEFAULT_PREFIX_TZ,
        source: str | None = None,
        sleep: Sleep = asyncio.sleep,
        monotonic: Callable[[], float] = time.monotonic,
        chunk_bytes: int = CHUNK_BYTES,
    ) -> None:
        if not (speed > 0):
            raise SourceInputError(f"replay speed must be positive, got {speed!r}")
        super().__init__(path, prefix_tz=prefix_tz, source=source, chunk_bytes=chunk_bytes)
        self.speed = speed
        self._sleep = sleep
        self._monotonic = monotonic

    async def _run(self) -> AsyncIterator[AisObservation]:
        t0: float | None = None
        wall0 = 0.0
        for batch in decode_file(self.path, self.decoder, self.chunk_bytes):
            for obs in observations(batch, None):
                t = obs.time.timestamp()
                if t0 is None:
                    t0, wall0 = t, self._monotonic()
                elif math.isfinite(self.speed):
                    delay = wall0 + (t - t0) / self.speed - self._monotonic()
                    if delay > 0:
                        await self._sleep(delay)
                yield obs


class TcpSource:
    """A TCP client of an AIS feed (``host:port``), reconnecting with exponential back-off.

    After ``max_attempts`` failed connection attempts in a row it raises :class:`SourceError`
    (None: keep trying for ever). A lost connection drops the partial line and any message in
    progress, and counts them.
    """

    def __init__(
        self,
        host: str,
        port: int,
        *,
        prefix_tz: str = DEFAULT_PREFIX_TZ,
        source: str | None = None,
        backoff_s: float = 0.5,
        max_backoff_s: float = 30.0,
        max_attempts: int | None = None,
        connect_timeout_s: float = 10.0,
        clock: Callable[[], float] = time.time,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        if not 0 < port < 65536:
            raise SourceInputError(f"TCP port must be 1-65535, got {port!r}")
        self.host, self.port = host, port
        self.decoder = NmeaDecoder(
            source=source if source is not None else f"tcp:{host}:{port}",
            prefix_tz=prefix_tz,
            live=True,
        )
        self.backoff_s, self.max_backoff_s = backoff_s, max_backoff_s
        self.max_attempts = max_attempts
        self.connect_timeout_s = connect_timeout_s
        self.connections = 0
        self._clock = clock
        self._sleep = sleep

    @property
    def stats(self) -> DecodeStats:
        return self.decoder.stats

    def __aiter__(self) -> AsyncIterator[AisObservation]:
        return self._run()

    async def _run(self) -> AsyncIterator[AisObservation]:
        failures = 0
        delay = self.backoff_s
        while True:
            try:
                reader, writer = await asyncio.wait_for(
                    asyncio.open_connection(self.host, self.port), self.connect_timeout_s
                )
            except (OSError, TimeoutError) as exc:
                failures += 1
                if self.max_attempts is not None and failures >= self.max_attempts:
                    raise SourceError(
                        f"cannot connect to {self.host}:{self.port} after {failures} attempts: "
                        f"{exc}"
                    ) from exc
                await self._sleep(delay)
                delay = min(delay * 2, self.max_backoff_s)
                continue
            failures, delay = 0, self.backoff_s
            self.connections += 1
            try:
                while data := await reader.read(65536):
                    for obs in observations(self.decoder.feed(data, self._clock()), None):
                        yield obs
            except OSError:
                pass  # connection lost: reconnect below
            finally:
                writer.close()
                with contextlib.suppress(OSError):
                    await writer.wait_closed()
            for obs in observations(self.decoder.flush(self._clock()), None):
                yield obs


class _Datagrams(asyncio.DatagramProtocol):
    def __init__(self, queue: asyncio.Queue[tuple[bytes, float]], clock: Callable[[], float]):
        self.queue = queue
        self.clock = clock

    def datagram_received(self, data: bytes, addr: tuple[str | object, ...]) -> None:
        self.queue.put_nowait((data, self.clock()))


class UdpSource:
    """A UDP listener: ``async with UdpSource(host, port) as src: async for obs in src``.

    Each datagram holds whole sentences (a missing final newline is added). Port 0 picks a
    free port, readable as ``src.port`` once entered.
    """

    def __init__(
        self,
        host: str = "0.0.0.0",
        port: int = 0,
        *,
        prefix_tz: str = DEFAULT_PREFIX_TZ,
        source: str | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if not 0 <= port < 65536:
            raise SourceInputError(f"UDP port must be 0-65535, got {port!r}")
        self.host, self.port = host, port
        self.decoder = NmeaDecoder(
            source=source if source is not None else f"udp:{host}:{port}",
            prefix_tz=prefix_tz,
            live=True,
        )
        self._name_from_port = source is None
        self._clock = clock
        self._queue: asyncio.Queue[tuple[bytes, float]] = asyncio.Queue()
        self._transport: asyncio.DatagramTransport | None = None

    @property
    def stats(self) -> DecodeStats:
        return self.decoder.stats

    async def __aenter__(self) -> UdpSource:
        loop = asyncio.get_running_loop()
        try:
            transport, _ = await loop.create_datagram_endpoint(
                lambda: _Datagrams(self._queue, self._clock), local_addr=(self.host, self.port)
            )
        except OSError as exc:
            raise SourceError(f"cannot listen on UDP {self.host}:{self.port}: {exc}") from exc
        self._transport = transport
        self.port = int(transport.get_extra_info("sockname")[1])
        if self._name_from_port:
            self.decoder.source = f"udp:{self.host}:{self.port}"
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._transport is not None:
            self._transport.close()
            self._transport = None

    def __aiter__(self) -> AsyncIterator[AisObservation]:
        return self._run()

    async def _run(self) -> AsyncIterator[AisObservation]:
        if self._transport is None:
            raise SourceError("UdpSource must be entered (async with) before iterating")
        while True:
            data, received = await self._queue.get()
            if not data.endswith(b"\n"):
                data += b"\n"
            for obs in observations(self.decoder.feed(data, received), None):
                yield obs
