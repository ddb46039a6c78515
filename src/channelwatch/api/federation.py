"""The federation inside ``channelwatch serve``: one centre's server linked to its partners.

``channelwatch serve --federation nats://HOST:4222 --centre FR --partner GB=gb.pub`` runs the
federation node (:mod:`channelwatch.federation`) in the server process, on the server's own
ledger, and joins what the partners share to the server's picture:

* **Outbound.** The node publishes what the ledger holds (contacts, calls, shareable case
  events, commands on the partners' cases); every ``picture_every_s`` the server's own track
  picture is recorded as a ``track.picture`` entry, so it is shared like the rest.
* **Inbound.** Everything the node writes (receipts, and the events of a partner's command run
  on one of this centre's cases, in one transaction) goes through the server's ledger writer,
  so the store stays in ledger order and is caught up after a crash like any other entry. After
  each applied message (:meth:`ServerFederation.on_applied`, under the node's lock) the
  partner's contacts become store rows and ``contacts`` messages, its cases ``case`` messages
  (ids ``FR:C-0001``, ``origin`` set), its track picture joins the next ``tracks`` message, and
  a command it ran here rebuilds the case book and is published like a local one.
* **Case commands** hold the node's lock (:meth:`ServerFederation.locked`) so that the server's
  book and the node never write case events at once; a handover command on a partner's case is
  recorded here and sent to its home centre, whose book decides (:meth:`ServerFederation.forward`).

The in-process bus stays the server's own; without ``--federation`` none of this runs.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from channelwatch.api.errors import ConflictError
from channelwatch.api.live import alerts as rules
from channelwatch.api.live.service import contact_dict, redact_case
from channelwatch.bus import Audience, Message
from channelwatch.events import Event
from channelwatch.store import Changes, ContactRecord

if TYPE_CHECKING:
    from fastapi import FastAPI

    from channelwatch.api.live.service import Operations
    from channelwatch.cases.model import Case
    from channelwatch.federation.link import Link
    from channelwatch.federation.node import Node, Receipt
    from channelwatch.ledger.note import VerifierKey

log = logging.getLogger("channelwatch.federation")

PICTURE_TRAIL_POINTS: Final = 10  # trail points per track in a recorded picture (as the live one)
CONTACT_KINDS: Final = {"observation.contact": "contact", "observation.distress_call": "call"}
# Fields the fold adds to a partner contact beside the event's payload (state.py).
_FOLD_FIELDS: Final = ("type", "actor", "event_time", "ledger_index", "sender_index")


@dataclass(frozen=True, slots=True)
class FederationOptions:
    """How a server joins the federation (the ``serve`` options)."""

    url: str
    centre: str
    partner_keys: Mapping[str, VerifierKey]
    picture_every_s: float = 10.0  # how often the own track picture is recorded and shared
    partner_stale_s: float = 60.0  # a partner picture older than this is no longer shown
    max_age_s: float = 30 * 86400.0  # how long a stream keeps messages for an offline partner

    def __post_init__(self) -> None:
        from channelwatch.federation.envelope import check_centre
        from channelwatch.federation.errors import FederationInputError

        check_centre(self.centre)
        if not self.partner_keys:
            raise FederationInputError("--federation needs at least one --partner CODE=KEY_FILE")
        if not self.picture_every_s > 0:
            raise FederationInputError(
                f"the picture interval must be > 0 s, got {self.picture_every_s!r}"
            )
        if not self.partner_stale_s > 0:
            raise FederationInputError(
                f"the partner picture age must be > 0 s, got {self.partner_stale_s!r}"
            )


def read_partner_keys(specs: Sequence[str]) -> dict[str, VerifierKey]:
    """``GB=gb.pub`` (repeatable) → {"GB": the key}; FederationInputError names a bad one."""
    from channelwatch.federation.envelope import check_centre
    from channelwatch.federation.errors import FederationInputError
    from channelwatch.ledger.errors import LedgerError
    from channelwatch.ledger.keys import read_public_key

    keys: dict[str, VerifierKey] = {}
    for spec in specs:
        code, sep, path = spec.partition("=")
        if not sep or not path:
            raise FederationInputError(f"--partner must be CODE=PUBLIC_KEY_FILE, got {spec!r}")
        try:
            keys[check_centre(code)] = read_public_key(Path(path))
        except LedgerError as exc:
            raise FederationInputError(f"--partner {spec}: {exc}") from None
    return keys


# -- the partner's records in this server's shapes (pure) ---------------------------------------


def partner_track(code: str, track: Mapping[str, Any]) -> dict[str, Any]:
    """A partner's shared track as this server shows it: id ``FR:<id>``, ``origin`` set, its
    case (if any) named across centres."""
    from channelwatch.federation.commands import case_ref

    out = dict(track)
    out["track_id"] = f"{code}:{track.get('track_id')}"
    out["origin"] = code
    cid = track.get("case_id")
    out["case_id"] = case_ref(code, cid) if isinstance(cid, str) and ":" not in cid else cid
    return out


def partner_case_dict(code: str, case: Case) -> dict[str, Any]:
    """A partner's case as shared (already stripped by its home centre), named ``FR:C-0001``."""
    from channelwatch.cases.codec import case_to_dict
    from channelwatch.federation.commands import case_ref

    out = case_to_dict(case)
    out["home_case_id"] = case.case_id
    out["case_id"] = case_ref(code, case.case_id)
    out["possibly_same_as"] = [case_ref(code, c) for c in out.get("possibly_same_as") or ()]
    out["origin"] = code
    out["track_id"] = None
    return out


