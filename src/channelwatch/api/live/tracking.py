"""The tracker behind the service: in its own process by default, or in a thread.

The tracker is CPU-bound Python and numpy; run in a thread of the server it holds the GIL and
the event loop waits behind it (measured: the request rate fell by more than half). In its own
process it runs beside the server instead, at a lower priority, and the server only pays for
pickling the batches, sent as plain tuples (a fifth of the cost of pickling the records). Either
way calls are serialised: one tracker, one call at a time.

What the tracker is given: radar plots of one sensor at one time that came in one request (or
one delivery of a feed) are a *sweep* (tracks the sweep did not see count a miss); every other
contact is a lone plot, and the lone plots waiting are associated together
(:meth:`channelwatch.track.Tracker.ingest_contacts`); AIS goes one message at a time.
"""

from __future__ import annotations

import asyncio
import sys
from collections import deque
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

from channelwatch.api.live import frames
from channelwatch.events import Event
from channelwatch.ingest.observation import (
    AisPosition,
    AisStatic,
    ContactReport,
    Observation,
    Sensor,
)

Sweep = list[ContactReport]  # one radar sweep: a full scan of its sensor
Item = Observation | Sweep


def radar_sweeps(batch: Sequence[Observation]) -> list[Item]:
    """Consecutive radar plots of one sensor at one time are one sweep (a list), taken as a
    full scan by the tracker (tracks the sweep did not see count a miss); anything else stays
    one observation. Order is kept."""
    out: list[Item] = []
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


class TrackerQueue:
    """Observations waiting for the tracker, bounded: over ``capacity`` observations the
    oldest are shed (the ledger holds them; the picture prefers the newest)."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._items: deque[Item] = deque()
        self._size = 0  # observations queued (a sweep counts its plots)
        self.ready = asyncio.Event()

    def __len__(self) -> int:
        return self._size

    def put(self, observations: Sequence[Observation], *, sweeps: bool) -> int:
        """Queue what one request (or one delivery) brought; returns how many were shed.

        With ``sweeps``, radar plots of one sensor at one time are one sweep; a lone radar plot
        is never a sweep (one plot says nothing of where the radar saw nothing)."""
        if not observations:
            return 0
        items: list[Item] = (
            radar_sweeps(observations) if sweeps and len(observations) > 1 else [*observations]
        )
        for item in items:
            self._items.append(item[0] if isinstance(item, list) and len(item) == 1 else item)
        self._size += len(observations)
        shed = 0
        while self._size > self.capacity and self._items:
            old = self._items.popleft()
            n = len(old) if isinstance(old, list) else 1
            self._size -= n
            shed += n
        self.ready.set()
        return shed

    def take(self, limit: int) -> list[Item]:
        """The oldest items, about ``limit`` observations (a sweep is never cut)."""
        out: list[Item] = []
        n = 0
        while self._items and n < limit:
            item = self._items.popleft()
            out.append(item)
            n += len(item) if isinstance(item, list) else 1
        self._size -= n
        return out


def ingest_with(tracker: Any, items: Sequence[Item]) -> tuple[list[Event], int]:
    """Feed items in order: sweeps as full scans, AIS one by one, and each run of lone plots
    together. Returns the tracker's events and how many observations it refused."""
    from channelwatch.track import TrackError

    events: list[Event] = []
    errors = 0
    lone: list[ContactReport] = []

    def flush() -> None:
        nonlocal errors
        if lone:
            bad = tracker.counts["bad_contacts"]
            events.extend(tracker.ingest_contacts(lone))
            errors += tracker.counts["bad_contacts"] - bad
            lone.clear()

    for item in items:
        if isinstance(item, ContactReport):
            lone.append(item)
            continue
        flush()
        try:
            if isinstance(item, list):
                events.extend(tracker.ingest_scan(item))
            elif isinstance(item, AisPosition | AisStatic):
                events.extend(tracker.ingest(item))
        except TrackError:
            errors += 1
    flush()
    return events, errors


# -- the wire: contacts as plain tuples (pickled a few times faster than the records) ---------
_SENSORS = {s.value: s for s in Sensor}


def _plot_tuple(c: ContactReport) -> tuple[Any, ...]:
    return (
        c.time.timestamp(),
        c.lat,
        c.lon,
        c.sensor.value,
        c.sensor_id,
        c.sigma_m,
        c.persons_estimate,
        c.description,
    )


def _plot(t: tuple[Any, ...]) -> ContactReport:
    return ContactReport(
        time=datetime.fromtimestamp(t[0], UTC),
        lat=t[1],
        lon=t[2],
        sensor=_SENSORS[t[3]],
        sensor_id=t[4],
        sigma_m=t[5],
        persons_estimate=t[6],
        description=t[7],
    )


