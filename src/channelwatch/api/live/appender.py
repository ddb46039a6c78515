"""Who appends the server's group commits to the ledger: a worker thread, or a process.

In a thread (:class:`ThreadAppender`) the commit shares the interpreter lock with the event
loop: each SQLite call of the commit lets go of the lock and must win it back from a loop busy
with requests, and under load a commit spent most of its time waiting (measured: 5.5 ms of wall
time for 1.1 ms of CPU, at 1,600-1,900 reports/s). In its own process (:class:`ProcessAppender`,
:mod:`channelwatch.api.live.ledger_worker`, the server's default) the commit runs beside the
loop, and the loop only pays for pickling the entries' bytes.

Either way commits are sequenced in the order they are sent, and a commit may be sent before
the answer to the previous one has come back (the writer bounds how many are outstanding): the
loop need not wait a round trip between two commits.

The process is the only appender of entries while the server runs. If it ends with commits
outstanding, the next one it starts says how long the ledger is, which tells how many of them
landed (they land in order, whole): those are answered as recorded, the rest are sent again, so
each lands once. (A dead process's transaction cannot commit later on SQLite; on PostgreSQL a
COMMIT already received completes within the time the new process takes to start.)
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
from collections import deque
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from channelwatch.api.live import frames
from channelwatch.ledger import Ledger, LedgerStorageError
from channelwatch.ledger.entry import EncodedEntry

log = logging.getLogger("channelwatch.api")

RESTART_PAUSE_S = 1.0  # between two attempts to start the process again


class Appender(Protocol):
    restarts: int  # times its process was started again (always 0 in a thread)

    async def start(self) -> None: ...

    def send(self, entries: Sequence[EncodedEntry]) -> asyncio.Future[list[int]]:
        """Send one group commit; the future gives the entries' (consecutive) indices once they
        are durable. Commits are sequenced in the order they are sent."""
        ...

    async def stop(self) -> None: ...


class ThreadAppender:
    """The ledger's own group commit, in a worker thread of this process."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self.restarts = 0
        self._exec = ThreadPoolExecutor(1, thread_name_prefix="cw-ledger")

    async def start(self) -> None:
        return None

    def send(self, entries: Sequence[EncodedEntry]) -> asyncio.Future[list[int]]:
        loop = asyncio.get_running_loop()
        return loop.run_in_executor(self._exec, self.ledger.append_encoded, entries)

    async def stop(self) -> None:
        self._exec.shutdown(wait=True)


@dataclass(frozen=True, slots=True)
class LedgerSource:
    """Where the appender process opens the ledger: what the server opened it from."""

    location: str
    key_path: Path
    schema: str | None = None


