"""The operations service: the live pipeline, pure of HTTP.

Every accepted input is appended to the ledger first (:class:`LedgerWriter`), then goes to the
tracker, which runs in its own thread; every second the picture is taken, alerts are derived
(new small boat, SAR line crossed, AIS gap, likely taxi-boat pick-up, track lost), followed
cases get handover requests when their boat enters the other SAR region, and the changes are
published on the bus. Distress calls are scored against the cases (the suggestion is recorded
and shown; the operator decides). Case commands run one at a time in the case book's thread,
whose sink is the ledger writer. Advice is recorded when shown; a decision is a separate call
that names the advice it was given.

With a federation attached (:class:`FederationHooks`, see ``channelwatch.api.federation``), the
partner centres' shared picture joins the answers (their tracks, cases ``FR:C-0001``), case
commands hold the federation node's lock, and handover commands on a partner's case are sent to
its home centre instead of this book.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import math
import secrets
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol, TypeVar

import numpy as np

from channelwatch.api.errors import ApiInputError, ConflictError, NotFoundApiError
from channelwatch.api.live import alerts as rules
from channelwatch.api.live.appender import LedgerSource, ProcessAppender
from channelwatch.api.live.clock import Clock, ReplayClock
from channelwatch.api.live.projection import (
    ALERT_ACK_EVENT,
    ALERT_EVENT,
    DRIFT_EVENT,
    NOTE_EVENT,
    SYSTEM_ACTOR,
    TRACK_LINK_EVENT,
    alert_payload,
    contact_event,
    project,
)
from channelwatch.api.live.tracking import TrackerQueue, TrackerRunner
from channelwatch.api.live.writer import Committed, LedgerWriter
from channelwatch.bus import Audience, Bus, Message
from channelwatch.events import Event
from channelwatch.ingest.observation import (
    ContactReport,
    DistressCall,
    Observation,
)
from channelwatch.ledger import Ledger
from channelwatch.store import AlertRecord, DocumentRecord, Repository, TrackPoint, TrackRecord

log = logging.getLogger("channelwatch.api")
T = TypeVar("T")

TRAIL_POINTS_LIVE = 10  # trail points per track in the live stream (the API gives them all)
TRACK_ROW_EVERY_S = 5.0  # a track's stored row is rewritten at most this often (see below)
PICTURE_WRITE_SLICE = 100  # tracks per store write of the picture (see _store_picture)
PICTURE_WRITE_PAUSE_S = 0.01
CATCH_UP_CHUNK = 2000


@dataclass(frozen=True, slots=True)
class OperationsConfig:
    snapshot_interval_s: float = 1.0
    tracker_queue: int = 20_000
    policy: str = "fr-2025-11-framework"
    forcing_wind: str | None = None
    forcing_current: str | None = None
    tracker_process: bool = True  # the tracker in its own process (see tracking.py)
    commit_window_s: float = 0.004  # group commit: at most one ledger commit per window
    tracker_interval_s: float = 0.1  # tracker calls start at most this often (see _tracker_loop)
    ledger_source: LedgerSource | None = None  # given: ledger commits in their own process


@dataclass(slots=True)
class Counters:
    observations: int = 0
    contacts: int = 0
    calls: int = 0
    ais: int = 0
    tracker_errors: int = 0
    tracker_dropped: int = 0
    tracker_events: int = 0
    alerts: int = 0
    snapshots: int = 0
    catch_up_entries: int = 0
    replay_delivered: int = 0
    replay_rejected: int = 0

    def to_dict(self) -> dict[str, int]:
        return {k: int(getattr(self, k)) for k in self.__dataclass_fields__}


@dataclass(frozen=True, slots=True)
class Submitted:
    """What a submission of observations became."""

    committed: Committed
    contacts: tuple[dict[str, Any], ...]
    suggestions: tuple[dict[str, Any], ...]


@dataclass(frozen=True, slots=True)
class CaseOutcome:
    """A case command's result: the events recorded (index, event) and the cases touched."""

    events: tuple[tuple[int, Event], ...]
    cases: Mapping[str, dict[str, Any]]
    case_id: str | None
    advice: dict[str, Any] | None = None
    advice_index: int | None = None


@dataclass(slots=True)
class _Picture:
    """What the last picture held, to tell what changed."""

    last_update: dict[str, datetime] = field(default_factory=dict)
    regions: dict[str, str] = field(default_factory=dict)  # last SAR region of small boats
    persons: dict[str, int] = field(default_factory=dict)
    pickup_alerted: dict[str, datetime] = field(default_factory=dict)
    tracks: list[dict[str, Any]] = field(default_factory=list)  # this centre's own
    rows: dict[str, tuple[float, str]] = field(default_factory=dict)  # track -> (written, kind)
    partner_tracks: list[dict[str, Any]] = field(default_factory=list)  # partners' (federation)
    time: datetime | None = None


class FederationHooks(Protocol):
    """What the service needs of a federation link (``channelwatch.api.federation``).

    ``locked`` and ``forward`` block (file lock, ledger commit): call them from a worker thread.
    """

    centre: str

    def locked(self) -> AbstractContextManager[None]:
        """Exclusive with the link's writes of case events, and folded up to date."""
        ...

    def is_partner_case(self, case_id: str) -> bool: ...

    def partner_case(self, ref: str) -> dict[str, Any] | None: ...

    def partner_cases(self) -> list[dict[str, Any]]: ...

    def partner_tracks(self) -> list[dict[str, Any]]:
        """The partners' latest shared track pictures (ids ``FR:...``, ``origin`` set)."""
        ...

    def forward(self, command: Any) -> tuple[list[tuple[int, Event]], BaseException | None]:
        """Record a handover command on a partner's case and queue it for its home centre:
        the (index, event) recorded, and the refusal if it was refused here first."""
        ...

    def stats(self) -> dict[str, Any]: ...


