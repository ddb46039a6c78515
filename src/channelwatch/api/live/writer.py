"""The ledger writer: every accepted input is appended to the ledger first, in group commits.

Requests queue their events (encoded once, when submitted, so a bad event is refused to its own
request only). The commit stage takes everything queued and appends it to the ledger in one
transaction: one fsync and one signed checkpoint for the lot. Commits start at most once per
*window* (a few milliseconds): a request waits at most that long for the next commit, and the
fixed cost of a commit (transaction, fsync, signature) is shared by every request that arrived
in it, so the cost per event falls as the rate rises. A commit is sent without waiting for the
answer to the previous one (at most ``MAX_COMMITS_OUT`` outstanding; the appender sequences them
in order, see :mod:`channelwatch.api.live.appender`), so a request does not wait a round trip
for the commit before its own. The store stage writes the derived rows
in ledger order, beside the next commit, merging every committed batch waiting for it into one
store transaction.

A request is answered once its batch is in both, or, with ``wait_store=False`` (contact
reports: nothing in their answer comes from the store), as soon as it is in the ledger; readers
that must see those rows call :meth:`LedgerWriter.settled` first (read your own writes).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace

from channelwatch.api.live.appender import Appender, ThreadAppender
from channelwatch.api.live.projection import ALERT_EVENT, CALL_EVENT, CONTACT_EVENT, project
from channelwatch.events import Event
from channelwatch.ledger import Ledger
from channelwatch.ledger.entry import EncodedEntry, encode_event
from channelwatch.store import Applied, DocumentRecord, Repository

log = logging.getLogger("channelwatch.api")

MAX_BATCH_EVENTS = 5000
COMMIT_WINDOW_S = 0.004  # at most one commit started per window (see the module docstring)
MAX_COMMITS_OUT = 4  # group commits sent and not yet answered (see the module docstring)


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
    wait_store: bool = True


@dataclass(slots=True)
class WriterStats:
    commits: int = 0
    events: int = 0
    largest_batch: int = 0
    store_writes: int = 0
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
            "store_writes": self.store_writes,
            "store_write_ms_mean": round(1000 * self.store_s / max(self.store_writes, 1), 2),
            "store_write_ms_max": round(1000 * self.store_max_s, 2),
            "store_failures": self.store_failures,
        }


class LedgerWriter:
    """Group commit of events to the ledger, then to the store (see the module docstring)."""

    def __init__(
        self,
        ledger: Ledger,
        store: Repository,
        *,
        commit_window_s: float = COMMIT_WINDOW_S,
        appender: Appender | None = None,
    ) -> None:
        self.ledger = ledger
        self.store = store
        self.appender: Appender = appender or ThreadAppender(ledger)
        self.commit_window_s = commit_window_s
        self.stats = WriterStats()
        self._queue: asyncio.Queue[_Request] | None = None
        self._committed: asyncio.Queue[tuple[list[_Request], list[tuple[int, ...]]]] | None = None
        self._sent: asyncio.Queue[tuple[list[_Request], asyncio.Future[list[int]], float]] | None
        self._sent = None  # commits sent, in order: (batch, answer, when sent)
        self._slots = asyncio.Semaphore(MAX_COMMITS_OUT)
        self._tasks: list[asyncio.Task[None]] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self._batches_committed = 0  # batches handed to the store stage
        self._batches_stored = 0
        self._settle: list[tuple[int, asyncio.Future[None]]] = []  # (batches, waiter)
        self._store_exec = ThreadPoolExecutor(1, thread_name_prefix="cw-store")

    async def start(self) -> None:
        await self.appender.start()
        self._loop = asyncio.get_running_loop()
        self._queue = asyncio.Queue()
        self._committed = asyncio.Queue()
        self._sent = asyncio.Queue()
        self._slots = asyncio.Semaphore(MAX_COMMITS_OUT)
        self._tasks = [
            asyncio.create_task(self._commit_loop(), name="ledger-writer"),
            asyncio.create_task(self._answer_loop(), name="ledger-answers"),
            asyncio.create_task(self._store_loop(), name="store-writer"),
        ]

    async def stop(self) -> None:
        """Finish what is queued, then stop."""
        if self._queue is not None:
            await self._queue.join()
            await self.settled()
        for task in self._tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks = []
        await self.appender.stop()
        self._store_exec.shutdown(wait=True)

    async def submit(
        self,
        events: Sequence[Event],
        documents: Sequence[tuple[int, DocumentRecord]] = (),
        *,
        wait_store: bool = True,
    ) -> Committed:
        """Append events (durably) and write their rows; returns once both are done, or with
        ``wait_store=False`` once they are in the ledger (the rows follow; see the module
        docstring).

        ``documents`` are (position of the event they belong to, document); the document is
        stored with that event's ledger index."""
        if self._queue is None or not self._tasks or any(t.done() for t in self._tasks):
            raise RuntimeError("the ledger writer is not running")
        entries = [encode_event(e) for e in events]  # a bad event fails its own request only
        future: asyncio.Future[Committed] = asyncio.get_running_loop().create_future()
        self._queue.put_nowait(_Request(list(events), entries, list(documents), future, wait_store))
        return await future

    async def settled(self) -> None:
        """Return once the store holds the rows of every batch committed before this call."""
        target = self._batches_committed
        if self._batches_stored >= target:
            return
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._settle.append((target, waiter))
        await waiter

    def submit_from_thread(self, events: Sequence[Event], timeout_s: float = 60.0) -> Committed:
        """:meth:`submit` for a worker thread (the case book's sink): blocks until committed."""
        if self._loop is None:
            raise RuntimeError("the ledger writer is not running")
        return asyncio.run_coroutine_threadsafe(self.submit(events), self._loop).result(timeout_s)

    async def _commit_loop(self) -> None:
        """Group commits sent in order, at most one started per window and at most
        ``MAX_COMMITS_OUT`` awaiting their answer (see :meth:`_answer_loop`)."""
        assert self._queue is not None and self._sent is not None
        queue, sent, slots = self._queue, self._sent, self._slots
        loop = asyncio.get_running_loop()
        last_start = -1e18
        while True:
            batch = [await queue.get()]
            wait = last_start + self.commit_window_s - loop.time()
            if wait > 0 and queue.qsize() < MAX_BATCH_EVENTS:
                await asyncio.sleep(wait)  # gather what arrives within the window
            await slots.acquire()
            n = len(batch[0].entries)
            while n < MAX_BATCH_EVENTS and not queue.empty():
                r = queue.get_nowait()
                batch.append(r)
                n += len(r.entries)
            last_start = loop.time()
            entries = [e for r in batch for e in r.entries]
            sent.put_nowait((batch, self.appender.send(entries), time.perf_counter()))

    async def _answer_loop(self) -> None:
        """The answers of the group commits, in the order they were sent: the requests that
        need nothing from the store are answered, the batch goes on to the store stage."""
        assert self._sent is not None and self._committed is not None
        while True:
            batch, answer, t0 = await self._sent.get()
            try:
                indices = await answer
            except Exception as exc:
                self.stats.failures += 1
                self._answer(batch, exc)
                continue
            finally:
                self._slots.release()
            self._count_commit(time.perf_counter() - t0, len(indices))
            per_request: list[tuple[int, ...]] = []
            k = 0
            for r in batch:
                own = tuple(indices[k : k + len(r.entries)])
                k += len(r.entries)
                per_request.append(own)
                if not r.wait_store:  # in the ledger: nothing in its answer needs the store
                    self._answer([r], [Committed(own, *_row_ids(r.events, own))])
            self._batches_committed += 1
            self._committed.put_nowait((batch, per_request))

    async def _store_loop(self) -> None:
        """The store rows of committed batches, in ledger order, beside the next commit: every
        batch waiting is written in one store transaction, then its requests are answered."""
        assert self._committed is not None
        committed = self._committed
        loop = asyncio.get_running_loop()
        while True:
            groups = [await committed.get()]
            while not committed.empty():
                groups.append(committed.get_nowait())
            applied = await loop.run_in_executor(self._store_exec, self._apply, groups)
            ci = ai = 0
            for batch, per_request in groups:
                answers, ci, ai = _split(batch, per_request, applied, ci, ai)
                waited = [k for k, r in enumerate(batch) if r.wait_store]
                self._answer([batch[k] for k in waited], [answers[k] for k in waited])
            self._batches_stored += len(groups)
            done = [w for w in self._settle if w[0] <= self._batches_stored]
            if done:
                self._settle = [w for w in self._settle if w[0] > self._batches_stored]
                for _, waiter in done:
                    if not waiter.done():
                        waiter.set_result(None)

    def _answer(self, batch: list[_Request], result: list[Committed] | BaseException) -> None:
        assert self._queue is not None
        for k, r in enumerate(batch):
            if not r.future.done():
                if isinstance(result, BaseException):
                    r.future.set_exception(result)
                else:
                    r.future.set_result(result[k])
            self._queue.task_done()

    def _count_commit(self, dt: float, n: int) -> None:
        self.stats.ledger_s += dt
        self.stats.ledger_max_s = max(self.stats.ledger_max_s, dt)
        self.stats.commits += 1
        self.stats.events += n
        self.stats.largest_batch = max(self.stats.largest_batch, n)

    def _apply(self, groups: list[tuple[list[_Request], list[tuple[int, ...]]]]) -> Applied:
        """The store rows of committed batches; a failure is logged, never raised: the ledger
        holds the entries and the store is caught up from it on the next start."""
        pairs = []
        docs = []
        for batch, per_request in groups:
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
            self.stats.store_writes += 1
            self.stats.store_s += dt
            self.stats.store_max_s = max(self.stats.store_max_s, dt)


def _row_ids(
    events: Sequence[Event], indices: tuple[int, ...]
) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """The ids of the contact and alert rows of events (a row's id is its ledger index)."""
    pairs = list(zip(indices, events, strict=True))
    contacts = tuple(i for i, e in pairs if e.type in (CONTACT_EVENT, CALL_EVENT))
    return contacts, tuple(i for i, e in pairs if e.type == ALERT_EVENT)


def _split(
    batch: list[_Request],
    per_request: list[tuple[int, ...]],
    applied: Applied,
    ci: int = 0,
    ai: int = 0,
) -> tuple[list[Committed], int, int]:
    """Hand each request the store ids of its own contacts and alerts, from position ``ci``
    and ``ai`` of the store's answer; returns the answers and the positions after them."""
    out: list[Committed] = []
    for r, own in zip(batch, per_request, strict=True):
        nc = na = 0
        for e in r.events:
            if e.type == CONTACT_EVENT or e.type == CALL_EVENT:
                nc += 1
            elif e.type == ALERT_EVENT:
                na += 1
        out.append(
            Committed(
                own,
                applied.contact_ids[ci : ci + nc],
                applied.alert_ids[ai : ai + na],
            )
        )
        ci += nc
        ai += na
    return out, ci, ai
