"""A ledger entry: an Event as canonical JSON bytes, and back.

The bytes are ``{"actor":…,"payload":…,"policy_hash":…,"time":…,"type":…}`` in canonical JSON
(see :mod:`channelwatch.ledger.canonical`); the leaf hash of the Merkle tree is taken over exactly
these bytes. The entry's position (its index) is not inside it: the tree fixes the position.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from channelwatch.events import Event
from channelwatch.ledger.canonical import (
    canonical_text,
    format_time,
    json_string,
    parse_time,
    utf8,
)
from channelwatch.ledger.errors import LedgerInputError

MAX_ENTRY_BYTES = 1 << 20  # one event is a record, not a file store
ENTRY_KEYS = ("actor", "payload", "policy_hash", "time", "type")
CASE_KEY = "case_id"


@dataclass(frozen=True, slots=True)
class EncodedEntry:
    """An entry ready to be sequenced: its canonical bytes and its case id (indexed)."""

    data: bytes
    case_id: str | None


@dataclass(frozen=True, slots=True)
class Entry:
    """An entry read back from the ledger, with its index."""

    index: int
    type: str
    time: datetime
    actor: str
    payload: Mapping[str, Any]
    policy_hash: str | None
    data: bytes

    @property
    def case_id(self) -> str | None:
        value = self.payload.get(CASE_KEY)
        return value if isinstance(value, str) else None

    def to_event(self) -> Event:
        return Event(self.type, self.time, self.actor, self.payload, self.policy_hash)


def encode_event(event: Event) -> EncodedEntry:
    """The canonical entry of an event; LedgerInputError names what cannot be recorded."""
    payload = event.payload
    case_id = payload.get(CASE_KEY)
    if case_id is not None and type(case_id) is not str:
        raise LedgerInputError(f"payload.case_id must be a string, got {case_id!r}")
    if event.policy_hash is not None and type(event.policy_hash) is not str:
        raise LedgerInputError(f"policy_hash must be a string, got {event.policy_hash!r}")
    # The envelope's keys are fixed and already in order: write it directly around the
    # payload's canonical text (the same bytes as encoding the whole object, a fifth faster).
    policy = "null" if event.policy_hash is None else json_string(event.policy_hash)
    data = utf8(
        f'{{"actor":{json_string(event.actor)},"payload":{canonical_text(payload, "payload")},'
        f'"policy_hash":{policy},"time":"{format_time(event.time)}",'
        f'"type":{json_string(event.type)}}}',
        "event",
    )
    if len(data) > MAX_ENTRY_BYTES:
        raise LedgerInputError(
            f"event of type {event.type!r} is {len(data)} bytes as JSON, over the "
            f"{MAX_ENTRY_BYTES} byte limit"
        )
    return EncodedEntry(data, case_id)


def decode_entry(index: int, data: bytes) -> Entry:
    """Parse stored entry bytes; LedgerInputError if they are not a well-formed entry."""
    try:
        doc = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise LedgerInputError(f"entry {index} is not JSON: {exc}") from None
    if not isinstance(doc, dict) or tuple(sorted(doc)) != ENTRY_KEYS:
        raise LedgerInputError(f"entry {index} does not have exactly the keys {ENTRY_KEYS}")
    kind, actor, payload, policy = doc["type"], doc["actor"], doc["payload"], doc["policy_hash"]
    if not isinstance(kind, str) or not kind or not isinstance(actor, str) or not actor:
        raise LedgerInputError(f"entry {index} has an empty or non-string type or actor")
    if not isinstance(payload, dict):
        raise LedgerInputError(f"entry {index} payload is not an object")
    if policy is not None and not isinstance(policy, str):
        raise LedgerInputError(f"entry {index} policy_hash is not a string")
    time = parse_time(doc["time"]) if isinstance(doc["time"], str) else None
    if time is None:
        raise LedgerInputError(f"entry {index} time is not a string")
    return Entry(index, kind, time, actor, payload, policy, data)


def event_from_json(doc: Any, default_time: datetime) -> Event:
    """An Event from a JSON object as given on the command line (``time`` optional)."""
    if not isinstance(doc, dict):
        raise LedgerInputError(f"an event must be a JSON object, got {type(doc).__name__}")
    unknown = set(doc) - set(ENTRY_KEYS)
    if unknown:
        raise LedgerInputError(f"unknown event keys {sorted(unknown)}; allowed: {ENTRY_KEYS}")
    for key in ("type", "actor"):
        if not isinstance(doc.get(key), str):
            raise LedgerInputError(f"event {key!r} must be a string, got {doc.get(key)!r}")
    time_text = doc.get("time")
    if time_text is None:
        time = default_time
    elif isinstance(time_text, str):
        time = parse_time(time_text)
    else:
        raise LedgerInputError(f"event time must be an ISO 8601 string, got {time_text!r}")
    payload = doc.get("payload", {})
    if not isinstance(payload, dict):
        raise LedgerInputError(f"event payload must be an object, got {payload!r:.80}")
    policy = doc.get("policy_hash")
    if policy is not None and not isinstance(policy, str):
        raise LedgerInputError(f"event policy_hash must be a string, got {policy!r}")
    return Event(doc["type"], time, doc["actor"], payload, policy)