def _track_row(track: dict[str, Any], last_update: datetime) -> TrackRecord:
    """The stored row of a track of the picture (its whole body)."""
    return TrackRecord(
        track["track_id"], track["kind"], last_update, track["lat"], track["lon"], track
    )


def contact_dict(
    contact_id: int | None, index: int, event: Event, *, internal: bool = True
) -> dict[str, Any]:
    """The API shape of a contact or call (a call's free-text note only for internal roles)."""
    body = dict(event.payload)
    if not internal:
        body.pop("note", None)
    kind = "contact" if event.type == "observation.contact" else "call"
    return {
        "id": contact_id,
        "ledger_index": index,
        "kind": kind,
        "received_by": event.actor,
        **body,
    }


def alert_dict(a: AlertRecord) -> dict[str, Any]:
    return {
        "id": a.alert_id,
        "seq": a.id,
        "kind": a.kind,
        "severity": a.severity,
        "time": a.time.isoformat(),
        "lat": a.lat,
        "lon": a.lon,
        "track_id": a.track_id,
        "case_id": a.case_id,
        "centre": a.centre,
        "message": a.message,
        "details": dict(a.details),
        "ledger_index": a.ledger_index,
        "acknowledged_by": a.acknowledged_by,
        "acknowledged_at": a.acknowledged_at.isoformat() if a.acknowledged_at else None,
    }


_PARTNER_CASE_DROP = ("opened_by", "persons_revision", "notes")


def redact_case(case: Mapping[str, Any]) -> dict[str, Any]:
    """A case as a partner centre sees it: the shared picture, without internal notes,
    reasons, decisions, advice, evidence references or staff names."""
    out = {k: v for k, v in case.items() if k not in _PARTNER_CASE_DROP}
    out["reports"] = [
        {k: v for k, v in r.items() if k not in ("received_by",)} for r in case.get("reports", ())
    ]
    out["outcomes"] = [
        {
            k: v
            for k, v in o.items()
            if k not in ("recorded_by", "evidence_ref", "retraction_reason", "source")
        }
        for o in case.get("outcomes", ())
    ]
    out["handovers"] = [
        {k: v for k, v in h.items() if k not in ("requested_by", "resolved_by", "reason")}
        for h in case.get("handovers", ())
    ]
    closure = case.get("closure")
    if isinstance(closure, Mapping):
        out["closure"] = {k: closure.get(k) for k in ("kind", "time", "merged_into")}
    return out


class _BookSink:
    """The case book's sink: each event goes through the ledger writer (from the case thread)
    and is captured, so the service can publish what the command recorded."""

    def __init__(self, writer: LedgerWriter) -> None:
        self.writer = writer
        self.captured: list[tuple[int, Event]] = []

    def append(self, event: Event) -> int:
        index = self.writer.submit_from_thread([event]).indices[0]
        self.captured.append((index, event))
        return index