class ProcessAppender:
    """Appends through a :mod:`~channelwatch.api.live.ledger_worker` process (see the module
    docstring), started again if it ends."""

    def __init__(self, source: LedgerSource) -> None:
        self.source = source
        self.restarts = 0
        self._proc: asyncio.subprocess.Process | None = None
        self._size = 0  # the ledger's length after the last commit answered
        self._sent: deque[_Commit] = deque()  # written to the process, awaiting its answer
        self._held: list[_Commit] = []  # sent while it is started again: written once it is up
        self._broken: LedgerStorageError | None = None  # it could not be started again
        self._reader: asyncio.Task[None] | None = None

    async def start(self) -> None:
        await self._spawn()
        self._reader = asyncio.create_task(self._read_answers(), name="ledger-appender")

    async def _spawn(self) -> None:
        args = [str(self.source.location), str(self.source.key_path)]
        if self.source.schema is not None:
            args.append(self.source.schema)
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "channelwatch.api.live.ledger_worker",
            *args,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            limit=1 << 20,
        )
        assert proc.stdout is not None
        try:
            ok, answer = await frames.read_frame_async(proc.stdout)
        except asyncio.IncompleteReadError:
            ok, answer = False, f"it ended (exit status {await proc.wait()})"
        if not ok:
            await _reap(proc)
            raise LedgerStorageError(f"the ledger appender did not start: {answer}")
        self._proc, self._size = proc, int(answer)

    def send(self, entries: Sequence[EncodedEntry]) -> asyncio.Future[list[int]]:
        future: asyncio.Future[list[int]] = asyncio.get_running_loop().create_future()
        if not entries:
            future.set_result([])
        elif self._broken is not None:
            future.set_exception(self._broken)
        else:
            commit = _Commit(
                frames.pack([(e.data, e.case_id) for e in entries]), len(entries), future
            )
            if self._proc is None:  # being started again
                self._held.append(commit)
            else:
                self._write(commit)
        return future

    def _write(self, commit: _Commit) -> None:
        assert self._proc is not None and self._proc.stdin is not None
        self._sent.append(commit)
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self._proc.stdin.write(commit.frame)  # a broken pipe shows as the end of answers

    async def _read_answers(self) -> None:
        while True:
            proc = self._proc
            if proc is None or proc.stdout is None:
                await self._recover()
                continue
            try:
                ok, answer = await frames.read_frame_async(proc.stdout)
            except asyncio.IncompleteReadError:
                await self._recover()
                continue
            commit = self._sent.popleft()
            if not ok:
                error = LedgerStorageError(f"the ledger refused the commit: {answer}")
                _settle(commit.future, error)
                continue
            first = int(answer)
            self._size = first + commit.n
            _settle(commit.future, list(range(first, self._size)))

    async def _recover(self) -> None:
        """The process ended: start another, then answer what was outstanding from the
        ledger's length (commits land in order), and send again, in order, the outstanding
        commits that did not land and those held meanwhile."""
        proc, self._proc = self._proc, None
        if proc is not None:
            await _reap(proc)
        before = self._size
        self.restarts += 1
        try:
            await self._spawn()
        except LedgerStorageError as exc:
            log.error("%s", exc)
            self._broken = exc
            self._fail_all(exc)
            await asyncio.sleep(RESTART_PAUSE_S)
            return
        self._broken = None
        landed = self._size - before
        while self._sent and landed >= self._sent[0].n:
            commit = self._sent.popleft()
            _settle(commit.future, list(range(before, before + commit.n)))
            before += commit.n
            landed -= commit.n
        if landed:  # not a run of whole commits: another writer appended, nothing is certain
            log.error("the ledger grew by %d entries no commit accounts for", landed)
            self._fail_all(LedgerStorageError("the ledger changed under its appender"))
        again = [*self._sent, *self._held]  # none of these is in the ledger: send them again
        self._sent.clear()
        self._held = []
        for commit in again:
            self._write(commit)

    def _fail_all(self, exc: BaseException) -> None:
        for commit in [*self._sent, *self._held]:
            _settle(commit.future, exc)
        self._sent.clear()
        self._held = []

    async def stop(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader
            self._reader = None
        proc, self._proc = self._proc, None
        if proc is not None:
            await _reap(proc)
        self._fail_all(LedgerStorageError("the ledger appender stopped"))


@dataclass(frozen=True, slots=True)
class _Commit:
    frame: bytes  # as written to the process
    n: int  # entries
    future: asyncio.Future[list[int]]


def _settle(future: asyncio.Future[list[int]], result: list[int] | BaseException) -> None:
    if future.done():
        return
    if isinstance(result, BaseException):
        future.set_exception(result)
    else:
        future.set_result(result)


async def _reap(proc: asyncio.subprocess.Process) -> None:
    """Close its input (it ends when it has answered what it read), wait, kill if it hangs."""
    if proc.stdin is not None and not proc.stdin.is_closing():
        proc.stdin.close()
    try:
        await asyncio.wait_for(proc.wait(), 10)
    except TimeoutError:
        with contextlib.suppress(ProcessLookupError):
            proc.kill()
        await proc.wait()
