"""The link between centres over NATS JetStream (asyncio).

Each centre publishes to its own durable stream ``CW_<centre>`` (subjects ``cw.<centre>.>``,
file storage, kept ``max_age``) and reads each partner's stream through a durable pull consumer
named after itself. Delivery is at least once; apply is exactly once:

* **Publisher.** The ledger is the outbox (:mod:`~channelwatch.federation.outbox`). On start the
  cursor is read back from the last message of the centre's own stream; each envelope is
  published with ``Nats-Msg-Id`` and the cursor moves only past a message the stream has
  acknowledged. A retry after a crash or a lost acknowledgement is dropped by the stream
  (duplicate window) or, later, by the receiver.
* **Consumer.** On start (and after a lost connection) the consumer is re-created to deliver from
  the sequence after the last one the ledger says was applied; messages are applied in stream
  order, each fetched batch in one transaction
  (:meth:`~channelwatch.federation.node.Node.receive_batch`), and acknowledged only once the
  receipts are committed. A sequence that skips ahead (a delivery lost in flight) makes it
  re-create the consumer from the ledger's position again, so nothing is skipped; a sequence
  already applied is acknowledged and dropped.

The server may be killed and restarted, and so may either node: the client reconnects for ever,
and each side resumes from what its ledger and the streams hold.

Everything that reads or writes the ledger (building envelopes, applying a message, taking the
node's lock) runs in the link's own worker threads, never on the event loop: inside a server the
loop also answers requests, and the node's lock may be held for a while by a case command.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from typing import Any, TypeVar

from channelwatch.federation.envelope import envelope_from_bytes, stream_name
from channelwatch.federation.errors import EnvelopeError
from channelwatch.federation.node import Node, Outcome
from channelwatch.federation.outbox import pending
from channelwatch.ledger.note import parse_checkpoint

Log = Callable[[str], None]
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class LinkConfig:
    url: str
    max_age_s: float = 30 * 86400.0  # how long a stream keeps messages for a partner offline
    duplicate_window_s: float = 600.0
    ack_wait_s: float = 10.0  # a delivery not acknowledged in this time is redelivered
    batch: int = 128
    fetch_timeout_s: float = 1.0
    poll_s: float = 0.2  # how often the ledger is looked at for new entries to publish
    retry_s: float = 0.5
    connect_timeout_s: float = 2.0


@dataclass(slots=True)
class LinkStats:
    published: int = 0
    republished: int = 0  # acknowledged by the stream as duplicates (a retry)
    applied: int = 0
    duplicates: int = 0
    rejected: int = 0
    resubscribes: int = 0
    errors: int = 0
    connected: bool = False
    last_error: str | None = None
    by_partner: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "published": self.published,
            "republished": self.republished,
            "applied": self.applied,
            "duplicates": self.duplicates,
            "rejected": self.rejected,
            "resubscribes": self.resubscribes,
            "errors": self.errors,
            "connected": self.connected,
            "last_error": self.last_error,
            "applied_by_partner": dict(self.by_partner),
        }


def _subjects(centre: str) -> str:
    return f"cw.{centre}.>"


class Link:
    """Publish a node's shareable entries; apply its partners' messages (see the module doc)."""

    def __init__(
        self,
        node: Node,
        config: LinkConfig,
        partners: Sequence[str] | None = None,
        log: Log | None = None,
    ) -> None:
        self.node = node
        self.config = config
        self.partners = list(partners if partners is not None else node.partner_keys)
        self.stats = LinkStats()
        self._log = log or (lambda _m: None)
        self._exec: ThreadPoolExecutor | None = None

    async def _off_loop(self, fn: Callable[..., T], *args: Any) -> T:
        """Run blocking ledger work in the link's threads (one per task: publisher, consumers)."""
        if self._exec is None:
            self._exec = ThreadPoolExecutor(1 + len(self.partners), thread_name_prefix="cw-link")
        return await asyncio.get_running_loop().run_in_executor(self._exec, fn, *args)

    def _error(self, where: str, exc: BaseException) -> None:
        self.stats.errors += 1
        self.stats.last_error = f"{where}: {type(exc).__name__}: {exc}"
        self._log(self.stats.last_error)

    async def run(self, stop: asyncio.Event) -> None:
        """Run until ``stop`` is set: connect (retrying), then publish and consume."""
        import nats

        async def on_disconnect() -> None:
            self.stats.connected = False
            self._log("disconnected from NATS")

        async def on_reconnect() -> None:
            self.stats.connected = True
            self._log("reconnected to NATS")

        async def on_error(exc: Exception) -> None:
            self._log(f"NATS: {type(exc).__name__}: {exc}")

        nc = None
        while nc is None and not stop.is_set():
            try:
                nc = await nats.connect(
                    self.config.url,
                    connect_timeout=self.config.connect_timeout_s,
                    reconnect_time_wait=self.config.retry_s,
                    max_reconnect_attempts=-1,
                    disconnected_cb=on_disconnect,
                    reconnected_cb=on_reconnect,
                    error_cb=on_error,
                )
            except Exception as exc:  # the server is not up yet: try again
                self._error("connect", exc)
                await _sleep_or_stop(stop, self.config.retry_s)
        if nc is None:
            return
        self.stats.connected = True
        self._log(f"connected to {self.config.url} as {self.node.centre}")
        js = nc.jetstream(timeout=5.0)
        tasks = [asyncio.create_task(self._publisher(js, stop))]
        tasks += [asyncio.create_task(self._consumer(js, p, stop)) for p in self.partners]
        try:
            await stop.wait()
        finally:
            for t in tasks:
                t.cancel()
            for t in tasks:
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await t
            with contextlib.suppress(Exception):
                await nc.close()
            ex, self._exec = self._exec, None
            if ex is not None:
                # A receive under way finishes its commit (it may need this loop to do so).
                await asyncio.get_running_loop().run_in_executor(None, ex.shutdown)

    # -- streams ---------------------------------------------------------------------------

    async def _ensure_stream(self, js: Any, centre: str) -> Any:
        """The stream of ``centre`` (created if missing, with the same settings by every node)."""
        from nats.js.api import DiscardPolicy, RetentionPolicy, StorageType, StreamConfig
        from nats.js.errors import NotFoundError

        name = stream_name(centre)
        try:
            return await js.stream_info(name)
        except NotFoundError:
            pass
        config = StreamConfig(
            name=name,
            subjects=[_subjects(centre)],
            storage=StorageType.FILE,
            retention=RetentionPolicy.LIMITS,
            discard=DiscardPolicy.OLD,
            max_age=self.config.max_age_s,
            duplicate_window=self.config.duplicate_window_s,
        )
        with contextlib.suppress(Exception):  # another node may have created it just now
            await js.add_stream(config)
        return await js.stream_info(name)

    # -- publishing ------------------------------------------------------------------------

    async def _resume(self, js: Any) -> tuple[int, int | None]:
        """(next ledger index to look at, checkpoint size of the last message) from the stream."""
        info = await self._ensure_stream(js, self.node.centre)
        if info.state.messages == 0:
            return 0, None
        raw = await js.get_msg(stream_name(self.node.centre), seq=info.state.last_seq)
        try:
            env = envelope_from_bytes(raw.data or b"")
        except EnvelopeError:
            return 0, None
        return env.index + 1, parse_checkpoint(env.checkpoint).size

    async def _publisher(self, js: Any, stop: asyncio.Event) -> None:
        from channelwatch.federation.envelope import stream_name as sname

        cursor: int | None = None
        previous: int | None = None
        node = self.node
        while not stop.is_set():
            try:
                if cursor is None:
                    cursor, previous = await self._resume(js)
                    self._log(f"publishing from ledger index {cursor}")
                    if cursor > node.ledger.size:
                        # The stream holds messages of another log (a ledger made anew): the
                        # partner will refuse this one's checkpoints as a fork. Say so.
                        self._log(
                            f"stream {sname(node.centre)} goes to ledger index {cursor - 1} but "
                            f"this ledger has {node.ledger.size} entries: not the same ledger"
                        )
                before = cursor
                batch = await self._off_loop(
                    partial(
                        pending,
                        node.ledger,
                        node.centre,
                        cursor,
                        previous_size=previous,
                        limit=self.config.batch,
                    )
                )
                for env in batch.envelopes:
                    ack = await js.publish(
                        env.subject,
                        env.to_bytes(),
                        headers={"Nats-Msg-Id": env.msg_id},
                        stream=sname(node.centre),
                    )
                    if ack.duplicate:
                        self.stats.republished += 1
                    else:
                        self.stats.published += 1
                    cursor = env.index + 1
                    previous = parse_checkpoint(env.checkpoint).size
                cursor = batch.next_index
                if cursor == before:
                    await _sleep_or_stop(stop, self.config.poll_s)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                self._error("publish", exc)
                await _sleep_or_stop(stop, self.config.retry_s)

    # -- consuming -------------------------------------------------------------------------

    async def _subscribe(self, js: Any, partner: str) -> Any:
        from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
        from nats.js.errors import NotFoundError

        stream = stream_name(partner)
        info = await self._ensure_stream(js, partner)
        node = self.node

        def applied_seq() -> int:
            with node.locked():
                return node.state.partner(partner).stream_seq

        start = await self._off_loop(applied_seq) + 1
        first, last = info.state.first_seq, info.state.last_seq
        if last >= start and first > start:
            # Retention dropped messages this centre never applied: say so in the record.
            await self._off_loop(node.record_gap, partner, start, first)
            start = first
        durable = node.centre
        with contextlib.suppress(NotFoundError):
            await js.delete_consumer(stream, durable)
        config = ConsumerConfig(
            durable_name=durable,
            deliver_policy=DeliverPolicy.BY_START_SEQUENCE,
            opt_start_seq=start,
            ack_policy=AckPolicy.EXPLICIT,
            ack_wait=self.config.ack_wait_s,
            max_deliver=-1,
            max_ack_pending=self.config.batch * 4,
        )
        self._log(f"consuming {stream} from sequence {start}")
        return await js.pull_subscribe(
            _subjects(partner), durable=durable, stream=stream, config=config
        )

    async def _consumer(self, js: Any, partner: str, stop: asyncio.Event) -> None:
        import nats.errors

        sub: Any = None
        node = self.node
        while not stop.is_set():
            try:
                if sub is None:
                    sub = await self._subscribe(js, partner)
                try:
                    msgs = await sub.fetch(self.config.batch, timeout=self.config.fetch_timeout_s)
                except nats.errors.TimeoutError:
                    continue
                # Apply the fetched messages together (one commit), up to a sequence that skips
                # ahead: an earlier delivery was lost in flight, so start again from the ledger.
                expected = node.state.partner(partner).stream_seq + 1
                batch: list[tuple[Any, int]] = []
                lost = False
                for msg in msgs:
                    seq = int(msg.metadata.sequence.stream)
                    if seq > expected:
                        lost = True
                        break
                    batch.append((msg, seq))
                    expected = max(expected, seq + 1)
                if batch:
                    receipts = await self._off_loop(
                        node.receive_batch, partner, [(m.data, seq) for m, seq in batch]
                    )
                    for (msg, seq), receipt in zip(batch, receipts, strict=True):
                        await msg.ack()
                        if receipt.outcome is Outcome.APPLIED:
                            self.stats.applied += 1
                            self.stats.by_partner[partner] = (
                                self.stats.by_partner.get(partner, 0) + 1
                            )
                        elif receipt.outcome is Outcome.DUPLICATE:
                            self.stats.duplicates += 1
                        else:
                            self.stats.rejected += 1
                            self._log(f"rejected {partner} #{seq}: {receipt.error}")
                if lost:
                    self.stats.resubscribes += 1
                    await _unsubscribe(sub)
                    sub = None
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                self._error(f"consume {partner}", exc)
                if sub is not None:
                    self.stats.resubscribes += 1
                    await _unsubscribe(sub)
                sub = None
                await _sleep_or_stop(stop, self.config.retry_s)


async def _unsubscribe(sub: Any) -> None:
    with contextlib.suppress(Exception):
        await sub.unsubscribe()


async def _sleep_or_stop(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(asyncio.TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)
