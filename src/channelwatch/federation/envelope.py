"""The message between centres: one shared event, with what binds its sender to it.

An envelope carries the partner's copy of one event of the sender's ledger (see
:mod:`~channelwatch.federation.share`), the event's index in that ledger, the leaf hash of the
full entry there, an inclusion proof of that leaf in the sender's latest signed checkpoint, and a
consistency proof from the checkpoint of the sender's previous message. The receiver checks all
three with the sender's public key (exchanged out of band), so the sender cannot later show an
inquiry a different history from the one its partner saw.

Names on NATS: subject ``cw.<centre>.<kind>``, stream ``CW_<centre>`` (all of one centre's
subjects), message id ``<centre>-<ledger index>`` (``Nats-Msg-Id``: the stream drops a
re-publication inside its duplicate window; the receiver drops any later one by index).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from channelwatch.cases.codec import event_from_dict, event_to_dict
from channelwatch.errors import ChannelWatchError
from channelwatch.events import Event
from channelwatch.federation.errors import EnvelopeError, FederationInputError
from channelwatch.federation.share import Kind

VERSION: Final = 1
SUBJECT_ROOT: Final = "cw"
_CENTRE: Final = re.compile(r"^[A-Z]{2,8}$")


def check_centre(code: str) -> str:
    """A centre code: 2 to 8 capital letters (``FR``, ``GB``, ``BE``); it names subjects."""
    if not isinstance(code, str) or not _CENTRE.match(code):
        raise FederationInputError(f"centre code must be 2-8 capital letters, got {code!r}")
    return code


def subject(centre: str, kind: Kind | str) -> str:
    return f"{SUBJECT_ROOT}.{centre}.{kind}"


def stream_name(centre: str) -> str:
    return f"CW_{centre}"


def msg_id(centre: str, index: int) -> str:
    return f"{centre}-{index}"


@dataclass(frozen=True, slots=True)
class Envelope:
    """One message from ``sender``: the shared copy of its ledger entry ``index``."""

    sender: str
    kind: Kind
    index: int  # the event's index in the sender's ledger
    event: Event  # the partner's copy (stripped)
    leaf_hash: bytes  # of the full entry in the sender's ledger
    checkpoint: str  # the sender's signed checkpoint (a note) covering ``index``
    inclusion: tuple[bytes, ...]  # audit path of ``index`` in the checkpoint's tree
    previous_size: int | None = None  # tree size of the checkpoint of the previous message
    consistency: tuple[bytes, ...] = ()  # proof from ``previous_size`` to this checkpoint

    @property
    def msg_id(self) -> str:
        return msg_id(self.sender, self.index)

    @property
    def subject(self) -> str:
        return subject(self.sender, self.kind)

    def to_dict(self) -> dict[str, Any]:
        return {
            "v": VERSION,
            "sender": self.sender,
            "kind": str(self.kind),
            "index": self.index,
            "event": event_to_dict(self.event),
            "leaf_hash": self.leaf_hash.hex(),
            "checkpoint": self.checkpoint,
            "inclusion": [h.hex() for h in self.inclusion],
            "previous_size": self.previous_size,
            "consistency": [h.hex() for h in self.consistency],
        }

    def to_bytes(self) -> bytes:
        return json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":")).encode()


def _hexes(value: Any, what: str) -> tuple[bytes, ...]:
    if not isinstance(value, list):
        raise EnvelopeError(f"{what} must be a list of hex strings")
    try:
        return tuple(bytes.fromhex(v) for v in value)
    except (TypeError, ValueError):
        raise EnvelopeError(f"{what} holds a value that is not hex") from None


def _int(doc: Mapping[str, Any], key: str, optional: bool = False) -> int | None:
    v = doc.get(key)
    if v is None and optional:
        return None
    if isinstance(v, bool) or not isinstance(v, int) or v < 0:
        raise EnvelopeError(f"envelope field {key!r} must be an integer >= 0, got {v!r}")
    return v


def envelope_from_dict(doc: Any) -> Envelope:
    """Parse an envelope; EnvelopeError names what is wrong."""
    if not isinstance(doc, Mapping):
        raise EnvelopeError("an envelope must be a JSON object")
    if doc.get("v") != VERSION:
        raise EnvelopeError(f"envelope version {doc.get('v')!r} is not {VERSION}")
    try:
        sender = check_centre(str(doc.get("sender")))
        kind = Kind(str(doc.get("kind")))
    except (FederationInputError, ValueError) as exc:
        raise EnvelopeError(f"envelope sender or kind is invalid: {exc}") from None
    index = _int(doc, "index")
    assert index is not None
    try:
        event = event_from_dict(doc.get("event") or {})
    except ChannelWatchError as exc:
        raise EnvelopeError(f"envelope event: {exc}") from None
    try:
        leaf = bytes.fromhex(str(doc.get("leaf_hash")))
    except ValueError:
        raise EnvelopeError("envelope leaf_hash is not hex") from None
    if len(leaf) != 32:
        raise EnvelopeError(f"envelope leaf_hash has {len(leaf)} bytes, not 32")
    checkpoint = doc.get("checkpoint")
    if not isinstance(checkpoint, str):
        raise EnvelopeError("envelope checkpoint must be a signed note (text)")
    return Envelope(
        sender=sender,
        kind=kind,
        index=index,
        event=event,
        leaf_hash=leaf,
        checkpoint=checkpoint,
        inclusion=_hexes(doc.get("inclusion"), "inclusion"),
        previous_size=_int(doc, "previous_size", optional=True),
        consistency=_hexes(doc.get("consistency", []), "consistency"),
    )


def envelope_from_bytes(data: bytes) -> Envelope:
    try:
        doc = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise EnvelopeError(f"message is not JSON: {exc}") from None
    return envelope_from_dict(doc)