def encode_items(items: Sequence[Item]) -> list[Any]:
    """Items for the pipe: a lone plot is a tuple, a sweep a list of tuples, AIS as it is."""
    out: list[Any] = []
    for item in items:
        if isinstance(item, ContactReport):
            out.append(_plot_tuple(item))
        elif isinstance(item, list):
            out.append([_plot_tuple(c) for c in item])
        else:
            out.append(item)
    return out


def decode_items(wire: Sequence[Any]) -> list[Item]:
    """The inverse of :func:`encode_items` (in the tracker's process)."""
    out: list[Item] = []
    for x in wire:
        if isinstance(x, tuple):
            out.append(_plot(x))
        elif isinstance(x, list):
            out.append([_plot(t) for t in x])
        else:
            out.append(x)
    return out


def snapshot_with(
    tracker: Any, now: datetime, sent: dict[str, Any] | None = None
) -> tuple[list[Event], list[dict[str, Any]]]:
    """Let time pass to ``now`` (gaps, losses), then the picture predicted to ``now``.

    With ``sent`` (track id -> the last trail point already sent, kept by the caller between
    calls), a track's ``trail`` holds only the points after that one, ``trail_len`` says how
    long its whole trail is, and ``trail_whole`` is true when the trail is sent whole (a new
    track, or one whose trail no longer holds that point): :class:`TrailMerger` puts the
    trails back together. Trails grow at their end, so this is the same picture in a fraction
    of the bytes (a 500-track picture went from 467 kB to 97 kB; unpickling it whole held the
    server's event loop for 10 ms)."""
    events = tracker.tick(now)
    times: dict[datetime, str] = {}
    views = tracker.tracks(now)
    if sent is None:
        return events, [v.to_dict(times) for v in views]
    out = []
    for v in views:
        trail = v.trail
        start = _after(trail, sent.get(v.track_id))
        d = v.to_dict(times, trail_from=start)
        d["trail_len"] = len(trail)
        d["trail_whole"] = start == 0
        if trail:
            sent[v.track_id] = trail[-1]
        out.append(d)
    live = {v.track_id for v in views}
    for tid in [t for t in sent if t not in live]:
        del sent[tid]
    return events, out


def _after(trail: tuple[Any, ...], last: Any) -> int:
    """Where the points after ``last`` start in ``trail`` (0: send it whole)."""
    if last is None:
        return 0
    for k in range(len(trail) - 1, -1, -1):
        if trail[k] == last:
            return k + 1
    return 0


class TrailMerger:
    """The other end of :func:`snapshot_with` with ``sent``: each track's whole trail from the
    new points of each picture."""

    def __init__(self) -> None:
        self._trails: dict[str, list[Any]] = {}

    def merge(self, tracks: list[dict[str, Any]]) -> list[dict[str, Any]]:
        trails: dict[str, list[Any]] = {}
        for t in tracks:
            keep = t.pop("trail_len")
            whole = t["trail"] if t.pop("trail_whole") else self._trails.get(t["track_id"], [])
            if whole is not t["trail"]:
                whole = whole + t["trail"]
            t["trail"] = trails[t["track_id"]] = whole[max(0, len(whole) - keep) :]
        self._trails = trails  # tracks no longer in the picture are dropped
        return tracks


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
        self._fresh = True  # the next picture starts its trails afresh
        self._merger = TrailMerger()
        self._sent: dict[str, Any] = {}  # trail points sent (thread mode; see snapshot_with)

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
            answer: tuple[bool, Any] = await frames.read_frame_async(self._proc.stdout)
        except asyncio.IncompleteReadError:
            raise TrackerError(
                f"the tracker process ended (exit status {self._proc.returncode})"
            ) from None
        return answer

    async def _ask(self, op: str, arg: Any) -> Any:
        async with self._lock:
            if self._proc is None or self._proc.stdin is None:
                raise TrackerError("the tracker is not running")
            self._proc.stdin.write(frames.pack((op, arg)))
            await self._proc.stdin.drain()
            ok, result = await self._read()
        if not ok:
            raise TrackerError(str(result))
        return result

    async def ingest(self, batch: Sequence[Item]) -> tuple[list[Event], int]:
        if self.process:
            result: tuple[list[Event], int] = await self._ask("ingest", encode_items(batch))
            return result
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._thread, ingest_with, self._local, batch)

    async def snapshot(self, now: datetime) -> tuple[list[Event], list[dict[str, Any]]]:
        """The picture at ``now``, its trails sent as they grow (see :func:`snapshot_with`);
        after a failed call the next one starts the trails afresh."""
        fresh, self._fresh = self._fresh, True
        if fresh:
            self._merger = TrailMerger()
        if self.process:
            events, tracks = await self._ask("snapshot", (now, fresh))
        else:
            if fresh:
                self._sent = {}
            loop = asyncio.get_running_loop()
            events, tracks = await loop.run_in_executor(
                self._thread, snapshot_with, self._local, now, self._sent
            )
        tracks = self._merger.merge(tracks)
        self._fresh = False
        return events, tracks

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