def partner_contact(
    code: str, index: int, event: Event, sender_index: Any = None
) -> tuple[ContactRecord | None, dict[str, Any]]:
    """A partner's contact or call: the store row (None if it has no position) keyed by the
    receipt's ledger index, and its API shape (``origin`` set; a call never has its note)."""
    body = {k: v for k, v in event.payload.items() if k != "note"}
    body["origin"] = code
    if isinstance(sender_index, int):
        body["sender_index"] = sender_index
    shown = Event(event.type, event.time, event.actor, body)
    lat, lon = body.get("lat"), body.get("lon")
    record = None
    if isinstance(lat, int | float) and isinstance(lon, int | float):
        record = ContactRecord(
            index, CONTACT_KINDS[event.type], event.time, float(lat), float(lon), event.actor, body
        )
    return record, contact_dict(index, index, shown)


def shared_picture(tracks: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The own tracks as recorded for the partners: trails cut to the last points (each
    picture is one entry in both ledgers)."""
    out = []
    for t in tracks:
        trail = t.get("trail")
        out.append(dict(t, trail=list(trail)[-PICTURE_TRAIL_POINTS:]) if trail else dict(t))
    return out


class ServerFederation:
    """The federation node and link of one server (see the module docstring).

    Implements :class:`channelwatch.api.live.service.FederationHooks`. ``start`` it after the
    service, ``stop`` it before.
    """

    def __init__(self, options: FederationOptions, ops: Operations, *, link: bool = True) -> None:
        self.options = options
        self.centre = options.centre
        self.ops = ops
        self.run_link = link  # False: the node only (tests move the messages themselves)
        self.node: Node | None = None
        self.link: Link | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop = asyncio.Event()
        self._tasks: list[asyncio.Task[Any]] = []
        self._local = threading.local()
        # Copy-on-write views, replaced whole under the node's lock, read from the event loop.
        self._cases: dict[str, dict[str, Any]] = {}
        self._pictures: dict[str, tuple[float, list[dict[str, Any]]]] = {}
        self._phases: dict[str, str | None] = {}
        self.pictures_recorded = 0
        self.callback_errors = 0

    # -- life cycle ----------------------------------------------------------------------------

    async def start(self) -> None:
        from channelwatch.federation.link import Link, LinkConfig
        from channelwatch.federation.node import Node

        self._loop = asyncio.get_running_loop()
        ops = self.ops
        # The node folds the whole ledger once (a thread: it may take a while).
        self.node = await asyncio.to_thread(
            Node,
            self.centre,
            ops.ledger,
            partner_keys=self.options.partner_keys,
            sar_region=ops.sar_lookup(),
            recorder=self._record,
        )
        await asyncio.to_thread(self._initial_views)
        self.node.on_applied.append(self.on_applied)
        ops.federation = self
        self._tasks.append(asyncio.create_task(self._picture_loop(), name="federation-picture"))
        if self.run_link:
            config = LinkConfig(url=self.options.url, max_age_s=self.options.max_age_s)
            self.link = Link(self.node, config, log=lambda m: log.info("%s %s", self.centre, m))
            self._tasks.append(asyncio.create_task(self.link.run(self._stop), name="federation"))

    async def stop(self) -> None:
        self._stop.set()
        for t in self._tasks:
            if t.get_name() != "federation":
                t.cancel()
        for t in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await asyncio.wait_for(t, 15.0)
        self._tasks = []
        self.ops.federation = None

    # -- recording: through the server's writer ------------------------------------------------

    def _record(self, events: Sequence[Event]) -> Sequence[int]:
        """The node's recorder: the server's writer (ledger, then store rows, in ledger order).
        Called from worker threads only (the link's, the case thread)."""
        committed = self.ops.writer.submit_from_thread(list(events))
        self._local.recorded = list(zip(committed.indices, events, strict=True))
        return committed.indices

    # -- hooks of the service (FederationHooks) ------------------------------------------------

    def _node(self) -> Node:
        if self.node is None:
            raise RuntimeError("the federation has not started")
        return self.node

    def locked(self) -> contextlib.AbstractContextManager[None]:
        return self._node().locked()

    def is_partner_case(self, case_id: str) -> bool:
        home, sep, _ = case_id.partition(":")
        return bool(sep) and home != self.centre

    def partner_case(self, ref: str) -> dict[str, Any] | None:
        case = self._cases.get(ref)
        return dict(case) if case is not None else None

    def partner_cases(self) -> list[dict[str, Any]]:
        return [dict(c) for _, c in sorted(self._cases.items())]

    def partner_tracks(self) -> list[dict[str, Any]]:
        now = time.monotonic()
        out: list[dict[str, Any]] = []
        for _, (received, tracks) in sorted(self._pictures.items()):
            if now - received <= self.options.partner_stale_s:
                out += tracks
        return out

    def forward(self, command: Any) -> tuple[list[tuple[int, Event]], BaseException | None]:
        from channelwatch.cases.errors import CaseCommandError
        from channelwatch.federation.commands import NAMES, parse_case_ref

        home, case_id = parse_case_ref(command.case_id, self.centre)
        if type(command) not in NAMES.values():
            raise ConflictError(
                f"case {command.case_id} is kept by {home}: only handover commands (request, "
                f"accept, reject, withdraw) can be sent to it, not {type(command).__name__}"
            )
        self._local.recorded = []
        try:
            self._node().send_command(home, replace(command, case_id=case_id))
        except CaseCommandError as exc:  # refused here first (and recorded): not sent
            return list(self._local.recorded), exc
        return list(self._local.recorded), None

    def stats(self) -> dict[str, Any]:
        node = self.node
        partners = {}
        if node is not None:
            for code, view in sorted(node.state.partners.items()):
                partners[code] = {
                    "received": view.received,
                    "rejected": view.rejected,
                    "gaps": view.gaps,
                    "stream_seq": view.stream_seq,
                    "sender_index": view.sender_index,
                    "cases": len(view.cases.cases),
                }
        return {
            "centre": self.centre,
            "link": self.link.stats.to_dict() if self.link is not None else None,
            "partners": partners,
            "pictures_recorded": self.pictures_recorded,
            "callback_errors": self.callback_errors,
        }

    # -- inbound -------------------------------------------------------------------------------

    def _initial_views(self) -> None:
        """The partners' cases and latest contacts as folded from the ledger at start; contact
        rows are written again (idempotent) in case a crash came between receipt and row."""
        from channelwatch.federation.commands import case_ref

        node = self._node()
        rows: list[ContactRecord] = []
        with node.locked():
            cases: dict[str, dict[str, Any]] = {}
            for code, view in node.state.partners.items():
                for cid, case in view.cases.cases.items():
                    cases[case_ref(code, cid)] = partner_case_dict(code, case)
                    self._phases[case_ref(code, cid)] = case.phase
                for c in view.contacts:
                    event = _contact_event(c)
                    if event is not None:
                        record, _ = partner_contact(
                            code, int(c["ledger_index"]), event, c.get("sender_index")
                        )
                        if record is not None:
                            rows.append(record)
            self._cases = cases
            if rows:
                self.ops.store.apply(Changes(contacts=tuple(rows)))

    def on_applied(self, receipt: Receipt) -> None:
        """After a partner's message was recorded and folded (link thread, node's lock held)."""
        try:
            self._apply(receipt)
        except Exception:  # the record is safe in the ledger; only the live view missed it
            self.callback_errors += 1
            log.exception("federation: updating the server after %s failed", receipt.msg_id)

    def _apply(self, receipt: Receipt) -> None:
        from channelwatch.cases.codec import event_from_dict
        from channelwatch.federation.share import Kind

        if receipt.event is None or not receipt.indices:
            return
        p = receipt.event.payload
        code, kind, index = str(p.get("from")), str(p.get("kind")), receipt.indices[0]
        inner = event_from_dict(p.get("event") or {})
        if kind == Kind.TRACK:
            tracks = inner.payload.get("tracks")
            marked = [
                partner_track(code, t)
                for t in (tracks if isinstance(tracks, list) else [])
                if isinstance(t, Mapping)
            ]
            self._pictures = {**self._pictures, code: (time.monotonic(), marked)}
        elif kind == Kind.CONTACT and inner.type in CONTACT_KINDS:
            record, shown = partner_contact(code, index, inner, p.get("sender_index"))
            if record is not None:
                self.ops.store.apply(Changes(contacts=(record,)))
            self._publish(Message("contacts", "contacts", {"contacts": [shown]}))
        elif kind in (Kind.CASE, Kind.HANDOVER):
            self._partner_case_event(code, index, inner, str(p.get("case_id") or ""))
        elif kind == Kind.COMMAND and len(receipt.indices) > 1:
            self._forwarded(receipt.indices[1:])

    def _partner_case_event(self, code: str, index: int, inner: Event, ref: str) -> None:
        from channelwatch.cases.kinds import CaseEvent
        from channelwatch.federation.commands import case_ref

        ev = {"type": inner.type, "index": index, "time": inner.time.isoformat()}
        if inner.type == CaseEvent.COMMAND_REFUSED:
            # The partner's book refused a command this centre sent: its staff must see why.
            self._publish(
                Message(
                    "cases",
                    "case_refused",
                    {"case_id": ref, "error": inner.payload.get("error"), "event": ev},
                    audience=Audience.INTERNAL,
                )
            )
            return
        view = self._node().state.partners[code]
        touched = {
            str(inner.payload[k])
            for k in ("case_id", "merged_case_id", "to_case_id")
            if isinstance(inner.payload.get(k), str)
        }
        cases = dict(self._cases)
        changed = []
        for cid in sorted(touched):
            case = view.cases.cases.get(cid)
            if case is not None:
                d = partner_case_dict(code, case)
                cases[d["case_id"]] = d
                changed.append(d)
        self._cases = cases
        for d in changed:
            self._publish(
                Message(
                    "cases",
                    "case",
                    {"case": d, "event": ev},
                    partner={"case": redact_case(d), "event": ev},
                )
            )
        ref = ref or case_ref(code, str(inner.payload.get("case_id")))
        before = self._phases.get(ref)
        draft = rules.alert_for_case_event(inner.type, {**inner.payload, "case_id": ref}, before)
        if inner.type == CaseEvent.ASSESSMENT_ATTACHED:
            self._phases[ref] = inner.payload.get("phase")
        if draft is not None:
            self._submit(self.ops.raise_alerts([draft], inner.time))

    def _forwarded(self, indices: Sequence[int]) -> None:
        """A partner's command ran on one of this centre's cases: its events are recorded (and
        stored); rebuild the book and publish them as the service does its own."""
        ops = self.ops
        entries = ops.ledger.entries(indices[0], indices[-1] + 1)
        captured = [(e.index, e.to_event()) for e in entries]
        ops.reload_cases()
        touched = {
            str(e.payload[k])
            for _, e in captured
            for k in ("case_id", "merged_case_id", "to_case_id")
            if isinstance(e.payload.get(k), str)
        }
        cases = {}
        for cid in touched:
            if cid in ops.book.cases:
                cases[cid] = ops.case_dict(cid)
        self._submit(ops.publish_case_events(captured, cases))

    def _publish(self, message: Message) -> None:
        loop = self._loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self.ops.bus.publish, message)

    def _submit(self, coro: Any) -> None:
        loop = self._loop
        if loop is None or loop.is_closed():
            coro.close()
            return
        future = asyncio.run_coroutine_threadsafe(coro, loop)
        future.add_done_callback(_log_failure)

    # -- outbound: the own track picture -------------------------------------------------------

    async def _picture_loop(self) -> None:
        from channelwatch.federation.bridge import track_picture_event

        shared_any = False
        while not self._stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), self.options.picture_every_s)
            if self._stop.is_set():
                return
            when, tracks = self.ops.local_picture()
            if when is None or (not tracks and not shared_any):
                continue  # nothing to share, and nothing shared to clear
            try:
                await self.record_picture(track_picture_event(shared_picture(tracks), when))
            except Exception:
                log.exception("federation: recording the track picture failed")
                continue
            shared_any = bool(tracks)

    async def record_picture(self, event: Event) -> int:
        """Record a ``track.picture`` (through the writer: it is then shared by the link)."""
        committed = await self.ops.writer.submit([event])
        self.pictures_recorded += 1
        return committed.indices[0]


