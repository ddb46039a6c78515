"""Replay of a scenario directory, and the pump that batches live AIS sources.

A scenario directory (written by ``channelwatch simulate``) holds ``ais.nmea`` (NMEA with tag
block times) and ``contacts.jsonl`` (contact and call records in the ingest JSON format); the
files of the truth (``truth*``) are never read. Both are merged in time order and released when
the replay clock reaches them, so the whole server runs on scenario time.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from channelwatch.api.errors import ApiInputError
from channelwatch.api.live.clock import ReplayClock
from channelwatch.ingest.observation import Observation

Deliver = Callable[[list[Observation]], Awaitable[None]]

AIS_FILE = "ais.nmea"
CONTACTS_FILE = "contacts.jsonl"


@dataclass(slots=True)
class Scenario:
    """What a scenario directory gave, merged in time order."""

    items: list[Observation]
    ais_count: int = 0
    contact_count: int = 0
    rejected: list[str] = field(default_factory=list)
    ais_errors: dict[str, int] = field(default_factory=dict)


def load_scenario(directory: str | Path) -> Scenario:
    """Read and merge a scenario's AIS and contacts (either file may be missing, not both)."""
    from channelwatch.ingest.contacts import read_contacts
    from channelwatch.ingest.decoder import NmeaDecoder
    from channelwatch.ingest.sources import iter_observations

    d = Path(directory)
    if not d.is_dir():
        raise ApiInputError(f"replay directory {str(d)!r} does not exist")
    ais_path, contacts_path = d / AIS_FILE, d / CONTACTS_FILE
    if not ais_path.is_file() and not contacts_path.is_file():
        raise ApiInputError(
            f"replay directory {str(d)!r} has neither {AIS_FILE} nor {CONTACTS_FILE}"
        )
    ais: list[Observation] = []
    errors: dict[str, int] = {}
    if ais_path.is_file():
        decoder = NmeaDecoder(source="replay")
        ais = list(iter_observations(ais_path, decoder=decoder))
        errors = {k: int(v) for k, v in decoder.stats.to_dict().get("errors", {}).items()}
    contacts: list[Observation] = []
    rejected: list[str] = []
    if contacts_path.is_file():
        got = read_contacts(contacts_path)
        contacts = list(got.accepted)
        rejected = [r.message for r in got.rejected]
    ais.sort(key=lambda o: o.time)
    contacts.sort(key=lambda o: o.time)
    merged = list(heapq.merge(ais, contacts, key=lambda o: o.time))
    return Scenario(merged, len(ais), len(contacts), rejected, errors)


async def replay(
    items: Sequence[Observation],
    clock: ReplayClock,
    deliver: Deliver,
    *,
    max_batch: int = 2000,
    max_sleep_s: float = 0.25,
) -> int:
    """Release items as the clock reaches their times; returns how many were delivered."""
    if not items:
        clock.finish()
        return 0
    clock.begin(items[0].time, items[-1].time)
    i, n = 0, len(items)
    while i < n:
        now = clock.now()
        j = i
        while j < n and j - i < max_batch and items[j].time <= now:
            j += 1
        if j > i:
            await deliver(list(items[i:j]))
            i = j
            continue
        await asyncio.sleep(min(max_sleep_s, max(clock.wall_delay_s(items[i].time), 0.001)))
    # hold the last records' time, once the clock has reached it
    await asyncio.sleep(clock.wall_delay_s(items[-1].time))
    clock.finish()
    return n


async def pump(
    source: AsyncIterator[Observation],
    deliver: Deliver,
    *,
    max_batch: int = 1000,
    max_wait_s: float = 0.2,
) -> None:
    """Forward a live source in batches: at most ``max_batch`` items or ``max_wait_s`` late."""
    queue: asyncio.Queue[Observation | None] = asyncio.Queue(maxsize=max_batch * 10)

    async def read() -> None:
        try:
            async for obs in source:
                await queue.put(obs)
        finally:
            await queue.put(None)

    reader = asyncio.create_task(read())
    try:
        done = False
        while not done:
            first = await queue.get()
            if first is None:
                break
            batch = [first]
            loop = asyncio.get_running_loop()
            deadline = loop.time() + max_wait_s
            while len(batch) < max_batch:
                timeout = deadline - loop.time()
                if timeout <= 0:
                    break
                try:
                    item = await asyncio.wait_for(queue.get(), timeout)
                except TimeoutError:
                    break
                if item is None:
                    done = True
                    break
                batch.append(item)
            await deliver(batch)
    finally:
        reader.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await reader
