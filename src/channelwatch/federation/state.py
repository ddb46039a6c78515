"""A centre's federation state: the fold of its own ledger, entry by entry (pure, no I/O).

A node keeps nothing the ledger does not hold. From its entries it knows its own cases (the case
events its book recorded), and per partner: the partner's cases as the partner shared them (the
events inside ``federation.received`` entries, folded the same way), the partner's latest track
picture and contacts, how far it has applied the partner's stream (stream sequence and sender
ledger index: both only grow, so they are the store of applied message ids), and the partner's
latest verified checkpoint. Folding the ledger again after a crash gives the same state.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from channelwatch.cases.codec import event_from_dict
from channelwatch.cases.errors import HistoryError
from channelwatch.cases.fold import CaseState
from channelwatch.cases.kinds import CASE_EVENT_TYPES, CaseEvent
from channelwatch.errors import ChannelWatchError
from channelwatch.events import Event
from channelwatch.federation.share import (
    COMMAND_SENT,
    GAP,
    RECEIVED,
    REJECTED,
    Kind,
)
from channelwatch.federation.verify import SeenCheckpoint

MAX_CONTACTS = 1000  # a partner's most recent contacts kept in memory (all are in the ledger)


@dataclass(slots=True)
class PartnerView:
    """What one centre holds of one partner."""

    centre: str
    cases: CaseState = field(default_factory=CaseState)
    case_events: list[Event] = field(default_factory=list)  # the partner's shared case events
    stream_seq: int = 0  # last stream sequence handled (applied, rejected or skipped)
    sender_index: int = -1  # highest index of the partner's ledger applied here
    checkpoint: SeenCheckpoint | None = None
    received: int = 0
    rejected: int = 0
    duplicates: int = 0  # skipped in this process (not recorded: they change nothing)
    gaps: int = 0
    mirror_errors: list[str] = field(default_factory=list)
    tracks: Mapping[str, Any] | None = None  # the latest track picture
    contacts: deque[Mapping[str, Any]] = field(default_factory=lambda: deque(maxlen=MAX_CONTACTS))
    by_kind: dict[str, int] = field(default_factory=dict)
    refusals: list[Mapping[str, Any]] = field(default_factory=list)  # of this centre's commands

    def summary(self) -> dict[str, Any]:
        return {
            "centre": self.centre,
            "received": self.received,
            "by_kind": dict(sorted(self.by_kind.items())),
            "rejected": self.rejected,
            "gaps": self.gaps,
            "stream_seq": self.stream_seq,
            "sender_index": self.sender_index,
            "checkpoint_size": self.checkpoint.size if self.checkpoint else None,
            "cases": len(self.cases.cases),
            "tracks": len(self.tracks.get("tracks", [])) if self.tracks else 0,
            "contacts": len(self.contacts),
            "mirror_errors": list(self.mirror_errors),
            "refusals": list(self.refusals),
        }


@dataclass(slots=True)
class NodeState:
    """The fold of a centre's ledger (see the module docstring)."""

    centre: str
    own: CaseState = field(default_factory=CaseState)
    own_case_events: list[Event] = field(default_factory=list)
    partners: dict[str, PartnerView] = field(default_factory=dict)
    commands_sent: list[Mapping[str, Any]] = field(default_factory=list)
    seen: int = 0  # ledger entries folded so far
    own_errors: list[str] = field(default_factory=list)

    def partner(self, centre: str) -> PartnerView:
        view = self.partners.get(centre)
        if view is None:
            view = self.partners[centre] = PartnerView(centre)
        return view

    def apply(self, index: int, event: Event) -> None:
        """Fold ledger entry ``index`` (entries must come in order, each once)."""
        if index != self.seen:
            raise ValueError(f"ledger entry {index} folded out of order (expected {self.seen})")
        self.seen += 1
        t = event.type
        if t in CASE_EVENT_TYPES:
            case_id = event.payload.get("case_id")
            if isinstance(case_id, str) and ":" in case_id:
                return  # a refusal of this centre's command on a partner's case: a record only
            try:
                self.own.apply(event)
                self.own_case_events.append(event)
            except HistoryError as exc:
                self.own_errors.append(f"entry {index}: {exc}")
        elif t == RECEIVED:
            self._received(index, event.payload)
        elif t == REJECTED:
            view = self.partner(str(event.payload.get("from")))
            view.rejected += 1
            view.stream_seq = max(view.stream_seq, int(event.payload.get("stream_seq") or 0))
        elif t == GAP:
            view = self.partner(str(event.payload.get("from")))
            view.gaps += 1
            view.stream_seq = max(view.stream_seq, int(event.payload.get("resume_seq", 1)) - 1)
        elif t == COMMAND_SENT:
            self.commands_sent.append({"index": index, **event.payload})

    def _received(self, index: int, p: Mapping[str, Any]) -> None:
        view = self.partner(str(p.get("from")))
        view.received += 1
        kind = str(p.get("kind"))
        view.by_kind[kind] = view.by_kind.get(kind, 0) + 1
        view.stream_seq = max(view.stream_seq, int(p.get("stream_seq") or 0))
        view.sender_index = max(view.sender_index, int(p.get("sender_index", -1)))
        cp = p.get("checkpoint")
        if isinstance(cp, Mapping):
            size = int(cp.get("size", 0))
            if view.checkpoint is None or size >= view.checkpoint.size:
                view.checkpoint = SeenCheckpoint(size, bytes.fromhex(str(cp.get("root"))))
        try:
            inner = event_from_dict(p.get("event") or {})
        except ChannelWatchError as exc:
            view.mirror_errors.append(f"entry {index}: {exc}")
            return
        if kind in (Kind.CASE, Kind.HANDOVER):
            if inner.type == CaseEvent.COMMAND_REFUSED:
                view.refusals.append({"index": index, **inner.payload})
                return
            try:
                view.cases.apply(inner)
                view.case_events.append(inner)
            except HistoryError as exc:
                view.mirror_errors.append(f"entry {index}: {exc}")
        elif kind == Kind.TRACK:
            view.tracks = inner.payload
        elif kind == Kind.CONTACT:
            # With the receipt's index and time: a host can rebuild its rows of the latest ones.
            view.contacts.append(
                {
                    **inner.payload,
                    "type": inner.type,
                    "actor": inner.actor,
                    "event_time": inner.time.isoformat(),
                    "ledger_index": index,
                    "sender_index": p.get("sender_index"),
                }
            )

    def summary(self) -> dict[str, Any]:
        from channelwatch.cases.codec import case_to_dict

        return {
            "centre": self.centre,
            "ledger_size": self.seen,
            "own_cases": [case_to_dict(c) for c in self.own.cases.values()],
            "partners": {
                code: {
                    **view.summary(),
                    "cases_detail": [case_to_dict(c) for c in view.cases.cases.values()],
                }
                for code, view in sorted(self.partners.items())
            },
            "commands_sent": [dict(c) for c in self.commands_sent],
            "own_errors": list(self.own_errors),
        }