def _contact_event(c: Mapping[str, Any]) -> Event | None:
    """A partner contact as folded by the node (payload and the fields it adds) as an event."""
    from channelwatch.cases.codec import parse_time
    from channelwatch.errors import ChannelWatchError

    kind = c.get("type")
    if kind not in CONTACT_KINDS or not isinstance(c.get("ledger_index"), int):
        return None
    try:
        when: datetime = parse_time(c.get("event_time"), "contact time")
    except ChannelWatchError:
        return None
    payload = {k: v for k, v in c.items() if k not in _FOLD_FIELDS}
    return Event(str(kind), when, str(c.get("actor") or "source"), payload)


def _log_failure(future: Any) -> None:
    if not future.cancelled() and future.exception() is not None:
        log.error("federation: a live update failed: %s", future.exception())


def with_federation(
    app: FastAPI, options: FederationOptions, *, link: bool = True, announce: Any = None
) -> FastAPI:
    """Run a :class:`ServerFederation` inside ``app``'s lifespan (after the services start,
    stopped before they stop). The app's own lifespan is kept as it is."""
    inner = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(a: Any) -> AsyncIterator[Any]:
        async with inner(a) as state:
            fed = ServerFederation(options, a.state.services.ops, link=link)
            await fed.start()
            a.state.federation = fed
            if announce is not None:
                partners = ", ".join(sorted(options.partner_keys))
                announce(
                    f"federation: centre {options.centre} on {options.url}, partners {partners}"
                )
            try:
                yield state
            finally:
                a.state.federation = None
                await fed.stop()

    app.router.lifespan_context = lifespan
    return app
