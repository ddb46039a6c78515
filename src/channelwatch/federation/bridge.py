"""The edge between the federation and a server's in-process bus (:mod:`channelwatch.bus`).

Outbound, nothing bypasses the ledger: what a centre shares is what it recorded, so a server
records its shared track picture as a ``track.picture`` event now and then
(:func:`track_picture_event`), and its contacts, calls and case events are recorded anyway.
Inbound, each message applied by the node (``Node.on_applied``) becomes one bus message for the
live picture (:func:`bus_message`): topic ``tracks``, ``contacts`` or ``cases``, type
``partner_<kind>``, audience ALL (the partner's copy is already stripped).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, Final

from channelwatch.bus.base import Audience, Message
from channelwatch.events import Event
from channelwatch.federation.share import RECEIVED, TRACK_KEYS, TRACK_PICTURE, Kind, is_internal

TOPICS: Final = {
    Kind.TRACK: "tracks",
    Kind.CONTACT: "contacts",
    Kind.CASE: "cases",
    Kind.HANDOVER: "cases",
    Kind.COMMAND: "cases",
}


def track_picture_event(
    tracks: Iterable[Mapping[str, Any]], time: datetime, actor: str = "SYSTEM/tracker"
) -> Event:
    """A centre's shareable track picture at ``time`` as an event to record (then shared):
    tracks marked internal are left out, and only the listed fields are kept."""
    kept = [{k: v for k, v in t.items() if k in TRACK_KEYS} for t in tracks if not is_internal(t)]
    return Event(TRACK_PICTURE, time, actor, {"time": time.isoformat(), "tracks": kept})


def bus_message(receipt: Event) -> Message | None:
    """The live update for a ``federation.received`` entry (None for anything else)."""
    if receipt.type != RECEIVED:
        return None
    p = receipt.payload
    try:
        kind = Kind(str(p.get("kind")))
    except ValueError:
        return None
    return Message(
        topic=TOPICS[kind],
        type=f"partner_{kind}",
        data={
            "from": p.get("from"),
            "case_id": p.get("case_id"),
            "sender_index": p.get("sender_index"),
            "event": p.get("event"),
        },
        audience=Audience.ALL,
    )
