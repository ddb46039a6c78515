"""The ledger appenders: commits sequenced in the order sent (several outstanding at once), in a
thread or in their own process; the process started again after it dies, and a commit it was
doing landed exactly once (what landed is read off the ledger, the rest sent again)."""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from channelwatch.api.live.appender import LedgerSource, ProcessAppender, ThreadAppender
from channelwatch.events import Event, utcnow
from channelwatch.ledger import Ledger, LedgerStorageError
from channelwatch.ledger.entry import EncodedEntry, encode_event


def entries(tag: str, n: int) -> list[EncodedEntry]:
    now = utcnow()
    return [
        encode_event(Event("test_note", now, "SYSTEM/test", {"tag": tag, "k": k})) for k in range(n)
    ]


@pytest.fixture
def ledger(tmp_path: Path) -> Iterator[Ledger]:
    with Ledger.create(tmp_path / "l.db", key_path=tmp_path / "l.key", origin="test") as led:
        yield led


def make(kind: str, ledger: Ledger, tmp_path: Path) -> Any:
    if kind == "thread":
        return ThreadAppender(ledger)
    return ProcessAppender(LedgerSource(str(tmp_path / "l.db"), tmp_path / "l.key"))


def tags(ledger: Ledger) -> list[tuple[str, int]]:
    out = []
    for e in ledger.entries(0, ledger.size):
        p = e.to_event().payload
        out.append((p["tag"], p["k"]))
    return out


@pytest.mark.parametrize("kind", ["thread", "process"])
def test_commits_sent_together_land_in_the_order_sent(
    kind: str, ledger: Ledger, tmp_path: Path
) -> None:
    async def go() -> list[list[int]]:
        appender = make(kind, ledger, tmp_path)
        await appender.start()
        try:
            futures = [appender.send(entries(tag, n)) for tag, n in (("a", 3), ("b", 1), ("c", 5))]
            return list(await asyncio.gather(*futures))
        finally:
            await appender.stop()

    got = asyncio.run(go())
    assert got == [[0, 1, 2], [3], [4, 5, 6, 7, 8]]
    assert tags(ledger) == [("a", 0), ("a", 1), ("a", 2), ("b", 0)] + [("c", k) for k in range(5)]
    assert ledger.verify().ok


def test_the_process_is_started_again_after_it_dies(ledger: Ledger, tmp_path: Path) -> None:
    async def go() -> tuple[list[int], list[int], int]:
        appender = ProcessAppender(LedgerSource(str(tmp_path / "l.db"), tmp_path / "l.key"))
        await appender.start()
        try:
            first = await appender.send(entries("a", 2))
            assert appender._proc is not None
            os.kill(appender._proc.pid, signal.SIGKILL)
            await appender._proc.wait()
            second = await appender.send(entries("b", 3))
            return first, second, appender.restarts
        finally:
            await appender.stop()

    first, second, restarts = asyncio.run(go())
    assert (first, second) == ([0, 1], [2, 3, 4])
    assert restarts == 1
    assert tags(ledger) == [("a", 0), ("a", 1), ("b", 0), ("b", 1), ("b", 2)]


@pytest.mark.parametrize("delay_s", [0.0, 0.002, 0.01, 0.05])
def test_a_commit_cut_short_lands_once(delay_s: float, ledger: Ledger, tmp_path: Path) -> None:
    """The process is killed at some point of a commit (before reading it, while committing,
    or after answering): whichever it was, the commit is in the ledger once, at the indices
    its answer gives, and the next commit follows it."""

    async def go() -> tuple[list[int], list[int], int]:
        appender = ProcessAppender(LedgerSource(str(tmp_path / "l.db"), tmp_path / "l.key"))
        await appender.start()
        try:
            future = appender.send(entries("a", 50))
            await asyncio.sleep(delay_s)
            assert appender._proc is not None
            os.kill(appender._proc.pid, signal.SIGKILL)
            got = await future
            after = await appender.send(entries("b", 1))
            return got, after, appender.restarts
        finally:
            await appender.stop()

    got, after, restarts = asyncio.run(go())
    assert restarts == 1
    assert got == list(range(50))
    assert after == [50]
    assert tags(ledger) == [("a", k) for k in range(50)] + [("b", 0)]
    assert ledger.verify().ok


def test_a_process_that_cannot_open_the_ledger_is_named(tmp_path: Path, ledger: Ledger) -> None:
    appender = ProcessAppender(LedgerSource(str(tmp_path / "l.db"), tmp_path / "missing.key"))
    with pytest.raises(LedgerStorageError, match=r"did not start.*missing\.key"):
        asyncio.run(appender.start())


def test_an_empty_commit_is_answered_at_once(ledger: Ledger, tmp_path: Path) -> None:
    async def go() -> list[int]:
        appender = ProcessAppender(LedgerSource(str(tmp_path / "l.db"), tmp_path / "l.key"))
        await appender.start()
        try:
            return await appender.send([])
        finally:
            await appender.stop()

    assert asyncio.run(go()) == []
    assert ledger.size == 0
