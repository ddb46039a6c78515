"""The tracker behind the service: in its own process by default, or in a thread.

The tracker is CPU-bound Python and numpy; run in a thread of the server it holds the GIL and
the event loop waits behind it (measured: the request rate fell by more than half). In its own
process it runs beside the server instead, at a lower priority, and the server only pays for
pickling the batches. Either way calls are serialised: one tracker, one call at a time.
"""

from __future__ import annotations

import asyncio
import pickle
import struct
import sys
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any

from channelwatch.events import Event
from channelwatch.ingest.observation import AisPosition, AisStatic, ContactReport, Observation

_HEADER = struct.Struct(">Q")  # frames on the pipes: length, then a pickle


def radar_sweeps(batch: Sequence[Observation]) -> list[Observation | list[ContactReport]]:
    """Consecutive radar plots of one sensor at one time are one sweep (a list), taken as a
    full scan by the tracker (tracks the sweep did not see count a miss); anything else stays
    one observation. Order is kept."""
    out: list[Observation | list[ContactReport]] = []
    sweep: list[ContactReport] = []
    for obs in batch:
        if isinstance(obs, ContactReport) and obs.sensor.value == "radar":
            if sweep and (sweep[0].sensor_id != obs.sensor_id or sweep[0].time != obs.time):
                out.append(sweep)
                sweep = []
            sweep.append(obs)
            continue
        if sweep:
            out.append(sweep)
            sweep = []
        out.append(obs)
    if sweep:
        out.append(sweep)
    return out


def same_sweep(a: Observation, b: Observation) -> bool:
    return (
        isinstance(a, ContactReport)
        and isinstance(b, ContactReport)
        and a.sensor.value == "radar"
        and a.sensor_id == b.sensor_id
        and a.time == b.time
    )


def ingest_with(tracker: Any, batch: Sequence[Observation]) -> tuple[list[Event], int]:
    """Feed a batch; returns the tracker's events and how many observations it refused."""
    from channelwatch.track import TrackError

    events: list[Event] = []
    errors = 0
    for group in radar_sweeps(batch):
        try:
            if isinstance(group, list):
                events += tracker.ingest_scan(group)
            elif isinstance(group, AisPosition | AisStatic | ContactReport):
                events += tracker.ingest(group)
        except TrackError:
            errors += 1
    return events, errors


def snapshot_with(tracker: Any, now: datetime) -> tuple[list[Event], list[dict[str, Any]]]:
    """Let time pass to ``now`` (gaps, losses), then the picture predicted to ``now``."""
    events = tracker.tick(now)
    return events, [v.to_dict() for v in tracker.tracks(now)]


class TrackerError(Exception):
    """The tracker's process failed or answered an error."""


class TrackerRunner:
    """One tracker, driven from the event loop: in its own process (``python -m
    channelwatch.api.live.tracker_worker``, talking over its pipes) or, with ``process=False``,
    in a thread of this process (tests, small deployments). Calls are serialised."""

    def __init__(self, actor: str, *, process: bool = True) -> None:
        self.actor = actor
        self.process = process
        self._proc: asyncio.subprocess.Process | None = None
        self._lock = asyncio.Lock()
        self._thread: ThreadPoolExecutor | None = None
        self._local: Any = None  # the tracker, in thread mode

    async def start(self) -> None:
        if self.process:
            self._proc = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "channelwatch.api.live.tracker_worker",
                self.actor,
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                limit=1 << 30,
            )
            ok, msg = await self._read()  # waits until the tracker is built
            if not ok:
                raise TrackerError(f"the tracker did not start: {msg}")
        else:
            from channelwatch.track import Tracker

            self._thread = ThreadPoolExecutor(1, thread_name_prefix="cw-tracker")
            self._local = Tracker(actor=self.actor)

    async def _read(self) -> tuple[bool, Any]:
        assert self._proc is not None and self._proc.stdout is not None
        try:
            head = await self._proc.stdout.readexactly(_HEADER.size)
            (n,) = _HEADER.unpack(head)
            data = await self._proc.stdout.readexactly(n)
        except asyncio.IncompleteReadError:
            raise TrackerError(
                f"the tracker process ended (exit status {self._proc.returncode})"
            ) from None
        answer: tuple[bool, Any] = pickle.loads(data)
        return answer

    async def _ask(self, op: str, arg: Any) -> Any:
        async with self._lock:
            if self._proc is None or self._proc.stdin is None:
                raise TrackerError("the tracker is not running")
            data = pickle.dumps((op, arg), protocol=pickle.HIGHEST_PROTOCOL)
            self._proc.stdin.write(_HEADER.pack(len(data)) + data)
            await self._proc.stdin.drain()
            ok, result = await self._read()
        if not ok:
            raise TrackerError(str(result))
        return result

    async def ingest(self, batch: Sequence[Observation]) -> tuple[list[Event], int]:
        if self.process:
            result: tuple[list[Event], int] = await self._ask("ingest", list(batch))
            return result
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._thread, ingest_with, self._local, batch)

    async def snapshot(self, now: datetime) -> tuple[list[Event], list[dict[str, Any]]]:
        if self.process:
            result: tuple[list[Event], list[dict[str, Any]]] = await self._ask("snapshot", now)
            return result
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._thread, snapshot_with, self._local, now)

    async def stop(self) -> None:
        if self._proc is not None:
            if self._proc.stdin is not None:
                self._proc.stdin.close()
            try:
                await asyncio.wait_for(self._proc.wait(), 10)
            except TimeoutError:
                self._proc.kill()
                await self._proc.wait()
            self._proc = None
        if self._thread is not None:
            self._thread.shutdown(wait=True, cancel_futures=True)
            self._thread = None
