"""Writing AIS as NMEA 0183: payload armour by pyais, sentences and NMEA 4 tag blocks here.

For the simulator and for tests: :func:`encode_message` turns pyais-named fields into the lines
a receiver would emit, each with a tag block carrying the time (``c:``) and the station
(``s:``) when given, split into fragments of at most 60 payload characters.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Final

MAX_FRAGMENT_CHARS: Final = 60  # keeps every sentence within NMEA's 82 characters


def checksum(body: str) -> str:
    """NMEA checksum (XOR of every character) as two upper-case hex digits."""
    x = 0
    for ch in body.encode("ascii"):
        x ^= ch
    return f"{x:02X}"


def tag_block(time: datetime | None = None, source: str | None = None) -> str:
    r"""``\c:<unix s>,s:<station>*hh\``, or "" when there is nothing to say."""
    parts = []
    if time is not None:
        parts.append(f"c:{int(time.timestamp())}")
    if source:
        parts.append(f"s:{source}")
    if not parts:
        return ""
    body = ",".join(parts)
    return f"\\{body}*{checksum(body)}\\"


def sentences(
    payload: str,
    fill: int,
    *,
    channel: str = "A",
    talker: str = "AIVDM",
    seq_id: int | None = None,
    max_chars: int = MAX_FRAGMENT_CHARS,
) -> list[str]:
    """The ``!AIVDM`` sentences of one armoured payload (several if it is long)."""
    parts = [payload[i : i + max_chars] for i in range(0, len(payload), max_chars)] or [""]
    count = len(parts)
    seq = "" if count == 1 and seq_id is None else str((seq_id or 0) % 10)
    out = []
    for k, part in enumerate(parts, start=1):
        f = fill if k == count else 0
        body = f"{talker},{count},{k},{seq},{channel},{part},{f}"
        out.append(f"!{body}*{checksum(body)}")
    return out


def payload_of(fields: Mapping[str, Any]) -> tuple[str, int]:
    """Armoured payload and fill bits of a message given by pyais field names."""
    from pyais.encode import data_to_payload, get_ais_type

    data = dict(fields)
    payload, fill = data_to_payload(get_ais_type(data), data).encode()
    return payload, fill


def encode_message(
    fields: Mapping[str, Any],
    *,
    time: datetime | None = None,
    source: str | None = None,
    channel: str = "A",
    seq_id: int | None = None,
) -> list[str]:
    """The lines (tag block + sentence) of one message."""
    payload, fill = payload_of(fields)
    tag = tag_block(time, source)
    return [tag + s for s in sentences(payload, fill, channel=channel, seq_id=seq_id)]
