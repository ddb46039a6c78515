"""The ledger writer: every accepted input is appended to the ledger first, in group commits.

Requests queue their events; one task takes everything queued, appends it to the ledger in one
transaction (one fsync and one signed checkpoint for the lot), writes the derived store rows in
ledger order, then answers every request with its indices. Under load the batches grow, so the
cost per event falls as the rate rises. Events are encoded when submitted, so a bad event is
refused to its own request only.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace

from channelwatch.api.live.projection import ALERT_EVENT, CALL_EVENT, CONTACT_EVENT, project
from channelwatch.events import Event
from channelwatch.ledger import Ledger
from channelwatch.ledger.entry import EncodedEntry, encode_event
from channelwatch.store import Applied, DocumentRecord, Repository

log = logging.getLogger("channelwatch.api")

MAX_BATCH_EVENTS = 5000


@dataclass(frozen=True, slots=True)
class Committed:
    """What one request's events became: ledger indices, and the store ids of its contacts and
    alerts (in the order of its events)."""

    indices: tuple[int, ...]
    contact_ids: tuple[int, ...] = ()
    alert_ids: tuple[int, ...] = ()


@dataclass(slots=True)
class _Request:
    events: list[Event]
    entries: list[EncodedEntry]
    documents: list[tuple[int, DocumentRecord]]  # (position of its event, the document)
    future: asyncio.Future[Committed]


@dataclass(slots=True)
class WriterStats:
    commits: int = 0
    events: int = 0
    largest_batch: int = 0
    store_failures: int = 0
    failures: int = 0
    ledger_s: float = 0.0  # wall time in ledger commits
    ledger_max_s: float = 0.0
    store_s: float = 0.0  # wall time in store writes
    store_max_s: float = 0.0

    def to_dict(self) -> dict[str, float]:
        n = max(self.commits, 1)
        return {
            "ledger_commits": self.commits,
            "ledger_events": self.events,
            "ledger_largest_batch": self.largest_batch,
            "ledger_commit_ms_mean": round(1000 * self.ledger_s / n, 2),
            "ledger_commit_ms_max": round(1000 * self.ledger_max_s, 2),
            "store_write_ms_mean": round(1000 * self.store_s / n, 2),
            "store_write_ms_max": round(1000 * self.store_max_s, 2),
            "store_failures": self.store_failures,
        }


class LedgerWriter:
    """Group commit of events to the ledger, then to the store (see the module docstring)."""

    def __init__(self, ledger: Ledger, store: Repository) -> None:
        self.ledger = ledger
        self.store = store
        self.stats = WriterStats()
        self._queue: asyncio.Queue[_Request] | None = None
        self._task: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._pending: set[asyncio.Future[None]] = set()
        self._ledger_exec = ThreadPoolExecutor(1, thread_name_prefix="cw-ledger")
        self._store_exec = ThreadPoolExecutor(1, thread_name_prefix="cw-store")

    def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._queue = asyncio.Queue()
        self._task = asyncio.create_task(self._run(), name="ledger-writer")

    async def stop(self) -> None:
        """Finish what is queued, then stop."""
        if self._queue is not None:
            await self._queue.join()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        self._ledger_exec.shutdown(wait=True)
        self._store_exec.shutdown(wait=True)

    async def submit(
        self, events: Sequence[Event], documents: Sequence[tuple[int, DocumentRecord]] = ()
    ) -> Committed:
        """Append events (durably) and write their rows; returns once both are done.

        ``documents`` are (position of the event they belong to, document); the document is
        stored with that event's ledger index."""
        if self._queue is None or self._task is None or self._task.done():
            raise RuntimeError("the ledger writer is not running")
        entries = [encode_event(e) for e in events]  # a bad event fails its own request only
        future: asyncio.Future[Committed] = asyncio.get_running_loop().create_future()
        await self._queue.put(_Request(list(events), entries, list(documents), future))
        return await future

    def submit_from_thread(self, events: Sequence[Event], timeout_s: float = 60.0) -> Committed:
        """:meth:`submit` for a worker thread (the case book's sink): blocks until committed."""
        if self._loop is None:
            raise RuntimeError("the ledger writer is not running")
        return asyncio.run_coroutine_threadsafe(self.submit(events), self._loop).result(timeout_s)

    async def _run(self) -> None:
        """Ledger commits one after another; each batch's store write runs beside the next
        commit (in its own thread, in ledger order), and a batch's requests are answered once
        both are done."""
        assert self._queue is not None
        queue = self._queue
        loop = asyncio.get_running_loop()
        while True:
            batch = [await queue.get()]
            n = len(batch[0].entries)
            while n < MAX_BATCH_EVENTS and not queue.empty():
                r = queue.get_nowait()
                batch.append(r)
                n += len(r.entries)
            try:
                per_request = await loop.run_in_executor(self._ledger_exec, self._append, batch)
            except Exception as exc:
                self.stats.failures += 1
                self._answer(batch, exc)
                continue
            stored = loop.run_in_executor(self._store_exec, self._apply, batch, per_request)
            task = asyncio.ensure_future(self._finish(batch, per_request, stored))
            self._pending.add(task)
            task.add_done_callback(self._pending.discard)

    async def _finish(
        self,
        batch: list[_Request],
        per_request: list[tuple[int, ...]],
        stored: asyncio.Future[Applied],
    ) -> None:
        applied = await stored
        self._answer(batch, _split(batch, per_request, applied))

    def _answer(self, batch: list[_Request], result: list[Committed] | BaseException) -> None:
        assert self._queue is not None
        for k, r in enumerate(batch):
            if not r.future.done():
                if isinstance(result, BaseException):
                    r.future.set_exception(result)
                else:
                    r.future.set_result(result[k])
            self._queue.task_done()

    def _append(self, batch: list[_Request]) -> list[tuple[int, ...]]:
        """The ledger commit (group commit): returns each request's indices."""
        entries = [e for r in batch for e in r.entries]
        t0 = time.perf_counter()
        indices = self.ledger.append_encoded(entries) if entries else []
        dt = time.perf_counter() - t0
        self.stats.ledger_s += dt
        self.stats.ledger_max_s = max(self.stats.ledger_max_s, dt)
        self.stats.commits += 1
        self.stats.events += len(entries)
        self.stats.largest_batch = max(self.stats.largest_batch, len(entries))
        out: list[tuple[int, ...]] = []
        k = 0
        for r in batch:
            out.append(tuple(indices[k : k + len(r.entries)]))
            k += len(r.entries)
        return out

    def _apply(self, batch: list[_Request], per_request: list[tuple[int, ...]]) -> Applied:
        """The store rows of a committed batch; a failure is logged, never raised: the ledger
        holds the entries and the store is caught up from it on the next start."""
        pairs = []
        docs = []
        for r, own in zip(batch, per_request, strict=True):
            pairs += list(zip(own, r.events, strict=True))
            docs += [replace(d, ledger_index=own[pos]) for pos, d in r.documents]
        t0 = time.perf_counter()
        try:
            return self.store.apply(project(pairs, docs))
        except Exception:
            log.exception("store write failed after the ledger commit of %d events", len(pairs))
            self.stats.store_failures += 1
            return Applied()
        finally:
            dt = time.perf_counter() - t0
            self.stats.store_s += dt
            self.stats.store_max_s = max(self.stats.store_max_s, dt)


def _split(
    batch: list[_Request], per_request: list[tuple[int, ...]], applied: Applied
) -> list[Committed]:
    """Hand each request the store ids of its own contacts and alerts."""
    out: list[Committed] = []
    ci = ai = 0
    for r, own in zip(batch, per_request, strict=True):
        nc = sum(1 for e in r.events if e.type in (CONTACT_EVENT, CALL_EVENT))
        na = sum(1 for e in r.events if e.type == ALERT_EVENT)
        out.append(
            Committed(
                own,
                applied.contact_ids[ci : ci + nc],
                applied.alert_ids[ai : ai + na],
            )
        )
        ci += nc
        ai += na
    return out
