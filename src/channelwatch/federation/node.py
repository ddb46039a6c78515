"""A centre's node: its ledger, the state folded from it, and the three things it does.

1. **Apply a partner's message** (:meth:`Node.receive`): skip it if its stream sequence or
   sender index was applied already; check it (:mod:`~channelwatch.federation.verify`); record
   ``federation.received`` (sender, index, checkpoint, proofs, the event) in the ledger; for a
   command on one of this centre's cases, run it in the home book and record its events *in the
   same transaction* as the receipt. Only then may the link acknowledge the message.
2. **Run its own operators' commands** on its own cases (:meth:`Node.execute`), or record and
   send those on a partner's case (:meth:`Node.send_command`, checked first against the
   partner's case as shared).
3. **Answer what it knows** (:attr:`Node.state`).

Several processes may write one ledger (the node, and operators' commands from the command line):
each writer takes the node's lock file, folds what others appended, then writes. The case books
are rebuilt from the folded events for every command: nothing is applied that the ledger does not
hold. A host that has its own way of recording (the server's group-committing writer, which also
keeps its store in step) gives it as ``recorder``; the node then writes only through it.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path
from typing import Any

from channelwatch.cases.book import CaseBook, CaseBookConfig, CommandResult, SarRegionLookup
from channelwatch.cases.codec import actor_to_dict, event_to_dict
from channelwatch.cases.commands import Command
from channelwatch.cases.errors import CaseCommandError
from channelwatch.cases.kinds import CaseEvent
from channelwatch.events import Event, MemorySink, utcnow
from channelwatch.federation.commands import (
    ForwardedCommand,
    case_ref,
    command_from_dict,
    command_to_dict,
    role_actor,
)
from channelwatch.federation.envelope import Envelope, check_centre, envelope_from_bytes
from channelwatch.federation.errors import (
    EnvelopeError,
    FederationInputError,
    VerificationError,
)
from channelwatch.federation.share import COMMAND_SENT, GAP, RECEIVED, REJECTED, Kind
from channelwatch.federation.state import NodeState
from channelwatch.federation.verify import SeenCheckpoint, Verified, verify_envelope
from channelwatch.ledger import Ledger
from channelwatch.ledger.note import VerifierKey

LINK_ACTOR = "SYSTEM/federation"
READ_CHUNK = 4096

Recorder = Callable[[Sequence[Event]], Sequence[int]]
"""Records events in one transaction and returns their ledger indices (default: the ledger's
``append_many``; a server passes its writer's)."""


class Outcome(StrEnum):
    APPLIED = "applied"
    DUPLICATE = "duplicate"
    REJECTED = "rejected"


@dataclass(frozen=True, slots=True)
class Receipt:
    """What became of one message from a partner."""

    outcome: Outcome
    msg_id: str | None
    indices: tuple[int, ...] = ()  # ledger indices written (receipt first)
    error: str | None = None
    event: Event | None = None  # the receipt as recorded (``federation.received``), if applied


class _RecorderSink:
    """A case book's sink that records through the node's recorder, one event at a time."""

    def __init__(self, record: Recorder) -> None:
        self.record = record

    def append(self, event: Event) -> int:
        return int(self.record([event])[0])


class _BufferSink:
    """Collects the events a home book emits for a forwarded command, to be committed at once
    with the receipt. The indices it returns are where they will land if nothing else writes
    first; the committed ones are in the :class:`Receipt`."""

    def __init__(self, base: int) -> None:
        self.base = base
        self.events: list[Event] = []

    def append(self, event: Event) -> int:
        self.events.append(event)
        return self.base + len(self.events) - 1


class _Batch:
    """Messages of one partner being applied under the node's lock: the checks run against
    what is applied so far (the ledger's, then this batch's), the events wait to be recorded
    together (see :meth:`Node.receive_batch`)."""

    def __init__(self, node: Node, partner: str) -> None:
        self.node, self.partner = node, partner
        self.view = node.state.partner(partner)
        self.seq_done = self.view.stream_seq
        self.index_done = self.view.sender_index
        self.last = self.view.checkpoint
        self.out: list[Receipt | None] = []
        self.events: list[Event] = []
        # (position in out, outcome, msg id, error, number of events, the receipt if applied)
        self.meta: list[tuple[int, Outcome, str | None, str | None, int, Event | None]] = []

    def take(self, data: bytes, stream_seq: int) -> None:
        node, view = self.node, self.view
        pos = len(self.out)
        self.out.append(None)
        if stream_seq <= self.seq_done:
            view.duplicates += 1
            self.out[pos] = Receipt(Outcome.DUPLICATE, None)
            return
        try:
            env = envelope_from_bytes(data)
            if env.sender != self.partner:
                raise EnvelopeError(f"message from {env.sender} on {self.partner}'s stream")
        except EnvelopeError as exc:
            self._reject(pos, stream_seq, None, str(exc))
            return
        if env.index <= self.index_done:
            # A re-publication after the stream's duplicate window: applied already.
            view.duplicates += 1
            view.stream_seq = max(view.stream_seq, stream_seq)
            self.seq_done = max(self.seq_done, stream_seq)
            self.out[pos] = Receipt(Outcome.DUPLICATE, env.msg_id)
            return
        key = node.partner_keys.get(self.partner)
        if key is None:
            self._reject(pos, stream_seq, env, f"no public key for {self.partner}")
            return
        try:
            verified = verify_envelope(env, key, self.last)
        except VerificationError as exc:
            self._reject(pos, stream_seq, env, str(exc))
            return
        command = env.kind is Kind.COMMAND and env.event.payload.get("home") == node.centre
        receipt = node._receipt(env, stream_seq, verified)
        events = [receipt]
        if command:
            events += node._run_forwarded(env, base=node.ledger.size + 1)
        self._add(pos, Outcome.APPLIED, env.msg_id, None, events, receipt)
        self.index_done = env.index
        cp = verified.checkpoint
        if self.last is None or cp.size >= self.last.size:
            self.last = SeenCheckpoint(cp.size, cp.root)
        if command:
            # Recorded now: the home book of a later command must fold this one's events (only
            # a command changes this centre's cases; the receipts before it do not).
            self.flush()

    def _reject(self, pos: int, stream_seq: int, env: Envelope | None, error: str) -> None:
        payload: dict[str, Any] = {"from": self.partner, "stream_seq": stream_seq, "error": error}
        if env is not None:
            payload["msg_id"] = env.msg_id
            payload["sender_index"] = env.index
        event = Event(REJECTED, utcnow(), LINK_ACTOR, payload)
        self._add(pos, Outcome.REJECTED, env.msg_id if env else None, error, [event], None)

    def _add(
        self,
        pos: int,
        outcome: Outcome,
        msg_id: str | None,
        error: str | None,
        events: list[Event],
        receipt: Event | None,
    ) -> None:
        self.events += events
        self.meta.append((pos, outcome, msg_id, error, len(events), receipt))
        self.seq_done = max(self.seq_done, int(events[0].payload.get("stream_seq") or 0))

    def flush(self) -> None:
        """Record what waits, in one transaction, and fold it."""
        if not self.events:
            return
        indices = [int(i) for i in self.node.record(self.events)]
        self.node.refresh()
        k = 0
        for pos, outcome, msg_id, error, n, receipt in self.meta:
            self.out[pos] = Receipt(outcome, msg_id, tuple(indices[k : k + n]), error, receipt)
            k += n
        self.events, self.meta = [], []

    def receipts(self) -> list[Receipt]:
        out = [r for r in self.out if r is not None]
        assert len(out) == len(self.out), "every message has its receipt once flushed"
        return out


def default_lock_path(ledger_location: str | Path) -> Path:
    """``<ledger file>.fedlock``; for a database URL, a file in the temporary directory."""
    text = str(ledger_location)
    if text.startswith(("postgresql://", "postgres://")):
        import hashlib
        import tempfile

        digest = hashlib.sha256(text.encode()).hexdigest()[:16]
        return Path(tempfile.gettempdir()) / f"channelwatch-{digest}.fedlock"
    return Path(f"{text}.fedlock")


def _lazy_default_lookup() -> SarRegionLookup:
    """The region model's SAR-region lookup, loaded on first use (handovers never need it)."""
    loaded: list[SarRegionLookup] = []

    def lookup(lat: float, lon: float) -> str | None:
        if not loaded:
            from channelwatch.cases.srr import default_lookup

            loaded.append(default_lookup())
        return loaded[0](lat, lon)

    return lookup


class Node:
    """One coordination centre's side of the federation (see the module docstring)."""

    def __init__(
        self,
        centre: str,
        ledger: Ledger,
        *,
        partner_keys: Mapping[str, VerifierKey] | None = None,
        lock_path: Path | None = None,
        sar_region: SarRegionLookup | None = None,
        config: CaseBookConfig | None = None,
        recorder: Recorder | None = None,
    ) -> None:
        self.centre = check_centre(centre)
        self.ledger = ledger
        self.record: Recorder = recorder or ledger.append_many
        self.partner_keys = dict(partner_keys or {})
        for code in self.partner_keys:
            check_centre(code)
            if code == self.centre:
                raise FederationInputError(f"centre {code} cannot be its own partner")
        self.lock_path = lock_path or default_lock_path(ledger.backend.location)
        self.sar_region = sar_region or _lazy_default_lookup()
        self.config = config or CaseBookConfig()
        self.state = NodeState(self.centre)
        # Called with each applied message's receipt, under the lock, once it is recorded and
        # folded (a host catches its own views up here: nothing else writes meanwhile).
        self.on_applied: list[Callable[[Receipt], None]] = []
        for code in self.partner_keys:
            self.state.partner(code)
        self.refresh()

    # -- state -----------------------------------------------------------------------------

    def refresh(self) -> int:
        """Fold the entries appended since the last call (by this process or another)."""
        size = self.ledger.size
        start = self.state.seen
        while self.state.seen < size:
            stop = min(size, self.state.seen + READ_CHUNK)
            for entry in self.ledger.entries(self.state.seen, stop):
                self.state.apply(entry.index, entry.to_event())
        return self.state.seen - start

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the node's lock file (one writer of case events at a time), folded up to date."""
        fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            self.refresh()
            yield
        finally:
            os.close(fd)  # closing releases the lock

    def _book(self, events: list[Event], sink: Any) -> CaseBook:
        return CaseBook.rebuild(events, sink, self.sar_region, config=self.config)

    # -- receiving -------------------------------------------------------------------------

    def receive(self, partner: str, data: bytes, stream_seq: int) -> Receipt:
        """Apply one message of ``partner``'s stream (sequence ``stream_seq``), durably."""
        return self.receive_batch(partner, [(data, stream_seq)])[0]

    def receive_batch(self, partner: str, messages: Sequence[tuple[bytes, int]]) -> list[Receipt]:
        """Apply messages of ``partner``'s stream, in stream order, durably: one receipt each.

        They are recorded in one transaction (one commit, one fsync for the lot), except that
        what follows a partner's command on one of this centre's cases goes in another: the
        home book that runs a later command must see that command's events. The callbacks of
        :attr:`on_applied` run once everything is recorded and folded, still under the lock.
        """
        with self.locked():
            batch = _Batch(self, partner)
            for data, stream_seq in messages:
                batch.take(data, stream_seq)
            batch.flush()
            receipts = batch.receipts()
            for done in receipts:
                if done.outcome is Outcome.APPLIED:
                    for callback in self.on_applied:
                        callback(done)
        return receipts

    def _receipt(self, env: Envelope, stream_seq: int, verified: Verified) -> Event:
        cp = verified.checkpoint
        payload: dict[str, Any] = {
            "from": env.sender,
            "kind": str(env.kind),
            "msg_id": env.msg_id,
            "sender_index": env.index,
            "stream_seq": stream_seq,
            "leaf_hash": env.leaf_hash.hex(),
            "inclusion": [h.hex() for h in env.inclusion],
            "consistency": str(verified.consistency),
            "checkpoint": {
                "origin": cp.origin,
                "size": cp.size,
                "root": cp.root.hex(),
                "note": cp.text,
            },
            "event": event_to_dict(env.event),
        }
        inner_case = env.event.payload.get("case_id")
        if isinstance(inner_case, str):
            home = env.event.payload.get("home")
            if env.kind is Kind.COMMAND and home == self.centre:
                payload["case_id"] = inner_case.partition(":")[2] or inner_case
            else:
                payload["case_id"] = (
                    inner_case if ":" in inner_case else case_ref(env.sender, inner_case)
                )
        return Event(RECEIVED, utcnow(), LINK_ACTOR, payload)

    def _run_forwarded(self, env: Envelope, base: int) -> list[Event]:
        """Run a partner's command on one of this centre's cases; the events to record."""
        p = env.event.payload
        actor_doc = p.get("actor")
        if not isinstance(actor_doc, Mapping) or actor_doc.get("centre") != env.sender:
            # A partner acts in its own name only.
            return [self._refusal(env, f"the command's actor is not of {env.sender}")]
        actor = role_actor(env.sender, str(actor_doc.get("role") or "operator"))
        doc = p.get("command")
        try:
            if not isinstance(doc, Mapping):
                raise FederationInputError("the command is not an object")
            command = command_from_dict(doc, actor)
        except FederationInputError as exc:
            return [self._refusal(env, str(exc))]
        sink = _BufferSink(base)
        book = self._book(self.state.own_case_events, sink)
        with contextlib.suppress(CaseCommandError):  # the book records the refusal itself
            book.execute(command)
        return sink.events

    def _refusal(self, env: Envelope, error: str) -> Event:
        doc = env.event.payload.get("command")
        name = doc.get("name") if isinstance(doc, Mapping) else None
        case_id = doc.get("case_id") if isinstance(doc, Mapping) else None
        return Event(
            str(CaseEvent.COMMAND_REFUSED),
            utcnow(),
            env.event.actor,
            {
                "case_id": case_id if isinstance(case_id, str) else None,
                "actor": env.event.payload.get("actor"),
                "command": f"forwarded {name}",
                "error": error,
            },
        )

    def record_gap(self, partner: str, missing_from_seq: int, resume_seq: int) -> int:
        """Record that the partner's stream no longer holds ``missing_from_seq`` up to
        ``resume_seq - 1`` (expired by its retention): they can no longer be applied."""
        with self.locked():
            payload = {
                "from": partner,
                "missing_from_seq": missing_from_seq,
                "resume_seq": resume_seq,
            }
            index = int(self.record([Event(GAP, utcnow(), LINK_ACTOR, payload)])[0])
            self.refresh()
            return index

    # -- this centre's operators --------------------------------------------------------------

    def execute(self, command: Command) -> CommandResult:
        """Run a command on this centre's own cases (refusals are recorded and raised)."""
        if command.actor.centre not in (self.centre, "SYSTEM"):
            raise FederationInputError(
                f"{command.actor.tag} is not of {self.centre}: a partner acts through its node"
            )
        with self.locked():
            try:
                sink = _RecorderSink(self.record)
                return self._book(self.state.own_case_events, sink).execute(command)
            finally:
                self.refresh()

    def send_command(self, home: str, command: ForwardedCommand) -> int:
        """Record an operator's command on a case of ``home`` and queue it for sending.

        It is first run against the partner's case as shared here; a command that would be
        refused there is refused here (and recorded), not sent. Returns its ledger index.
        """
        check_centre(home)
        actor = command.actor
        if home == self.centre:
            raise FederationInputError(f"case {command.case_id} is this centre's: run it here")
        if actor.centre != self.centre:
            raise FederationInputError(f"{actor.tag} is not an operator of {self.centre}")
        ref = case_ref(home, command.case_id)
        with self.locked():
            view = self.state.partners.get(home)
            if view is None or command.case_id not in view.cases.cases:
                raise FederationInputError(f"no case {ref} has been shared with {self.centre}")
            shadow = replace(command, actor=role_actor(actor.centre, str(actor.role)))
            try:
                self._book(view.case_events, MemorySink()).execute(shadow)
            except CaseCommandError as exc:
                self.record(
                    [
                        Event(
                            str(CaseEvent.COMMAND_REFUSED),
                            command.time,
                            actor.tag,
                            {
                                "case_id": ref,
                                "actor": actor_to_dict(actor),
                                "command": f"{type(command).__name__} (to {home})",
                                "error": str(exc),
                            },
                        )
                    ]
                )
                self.refresh()
                raise
            payload = {
                "case_id": ref,
                "home": home,
                "command": command_to_dict(command),
                "actor": actor_to_dict(actor),
            }
            index = int(self.record([Event(COMMAND_SENT, command.time, actor.tag, payload)])[0])
            self.refresh()
            return index


def open_node(
    centre: str,
    ledger_location: str | Path,
    *,
    partner_keys: Mapping[str, VerifierKey] | None = None,
    key_path: Path | None = None,
    sar_region: SarRegionLookup | None = None,
) -> Node:
    """Open a centre's ledger (it must exist: ``channelwatch ledger init``) as a node."""
    ledger = Ledger.open(ledger_location, key_path=key_path)
    return Node(centre, ledger, partner_keys=partner_keys, sar_region=sar_region)