class Operations:
    """The live service (see the module docstring). ``start`` before use, ``stop`` after."""

    def __init__(
        self,
        ledger: Ledger,
        store: Repository,
        bus: Bus,
        *,
        clock: Clock | None = None,
        region: Any = None,
        config: OperationsConfig | None = None,
    ) -> None:
        self.ledger = ledger
        self.store = store
        self.bus = bus
        self.clock = clock or Clock()
        self.region = region
        self.config = config or OperationsConfig()
        source = self.config.ledger_source
        self.writer = LedgerWriter(
            ledger,
            store,
            commit_window_s=self.config.commit_window_s,
            appender=ProcessAppender(source) if source is not None else None,
        )
        self.counters = Counters()
        self._case_exec = ThreadPoolExecutor(1, thread_name_prefix="cw-cases")
        self._plan_exec = ThreadPoolExecutor(1, thread_name_prefix="cw-planning")
        self._queue = TrackerQueue(self.config.tracker_queue)
        self._outbox: list[dict[str, Any]] = []  # contacts to publish, one message per commit
        self._tasks: list[asyncio.Task[Any]] = []
        self._picture = _Picture()
        self._phases: dict[str, str | None] = {}
        self.case_tracks: dict[str, str] = {}  # case id -> followed track id
        self._case_track_region: dict[str, str] = {}
        self._tracker = TrackerRunner(SYSTEM_ACTOR, process=self.config.tracker_process)
        self._book: Any = None
        self._book_sink = _BookSink(self.writer)
        self._beaches: tuple[np.ndarray[Any, Any], np.ndarray[Any, Any], list[Any]] | None = None
        self.started = False
        self._loop: asyncio.AbstractEventLoop | None = None
        self.federation: FederationHooks | None = None

    # -- life cycle ------------------------------------------------------------------------
    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        await asyncio.to_thread(self._catch_up)
        await self.writer.start()
        await self._tracker.start()
        await self._run_in(self._case_exec, self._build_book)
        await asyncio.to_thread(self.store.deactivate_tracks, None)
        self._tasks = [
            asyncio.create_task(self._tracker_loop(), name="tracker"),
            asyncio.create_task(self._snapshot_loop(), name="snapshots"),
            asyncio.create_task(self._clock_loop(), name="clock"),
        ]
        self.started = True

    async def stop(self) -> None:
        for t in self._tasks:
            t.cancel()
        for t in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await t
        self._tasks = []
        await self.writer.stop()
        await self._tracker.stop()
        for ex in (self._case_exec, self._plan_exec):
            ex.shutdown(wait=True, cancel_futures=True)
        self.started = False

    def spawn(self, coro: Awaitable[Any], name: str) -> asyncio.Task[Any]:
        """Run a background job (a replay, a source) that stops with the service."""
        task: asyncio.Task[Any] = asyncio.ensure_future(coro)
        task.set_name(name)
        self._tasks.append(task)
        return task

    async def _run_in(self, executor: ThreadPoolExecutor, fn: Callable[[], T]) -> T:
        return await asyncio.get_running_loop().run_in_executor(executor, fn)

    def _catch_up(self) -> None:
        """Write the rows of ledger entries the store missed (a crash between the commits)."""
        start = self.store.ledger_applied() + 1
        size = self.ledger.size
        while start < size:
            stop = min(size, start + CATCH_UP_CHUNK)
            entries = self.ledger.entries(start, stop)
            self.store.apply(project([(e.index, e.to_event()) for e in entries]))
            self.counters.catch_up_entries += len(entries)
            start = stop

    def sar_lookup(self) -> Callable[[float, float], str | None]:
        """The SAR region of a point (FR/GB), from the region model (None without one)."""
        return self._sar_lookup()

    def reload_cases(self) -> None:
        """Rebuild the case book from the store (after another writer, the federation node,
        recorded case events). Blocking; with a federation, call it holding its lock."""
        self._build_book()

    def _sar_lookup(self) -> Callable[[float, float], str | None]:
        if self.region is not None:
            from channelwatch.cases.srr import lookup_from_region

            return lookup_from_region(self.region)
        return lambda lat, lon: None

    def _build_book(self) -> None:
        from channelwatch.cases import CaseBook
        from channelwatch.cases.assessment import make_assessor

        rows = self.store.case_events()
        events = [Event(r.type, r.time, r.actor, r.payload, r.policy_hash) for r in rows]
        assessor = make_assessor(region=self.region) if self.region is not None else None
        self._book = CaseBook.rebuild(
            events, self._book_sink, self._sar_lookup(), assessor=assessor
        )
        for r in rows:
            if r.case_id is None:
                continue
            if r.type == TRACK_LINK_EVENT and isinstance(r.payload.get("track_id"), str):
                self.case_tracks[r.case_id] = str(r.payload["track_id"])
            elif r.type == "assessment_attached":
                self._phases[r.case_id] = r.payload.get("phase")

    # -- inputs ----------------------------------------------------------------------------
    async def submit(
        self,
        observations: Sequence[Observation],
        actor: str,
        *,
        case_actor: Any = None,
        internal_suggestions: bool = True,
        sweeps: bool = True,
    ) -> Submitted:
        """Record observations (ledger first), feed the tracker, publish, and score each
        distress call against the cases (recorded as a suggestion for the operator).

        With ``sweeps``, radar plots of one sensor at one time among ``observations`` are a
        full sweep for the tracker; otherwise (one report posted alone) each is a lone plot."""
        from channelwatch.ingest.events import observation_event

        events = [
            contact_event(o, actor)
            if isinstance(o, ContactReport | DistressCall)
            else observation_event(o, actor if actor != SYSTEM_ACTOR else None)
            for o in observations
        ]
        # answered once in the ledger: the contact rows follow (GET /api/contacts waits)
        committed = await self.writer.submit(events, wait_store=False)
        self.counters.observations += len(events)
        contacts: list[dict[str, Any]] = []
        ci = 0
        calls: list[tuple[int, DistressCall]] = []
        trackable: list[Observation] = []
        for obs, index, event in zip(observations, committed.indices, events, strict=True):
            if isinstance(obs, ContactReport | DistressCall):
                cid = committed.contact_ids[ci] if ci < len(committed.contact_ids) else None
                ci += 1
                contacts.append(contact_dict(cid, index, event))
                if isinstance(obs, DistressCall):
                    self.counters.calls += 1
                    calls.append((index, obs))
                    continue
                self.counters.contacts += 1
            else:
                self.counters.ais += 1
            trackable.append(obs)
        self.counters.tracker_dropped += self._queue.put(trackable, sweeps=sweeps)
        if contacts:
            self._publish_contacts(contacts)
        suggestions = []
        for index, call in calls:
            s = await self._suggest_for_call(index, call, case_actor)
            if s is not None:
                suggestions.append(s)
        return Submitted(committed, tuple(contacts), tuple(suggestions))

    def _publish_contacts(self, contacts: list[dict[str, Any]]) -> None:
        """Publish accepted contacts, one message for all the requests answered together:
        they resume one after the other in this loop pass, the flush runs after them."""
        if not self._outbox:
            asyncio.get_running_loop().call_soon(self._flush_contacts)
        self._outbox += contacts

    def _flush_contacts(self) -> None:
        contacts, self._outbox = self._outbox, []
        if contacts:
            # only calls carry a note (never shown to partners)
            partner = [
                c if "note" not in c else {k: v for k, v in c.items() if k != "note"}
                for c in contacts
            ]
            self.bus.publish(
                Message(
                    "contacts", "contacts", {"contacts": contacts}, partner={"contacts": partner}
                )
            )

    async def _suggest_for_call(
        self, index: int, call: DistressCall, case_actor: Any
    ) -> dict[str, Any] | None:
        from channelwatch.cases import CaseError, Report, SuggestCorrelation
        from channelwatch.cases.model import SYSTEM_ACTOR as CASE_SYSTEM

        actor = case_actor or CASE_SYSTEM
        report_id = call.call_id or f"call-{index}"
        try:
            report = Report.from_call(call, report_id=report_id, received_by=actor.centre)
            # The call's note is the operator's (internal): it must not become the report's
            # description, which is shared with partners as the boat's.
            report = dataclasses.replace(report, description=None)
            outcome = await self.case_command(
                SuggestCorrelation(actor=actor, time=call.time, report=report)
            )
        except CaseError as exc:
            log.info("no correlation suggestion for %s: %s", report_id, exc)
            return None
        suggestion = {
            "call_id": report_id,
            "ledger_index": index,
            "advice_index": outcome.advice_index,
            "advice": outcome.advice,
        }
        self.bus.publish(Message("cases", "suggestion", suggestion, audience=Audience.INTERNAL))
        verdict = (outcome.advice or {}).get("verdict")
        n = call.persons_reported
        await self.raise_alerts(
            [
                rules.AlertDraft(
                    "distress_call",
                    rules.CRITICAL,
                    f"distress call {report_id}"
                    + (f", {n} aboard" if n else "")
                    + (", water coming in" if call.water_coming_in else "")
                    + f": suggestion {verdict}"
                    + (f" {outcome.case_id}" if outcome.case_id else ""),
                    call.lat,
                    call.lon,
                    case_id=outcome.case_id,
                    details={
                        "call_id": report_id,
                        "advice_index": outcome.advice_index,
                        "ledger_index": index,
                    },
                )
            ],
            call.time,
        )
        return suggestion

    async def call_suggestions(
        self, *, pending: bool = True, limit: int = 100
    ) -> list[dict[str, Any]]:
        """The correlation suggestions of distress calls, newest first: each with the call's
        report and the advice recorded, and whether the call is still to be placed (no case
        holds its report yet). Read from the ``distress_call`` alerts and the ledger."""

        def run() -> list[dict[str, Any]]:
            alerts: list[AlertRecord] = []
            after: int | None = None
            while True:  # calls are few (tens a day): every call alert, in pages
                page = self.store.list_alerts(kind="distress_call", after=after, limit=1000)
                alerts += page.items
                if page.next is None:
                    break
                after = page.next
            out: list[dict[str, Any]] = []
            for a in reversed(alerts):
                call_id, advice_index = a.details.get("call_id"), a.details.get("advice_index")
                if not isinstance(call_id, str) or not isinstance(advice_index, int):
                    continue
                holder = self._book.holder_of(call_id) if self._book is not None else None
                if pending and holder is not None:
                    continue
                entry = self.ledger.entry(advice_index).to_event()
                advice = entry.payload.get("advice")
                if isinstance(advice, Mapping):  # as the live message gives it: with its index
                    advice = {**advice, "event_index": advice_index}
                out.append(
                    {
                        "call_id": call_id,
                        "ledger_index": a.details.get("ledger_index"),
                        "advice_index": advice_index,
                        "advice": advice,
                        "report": entry.payload.get("report"),
                        "time": a.time.isoformat(),
                        "alert_id": a.alert_id,
                        "pending": holder is None,
                        "case_id": holder,
                    }
                )
                if len(out) >= limit:
                    break
            return out

        return await asyncio.to_thread(run)

    # -- the tracker -----------------------------------------------------------------------
    async def _tracker_loop(self) -> None:
        loop = asyncio.get_running_loop()
        last_start = -1e18
        while True:
            await self._queue.ready.wait()
            self._queue.ready.clear()
            while self._queue:
                wait = last_start + self.config.tracker_interval_s - loop.time()
                if wait > 0:
                    await asyncio.sleep(wait)
                last_start = loop.time()
                batch = self._queue.take(2000)  # never cuts a radar sweep in two
                events, errors = await self._tracker.ingest(batch)
                self.counters.tracker_errors += errors
                if events:
                    await self._after_tracker(events)

    async def _after_tracker(self, events: list[Event]) -> None:
        """Record tracker events and raise the alerts they call for."""
        self.counters.tracker_events += len(events)
        drafts: list[tuple[rules.AlertDraft, datetime]] = []
        for e in events:
            d = rules.alert_for_track_event(e.type, e.payload)
            if d is not None and not (e.type == "track.ais_gap" and not e.payload.get("ongoing")):
                drafts.append((d, e.time))
        await self.writer.submit(events)
        for d, t in drafts:
            await self.raise_alerts([d], t)

    async def _snapshot_loop(self) -> None:
        while True:
            await asyncio.sleep(self.config.snapshot_interval_s)
            try:
                await self.snapshot()
            except Exception:
                log.exception("picture snapshot failed")

    async def snapshot(self) -> list[dict[str, Any]]:
        """Take the picture now: tick the tracker, publish tracks, derive alerts, store."""
        now = self.clock.now()

        events, tracks = await self._tracker.snapshot(now)
        if events:
            await self._after_tracker(events)
        self.counters.snapshots += 1
        # The picture is a few milliseconds of work for each step below; between them the loop
        # answers the requests that came in meanwhile (all in one go, they stalled the intake
        # for 20-50 ms every second).
        await asyncio.sleep(0)
        n = len(tracks)
        lat = np.array([t["lat"] for t in tracks], float)
        lon = np.array([t["lon"] for t in tracks], float)
        regions: list[str | None] = [None] * n
        beach_idx: Sequence[int] = [-1] * n
        beach_dist: Sequence[float] = [math.inf] * n
        if self.region is not None and n:
            raw = self.region.sar_region(lat, lon)
            regions = [None if r is None else str(r) for r in np.asarray(raw, dtype=object)]
            blat, blon, _ = self._beach_arrays()
            bi, bd = rules.near_beaches(lat, lon, blat, blon)
            beach_idx, beach_dist = bi.tolist(), bd.tolist()
        track_case = {tid: cid for cid, tid in self.case_tracks.items()}
        for t, r in zip(tracks, regions, strict=True):
            t["sar_region"] = r
            t["case_id"] = track_case.get(t["track_id"])
        await asyncio.sleep(0)
        await self._picture_alerts(now, tracks, regions, beach_idx, beach_dist)
        await self._follow_cases(now, tracks)
        before = [
            *self._picture.last_update,
            *(t["track_id"] for t in self._picture.partner_tracks),
        ]
        await self._store_picture(tracks)
        # Partners' tracks (federation) join what is shown, not what is derived or stored here.
        partner = self.federation.partner_tracks() if self.federation is not None else []
        live = [dict(t, trail=t["trail"][-TRAIL_POINTS_LIVE:]) for t in tracks + partner]
        ids = {t["track_id"] for t in tracks} | {t["track_id"] for t in partner}
        removed = sorted({tid for tid in before if tid not in ids})
        self._picture.tracks = tracks
        self._picture.partner_tracks = partner
        self._picture.time = now
        if tracks or partner or removed:
            self.bus.publish(
                Message(
                    "tracks",
                    "tracks",
                    {"time": now.isoformat(), "tracks": live, "removed": removed},
                )
            )
        return tracks

    def _beach_arrays(self) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any], list[Any]]:
        if self._beaches is None:
            beaches = [b for b in self.region.beaches if getattr(b, "role", "") == "embarkation"]
            self._beaches = (
                np.array([b.lat for b in beaches], float),
                np.array([b.lon for b in beaches], float),
                beaches,
            )
        return self._beaches

    async def _picture_alerts(
        self,
        now: datetime,
        tracks: list[dict[str, Any]],
        regions: Sequence[str | None],
        beach_idx: Sequence[int],
        beach_dist: Sequence[float],
    ) -> None:
        ids = [t["track_id"] for t in tracks]
        kinds = [t["kind"] for t in tracks]
        by_id = {t["track_id"]: t for t in tracks}
        drafts: list[rules.AlertDraft] = []
        for tid, frm, to in rules.sar_crossings(ids, kinds, regions, self._picture.regions):
            t = by_id[tid]
            drafts.append(
                rules.AlertDraft(
                    "sar_line_crossed",
                    rules.WARNING,
                    f"small boat {tid} crossed the SAR line: {frm} to {to}",
                    t["lat"],
                    t["lon"],
                    tid,
                    case_id=t.get("case_id"),
                    centre=to,
                    details={"from": frm, "to": to},
                )
            )
        pickups = rules.taxi_pickups(
            ids,
            kinds,
            [float(t["sog_kn"]) for t in tracks],
            [t.get("persons_estimate") for t in tracks],
            beach_idx,
            self._picture.persons,
        )
        if pickups:
            _, _, beaches = self._beach_arrays()
            for tid, b, before, after in pickups:
                last = self._picture.pickup_alerted.get(tid)
                if last is not None and now - last < timedelta(minutes=10):
                    continue
                self._picture.pickup_alerted[tid] = now
                t = by_id[tid]
                beach = beaches[b]
                k = ids.index(tid)
                drafts.append(
                    rules.AlertDraft(
                        "taxi_boat_pickup",
                        rules.CRITICAL,
                        f"likely taxi-boat pick-up: {tid} by {beach.name}, "
                        f"persons {before if before is not None else '?'} → {after}",
                        t["lat"],
                        t["lon"],
                        tid,
                        centre=getattr(beach, "country", None),
                        details={
                            "beach": beach.name,
                            "distance_m": round(float(beach_dist[k]), 1),
                            "persons_before": before,
                            "persons": after,
                            "sog_kn": t["sog_kn"],
                        },
                    )
                )
        if drafts:
            await self.raise_alerts(drafts, now)

    async def _follow_cases(self, now: datetime, tracks: list[dict[str, Any]]) -> None:
        """A followed boat in the other centre's SAR region: ask for a handover (never move)."""
        if not self.case_tracks or self._book is None:
            return
        from channelwatch.cases import CaseError, RequestHandover
        from channelwatch.cases.model import CENTRE_NAMES
        from channelwatch.cases.model import SYSTEM_ACTOR as CASE_SYSTEM

        by_id = {t["track_id"]: t for t in tracks}
        for case_id, tid in list(self.case_tracks.items()):
            t = by_id.get(tid)
            region = t.get("sar_region") if t else None
            if t is None or region is None:
                continue
            before = self._case_track_region.get(case_id)
            self._case_track_region[case_id] = region
            if before == region:
                continue  # act on entering a region, not on every picture
            case = self._book.cases.get(case_id)
            if case is None or not case.is_open or case.centre == region:
                continue
            if case.pending_handover is not None or region not in CENTRE_NAMES:
                continue
            with contextlib.suppress(CaseError):
                await self.case_command(
                    RequestHandover(
                        actor=CASE_SYSTEM,
                        time=now,
                        case_id=case_id,
                        to_centre=region,
                        reason=f"track {tid} of this case is in the {region} SAR region "
                        f"({CENTRE_NAMES[region]}) at {now.isoformat()}",
                    )
                )

    async def _store_picture(self, tracks: list[dict[str, Any]]) -> None:
        """Store what changed: a history point for every track updated since the last picture
        (GET /api/tracks?at= and /history read them); a track's row (its whole body, trail
        included) when it is new, changes kind, was last written ``TRACK_ROW_EVERY_S`` ago, or
        has just left the picture (its last body). The rows are read only for tracks no longer
        in the picture, and writing 500 bodies a second held the interpreter lock for 30 ms."""
        seen = self._picture.last_update
        rows = self._picture.rows
        now_s = time.monotonic()
        changed: list[TrackRecord] = []
        points: list[TrackPoint] = []
        current: dict[str, datetime] = {}
        for t in tracks:
            tid = t["track_id"]
            last = datetime.fromisoformat(t["last_update"])
            current[tid] = last
            if seen.get(tid) == last:
                continue
            points.append(TrackPoint(tid, last, t["lat"], t["lon"], t["sog_kn"], t["cog_deg"]))
            row = rows.get(tid)
            if row is None or row[1] != t["kind"] or now_s - row[0] >= TRACK_ROW_EVERY_S:
                changed.append(_track_row(t, last))
                rows[tid] = (now_s, t["kind"])
        removed = [tid for tid in seen if tid not in current]
        if removed:
            gone = set(removed)
            for t in self._picture.tracks:  # the last picture: their last bodies
                if t["track_id"] in gone:
                    changed.append(_track_row(t, datetime.fromisoformat(t["last_update"])))
            for tid in removed:
                rows.pop(tid, None)
        self._picture.last_update = current
        # In slices, with a pause between them: one write of 500 tracks took the interpreter
        # lock from the event loop long enough to hold up requests for tens of milliseconds.
        step = PICTURE_WRITE_SLICE
        for k in range(0, max(len(changed), len(points)), step):
            some, history = changed[k : k + step], points[k : k + step]
            await asyncio.to_thread(self._write_picture, some, history)
            await asyncio.sleep(PICTURE_WRITE_PAUSE_S)
        if removed:
            await asyncio.to_thread(self.store.deactivate_tracks, removed)

    def _write_picture(self, changed: list[TrackRecord], points: list[TrackPoint]) -> None:
        self.store.upsert_tracks(changed)
        self.store.add_track_points(points)

    def picture(self) -> tuple[datetime | None, list[dict[str, Any]]]:
        """The last picture taken: its time and its tracks (with the partners' shared ones)."""
        return self._picture.time, self._picture.tracks + self._picture.partner_tracks

    def local_picture(self) -> tuple[datetime | None, list[dict[str, Any]]]:
        """The last picture of this centre's own tracker (what it shares with its partners)."""
        return self._picture.time, self._picture.tracks

    async def _clock_loop(self) -> None:
        last_running = self.clock.running
        while True:
            await asyncio.sleep(1.0)
            running = self.clock.running
            tick = int(datetime.now(UTC).timestamp())
            if running != last_running or tick % 5 == 0:
                self.bus.publish(Message("clock", "clock", self.clock.to_dict()))
            last_running = running

    # -- alerts ----------------------------------------------------------------------------
    async def raise_alerts(
        self, drafts: Sequence[rules.AlertDraft], time: datetime
    ) -> list[dict[str, Any]]:
        """Record alerts in the ledger (and store), then publish them."""
        if not drafts:
            return []
        records = [
            AlertRecord(
                alert_id=f"A-{secrets.token_hex(6)}",
                kind=d.kind,
                severity=d.severity,
                time=time,
                message=d.message,
                ledger_index=-1,
                lat=d.lat,
                lon=d.lon,
                track_id=d.track_id,
                case_id=d.case_id,
                centre=d.centre,
                details=dict(d.details),
            )
            for d in drafts
        ]
        events = [Event(ALERT_EVENT, time, SYSTEM_ACTOR, alert_payload(r)) for r in records]
        committed = await self.writer.submit(events)
        out = []
        for k, (r, index) in enumerate(zip(records, committed.indices, strict=True)):
            seq = committed.alert_ids[k] if k < len(committed.alert_ids) else None
            full = AlertRecord(**{**_fields(r), "ledger_index": index, "id": seq})
            d = alert_dict(full)
            out.append(d)
            self.counters.alerts += 1
            self.bus.publish(Message("alerts", "alert", {"alert": d}))
        return out

    async def acknowledge_alert(self, alert_id: str, actor: str) -> dict[str, Any]:
        alert = await asyncio.to_thread(self.store.get_alert, alert_id)
        if alert is None:
            raise NotFoundApiError(f"no alert {alert_id!r}")
        if alert.acknowledged_by is not None:
            return alert_dict(alert)
        now = self.clock.now()
        await self.writer.submit([Event(ALERT_ACK_EVENT, now, actor, {"alert_id": alert_id})])
        done = await asyncio.to_thread(self.store.get_alert, alert_id)
        assert done is not None
        d = alert_dict(done)
        self.bus.publish(Message("alerts", "alert", {"alert": d}))
        return d

    # -- cases -----------------------------------------------------------------------------
    @property
    def book(self) -> Any:
        return self._book

    async def case_command(self, command: Any) -> CaseOutcome:
        """Run one case command in the case book's thread; publish what it recorded.

        A refused command is recorded by the book (``command_refused``) and its error raised
        here after the refusal is published to the centres' staff."""
        from channelwatch.cases import CaseError
        from channelwatch.cases.codec import case_to_dict

        fed = self.federation
        case_id = getattr(command, "case_id", None)
        if fed is not None and isinstance(case_id, str) and fed.is_partner_case(case_id):
            return await self._partner_command(fed, command, case_id)

        def run() -> tuple[Any, BaseException | None, list[tuple[int, Event]], dict[str, Any]]:
            # With a federation, the node may record case events (a partner's acceptance of a
            # handover): hold its lock so that the two writers never interleave.
            with fed.locked() if fed is not None else contextlib.nullcontext():
                self._book_sink.captured = []
                result, error = None, None
                try:
                    result = self._book.execute(command)
                except CaseError as exc:
                    error = exc
                captured = list(self._book_sink.captured)
                touched = {
                    str(e.payload[k])
                    for _, e in captured
                    for k in ("case_id", "merged_case_id", "to_case_id")
                    if isinstance(e.payload.get(k), str)
                }
                cases = {
                    cid: case_to_dict(self._book.cases[cid])
                    for cid in touched
                    if cid in self._book.cases
                }
            return result, error, captured, cases

        result, error, captured, cases = await self._run_in(self._case_exec, run)
        for cid, c in cases.items():
            c["track_id"] = self.case_tracks.get(cid)
        await self._publish_case_events(captured, cases)
        if error is not None:
            raise error
        advice = None
        advice_index = None
        if result is not None and result.advice is not None:
            advice = result.advice.to_dict()
            advice_index = result.advice.event_index
        return CaseOutcome(
            tuple(captured),
            cases,
            result.case_id if result is not None else None,
            advice,
            advice_index,
        )

    async def _partner_command(self, fed: FederationHooks, command: Any, ref: str) -> CaseOutcome:
        """A command on a partner's case: sent to its home centre (only the handover commands
        travel), whose book decides; the answer comes back over the link as a case update."""
        if fed.partner_case(ref) is None:
            raise NotFoundApiError(f"no case {ref!r} (no such case has been shared)")
        recorded, error = await self._run_in(self._case_exec, lambda: fed.forward(command))
        if error is not None:
            for index, e in recorded:
                ev = {"type": e.type, "index": index, "time": e.time.isoformat()}
                self.bus.publish(
                    Message(
                        "cases",
                        "case_refused",
                        {"event": ev, "error": e.payload.get("error"), "case_id": ref},
                        audience=Audience.INTERNAL,
                    )
                )
            raise error
        case = fed.partner_case(ref)
        return CaseOutcome(tuple(recorded), {ref: case} if case else {}, ref)

    async def publish_case_events(
        self, captured: Sequence[tuple[int, Event]], cases: Mapping[str, dict[str, Any]]
    ) -> None:
        """Publish case events recorded by another writer (the federation node), with their
        alerts, as if this service had recorded them."""
        await self._publish_case_events(captured, cases)

    async def _publish_case_events(
        self, captured: Sequence[tuple[int, Event]], cases: Mapping[str, dict[str, Any]]
    ) -> None:
        drafts: list[tuple[rules.AlertDraft, datetime]] = []
        for index, e in captured:
            cid = e.payload.get("case_id")
            ev = {"type": e.type, "index": index, "time": e.time.isoformat()}
            if isinstance(cid, str) and cid in cases:
                self.bus.publish(
                    Message(
                        "cases",
                        "case",
                        {"case": cases[cid], "event": ev},
                        partner={"case": redact_case(cases[cid]), "event": ev},
                    )
                )
            elif e.type == "command_refused":
                self.bus.publish(
                    Message(
                        "cases",
                        "case_refused",
                        {"event": ev, "error": e.payload.get("error"), "case_id": cid},
                        audience=Audience.INTERNAL,
                    )
                )
            if isinstance(cid, str):
                before = self._phases.get(cid)
                d = rules.alert_for_case_event(e.type, e.payload, before)
                if e.type == "assessment_attached":
                    self._phases[cid] = e.payload.get("phase")
                if d is not None:
                    drafts.append((d, e.time))
        for d, t in drafts:
            await self.raise_alerts([d], t)

    def case_dict(self, case_id: str) -> dict[str, Any]:
        from channelwatch.cases import UnknownCaseError
        from channelwatch.cases.codec import case_to_dict

        fed = self.federation
        if fed is not None and fed.is_partner_case(case_id):
            shared = fed.partner_case(case_id)
            if shared is None:
                raise NotFoundApiError(f"no case {case_id!r}")
            return shared
        try:
            c = case_to_dict(self._book.case(case_id))
        except UnknownCaseError:
            raise NotFoundApiError(f"no case {case_id!r}") from None
        c["track_id"] = self.case_tracks.get(case_id)
        return c

    def case_dicts(self, status: str | None = None) -> list[dict[str, Any]]:
        from channelwatch.cases.codec import case_to_dict

        out = []
        for cid, case in sorted(self._book.cases.items()):
            if status is not None and str(case.status) != status:
                continue
            d = case_to_dict(case)
            d["track_id"] = self.case_tracks.get(cid)
            out.append(d)
        if self.federation is not None:
            out += [
                c
                for c in self.federation.partner_cases()
                if status is None or c.get("status") == status
            ]
        return out

    async def add_note(self, case_id: str, text: str, actor: str) -> dict[str, Any]:
        self.case_dict(case_id)  # 404 for an unknown case
        now = self.clock.now()
        committed = await self.writer.submit(
            [Event(NOTE_EVENT, now, actor, {"case_id": case_id, "text": text})]
        )
        note = {
            "text": text,
            "by": actor,
            "time": now.isoformat(),
            "ledger_index": committed.indices[0],
        }
        self.bus.publish(
            Message("cases", "note", {"case_id": case_id, "note": note}, audience=Audience.INTERNAL)
        )
        return note

    async def link_track(self, case_id: str, track_id: str, actor: str) -> dict[str, Any]:
        self.case_dict(case_id)
        now = self.clock.now()
        committed = await self.writer.submit(
            [Event(TRACK_LINK_EVENT, now, actor, {"case_id": case_id, "track_id": track_id})]
        )
        self.case_tracks[case_id] = track_id
        self._case_track_region.pop(case_id, None)
        case = self.case_dict(case_id)
        ev = {"type": TRACK_LINK_EVENT, "index": committed.indices[0], "time": now.isoformat()}
        self.bus.publish(
            Message(
                "cases",
                "case",
                {"case": case, "event": ev},
                partner={"case": redact_case(case), "event": ev},
            )
        )
        return case

    async def ledger_event(self, index: int) -> Event:
        from channelwatch.ledger import LedgerInputError

        try:
            entry = await asyncio.to_thread(self.ledger.entry, index)
        except LedgerInputError as exc:
            raise NotFoundApiError(str(exc)) from None
        return entry.to_event()

    async def correlation_advice(self, advice_index: int) -> tuple[dict[str, Any], dict[str, Any]]:
        """The advice and report of a ``correlation_suggested`` entry (for a decision)."""
        e = await self.ledger_event(advice_index)
        if e.type != "correlation_suggested":
            raise ConflictError(
                f"ledger entry {advice_index} is a {e.type!r}, not a correlation suggestion"
            )
        return dict(e.payload.get("advice") or {}), dict(e.payload.get("report") or {})

    # -- doctrine --------------------------------------------------------------------------
    async def evaluate_doctrine(
        self,
        situation_doc: Mapping[str, Any],
        policy: str,
        *,
        all_actions: bool,
        actor: str,
        case_actor: Any = None,
        case_id: str | None = None,
    ) -> dict[str, Any]:
        """Assess and evaluate; record the assessment, verdicts and the advice shown."""
        from channelwatch.doctrine import advise, parse_situation, record_advice_shown
        from channelwatch.events import MemorySink

        if case_id is not None:
            self.case_dict(case_id)
        now = self.clock.now()

        def run() -> tuple[Any, list[Event]]:
            situation = parse_situation(dict(situation_doc))
            sink = MemorySink()
            advice = advise(
                situation,
                policy,
                all_actions=all_actions,
                region=self.region,
                sink=sink,
                actor=actor,
                time=now,
            )
            if case_id is None:
                record_advice_shown(sink, advice.verdicts, shown_to=actor, time=now)
            return advice, sink.events

        advice, events = await self._run_in(self._plan_exec, run)
        committed = await self.writer.submit(events)
        advice_dict = advice.to_dict()
        if case_id is None:
            advice_id = committed.indices[-1]
        else:
            from channelwatch.cases import ShowAdvice

            outcome = await self.case_command(
                ShowAdvice(
                    actor=case_actor,
                    time=now,
                    case_id=case_id,
                    advice={
                        "kind": "doctrine",
                        "policy": policy,
                        "policy_hash": advice.policy_hash,
                        "advice": {k: v for k, v in advice_dict["verdicts"].items()},
                    },
                )
            )
            advice_id = outcome.events[-1][0]
        return {
            "advice_id": advice_id,
            "ledger_indices": [*committed.indices, advice_id]
            if case_id is not None
            else list(committed.indices),
            "advice": advice_dict,
        }

    async def record_decision(
        self,
        advice_id: int,
        action: str,
        actor: str,
        *,
        note: str | None = None,
        case_id: str | None = None,
    ) -> dict[str, Any]:
        """A person's decision, with the advice it was given (never an action executed)."""
        from channelwatch.doctrine import Action

        e = await self.ledger_event(advice_id)
        if e.type != "advice_shown":
            raise ConflictError(f"ledger entry {advice_id} is a {e.type!r}, not advice shown")
        advice = e.payload.get("advice")
        if isinstance(advice, Mapping) and advice.get("kind") == "doctrine":
            advice = advice.get("advice")
        if not isinstance(advice, Mapping) or not advice:
            raise ConflictError(f"ledger entry {advice_id} holds no doctrine verdicts")
        try:
            chosen = Action(action)
        except ValueError:
            raise ApiInputError(
                f"action must be one of {', '.join(a.value for a in Action)}, got {action!r}"
            ) from None
        shown_case = e.payload.get("case_id")
        if case_id is None and isinstance(shown_case, str):
            case_id = shown_case
        now = self.clock.now()
        decision = {
            "decided_by": actor,
            "time": now.isoformat(),
            "action": chosen.value,
            "against_advice": against_advice(chosen.value, advice),
            "note": note,
            "case_id": case_id,
            "advice_id": advice_id,
            "advice": dict(advice),
        }
        first = next(iter(advice.values()))
        policy_hash = first.get("policy_hash") if isinstance(first, Mapping) else None
        committed = await self.writer.submit(
            [Event("decision", now, actor, decision, policy_hash if policy_hash else None)]
        )
        return {"ledger_index": committed.indices[0], "decision": decision}

    # -- drift and search ------------------------------------------------------------------
    async def record_document(
        self,
        kind: str,
        case_id: str,
        actor: str,
        summary: Mapping[str, Any],
        body: Mapping[str, Any],
    ) -> DocumentRecord:
        import hashlib

        from channelwatch.store.codec import dumps

        doc_id = f"{'D' if kind == DRIFT_EVENT else 'S'}-{secrets.token_hex(6)}"
        now = self.clock.now()
        digest = hashlib.sha256(dumps(body).encode("utf-8")).hexdigest()
        payload = {
            "case_id": case_id,
            "doc_id": doc_id,
            "summary": dict(summary),
            "body_sha256": digest,
        }
        doc = DocumentRecord(doc_id, kind, case_id, now, actor, -1, dict(summary), dict(body))
        committed = await self.writer.submit([Event(kind, now, actor, payload)], [(0, doc)])
        stored = DocumentRecord(
            doc_id, kind, case_id, now, actor, committed.indices[0], doc.summary, doc.body
        )
        self.bus.publish(
            Message(
                "cases",
                "document",
                {"case_id": case_id, "doc_id": doc_id, "kind": kind, "summary": dict(summary)},
                audience=Audience.INTERNAL,
            )
        )
        return stored

    async def run_planning(self, fn: Callable[[], T]) -> T:
        """Run a heavy planning job (drift, search plan) in the planning thread."""
        return await self._run_in(self._plan_exec, fn)

    # -- input from sources ----------------------------------------------------------------
    async def deliver(self, observations: list[Observation]) -> None:
        """A batch from a replay or a live feed, recorded as the system."""
        if not observations:
            return
        self.counters.replay_delivered += len(observations)
        await self.submit(observations, SYSTEM_ACTOR)

    def stats(self) -> dict[str, Any]:
        w = self.writer.stats
        out: dict[str, Any] = {
            **self.counters.to_dict(),
            "tracker_queue": len(self._queue),
            **w.to_dict(),
            "ledger_appender_restarts": self.writer.appender.restarts,
            "open_cases": sum(1 for c in self._book.cases.values() if c.is_open)
            if self._book is not None
            else 0,
        }
        if self.federation is not None:
            out["federation"] = self.federation.stats()
        return out


def against_advice(action: str, advice: Mapping[str, Any]) -> bool:
    """The chosen action was prohibited, or a required action was not the one chosen (the
    rule of :class:`channelwatch.doctrine.Decision`, on the recorded dictionaries)."""
    verdict = advice.get(action)
    if isinstance(verdict, Mapping) and verdict.get("verdict") == "prohibited":
        return True
    required: set[str] = set()
    for v in advice.values():
        if isinstance(v, Mapping):
            required |= {str(a) for a in v.get("required_actions", ()) or ()}
    return bool(required) and action not in required


def _fields(r: AlertRecord) -> dict[str, Any]:
    return {k: getattr(r, k) for k in AlertRecord.__dataclass_fields__}


def clock_for(replay: bool, speed: float) -> Clock:
    return ReplayClock(speed) if replay else Clock()
