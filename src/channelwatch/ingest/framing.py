"""How one line of an AIS feed is framed, parsed line by line: the reference the bulk path follows.

A line may carry, in this order: a shore-log prefix ``YYYY-MM-DD HH:MM:SS, `` (local time of
the receiver), an NMEA 4 tag block ``\\c:...,s:...*hh\\``, then one sentence: an AIS
``!AIVDM``/``!AIVDO`` sentence, a Gatehouse ``$PGHP`` timestamp, another NMEA sentence (ignored)
or a ``#`` comment. After an AIS sentence's checksum some receivers append their own fields
(``,1327664977`` or ``,s28089,d-103,...,1242958962``); a 10-digit integer there is the
receiver's UNIX time.

:func:`parse_line` classifies a line and returns offsets into it; :mod:`.scan` does the same for
a whole buffer of the common lines at once and hands everything else to :func:`parse_line`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import IntEnum
from typing import Final


class LineKind(IntEnum):
    BLANK = 0
    COMMENT = 1
    OTHER = 2  # another NMEA sentence: not an error, not AIS
    STAMP = 3  # a $PGHP timestamp sentence
    AIS = 4  # a well-formed AIS sentence with a valid checksum
    MALFORMED = 5
    CHECKSUM = 6  # an AIS (or $PGHP) sentence whose checksum is missing or wrong


MAX_PAYLOAD_CHARS: Final = 200  # longer than any 5-slot message; pyais uses the same bound
_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)
_PREFIX: Final = re.compile(rb"(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d), ?")
_WS: Final = b" \t\r\n\x0b\x0c"
_HEX: Final = frozenset(b"0123456789abcdefABCDEF")
_DIGITS: Final = frozenset(b"0123456789")
_ARMOUR: Final = frozenset(bytes([*range(48, 88), *range(96, 120)]))


@dataclass(frozen=True, slots=True)
class TagInfo:
    """What an NMEA 4 tag block says: receiver time (UNIX s), source station, checksum OK."""

    time_s: float | None
    source: str | None
    checksum_ok: bool


@dataclass(slots=True)
class ParsedLine:
    """A classified line. Offsets are into the line; AIS fields are set only for AIS lines."""

    kind: LineKind
    utc_s: float | None = None  # time carried by the tag block, $PGHP or trailing field
    local_s: float | None = None  # prefix time, seconds since 1970 as if local were UTC
    source: str | None = None
    tag_ok: bool = True
    start: int = 0  # the sentence's delimiter ('!')
    chan: tuple[int, int] = (0, 0)
    payload: tuple[int, int] = (0, 0)
    fill: int = 0
    count: int = 0
    number: int = 0
    seq: int = -1


def naive_epoch_s(
    year: int, month: int, day: int, hour: int, minute: int, second: int, us: int = 0
) -> float:
    """Seconds since 1970 of a wall-clock time read as UTC; raises ValueError if invalid."""
    t = datetime(year, month, day, hour, minute, second, us, tzinfo=UTC)
    return (t - _EPOCH).total_seconds()


def parse_tag_block(tag: bytes) -> TagInfo:
    """Parse the inside of a tag block (``c:1418169601,s:station*hh``). Never raises.

    ``c`` is the receiver's UNIX time in seconds (values past the year 5138 are taken as
    milliseconds). A missing or wrong checksum is reported, not fatal: several real feeds
    write ``*00`` on every block.
    """
    body, star, check = tag.rpartition(b"*")
    if not star:
        body, check = tag, b""
    ok = bool(check) and len(check) <= 2 and set(check) <= _HEX
    if ok:
        x = 0
        for b in body:
            x ^= b
        ok = x == int(check, 16)
    time_s: float | None = None
    source: str | None = None
    for part in body.split(b","):
        key, colon, value = part.partition(b":")
        if not colon:
            continue
        if key == b"c" and value and set(value) <= _DIGITS and len(value) <= 16:
            v = int(value)
            time_s = v / 1000.0 if v > 10**11 else float(v)
        elif key == b"s" and value:
            source = value.decode("ascii", "replace")
    return TagInfo(time_s, source, ok)


def parse_trailer(trailer: bytes) -> float | None:
    """Receiver fields after an AIS checksum: the first 10-digit integer is its UNIX time."""
    for part in trailer.split(b","):
        if len(part) == 10 and set(part) <= _DIGITS:
            return float(int(part))
    return None


def parse_pghp(fields: list[bytes]) -> float | None:
    """UTC time (UNIX s) of a Gatehouse ``$PGHP,1,yyyy,mm,dd,hh,mm,ss,ms,...`` sentence."""
    if len(fields) < 9 or fields[1] != b"1":
        return None
    try:
        y, mo, d, h, mi, s, ms = (int(f) for f in fields[2:9])
        return naive_epoch_s(y, mo, d, h, mi, s, ms * 1000)
    except ValueError:
        return None


def _xor(data: bytes) -> int:
    x = 0
    for b in data:
        x ^= b
    return x


def _small_int(field: bytes) -> int | None:
    return int(field) if field and len(field) <= 4 and set(field) <= _DIGITS else None


def parse_line(line: bytes) -> ParsedLine:
    """Classify one line of a feed (without its newline) and locate its parts. Never raises."""
    a = len(line) - len(line.lstrip(_WS))
    b = len(line.rstrip(_WS))
    if a >= b:
        return ParsedLine(LineKind.BLANK)
    if line[a] == 0x23:  # '#': a comment may hold anything
        return ParsedLine(LineKind.COMMENT)
    if not line[a:b].isascii():
        return ParsedLine(LineKind.MALFORMED)
    local_s: float | None = None
    m = _PREFIX.match(line, a)
    if m:
        try:
            local_s = naive_epoch_s(*(int(g) for g in m.groups()))
        except ValueError:
            return ParsedLine(LineKind.MALFORMED)
        a = m.end()
    tag: TagInfo | None = None
    if a < b and line[a] == 0x5C:  # backslash: NMEA 4 tag block
        close = line.find(b"\\", a + 1, b)
        if close < 0:
            return ParsedLine(LineKind.MALFORMED)
        tag = parse_tag_block(line[a + 1 : close])
        a = close + 1
    parsed = _parse_sentence(line, a, b)
    parsed.local_s = local_s
    if tag is not None:
        parsed.tag_ok = tag.checksum_ok
        parsed.source = tag.source
        if tag.time_s is not None:
            parsed.utc_s = tag.time_s
    return parsed


def _parse_sentence(line: bytes, a: int, b: int) -> ParsedLine:
    if a >= b:
        return ParsedLine(LineKind.MALFORMED)
    first = line[a]
    if first == 0x23:  # '#'
        return ParsedLine(LineKind.COMMENT)
    if first not in (0x21, 0x24):  # '!' or '$'
        return ParsedLine(LineKind.MALFORMED)
    star = line.find(b"*", a, b)
    head_end = star if star >= 0 else b
    fields = line[a:head_end].split(b",")
    tag = fields[0]
    is_ais = len(tag) == 6 and tag[3:].upper() in (b"VDM", b"VDO")
    is_pghp = tag.upper() == b"$PGHP"
    if not (is_ais or is_pghp):
        return ParsedLine(LineKind.OTHER)
    if is_ais and len(fields) != 7:
        return ParsedLine(LineKind.MALFORMED)
    if star < 0:
        return ParsedLine(LineKind.CHECKSUM)
    check, _, trailer = line[star + 1 : b].partition(b",")
    if not (1 <= len(check) <= 2 and set(check) <= _HEX):
        return ParsedLine(LineKind.CHECKSUM)
    if _xor(line[a + 1 : star]) != int(check, 16):
        return ParsedLine(LineKind.CHECKSUM)
    if is_pghp:
        t = parse_pghp(fields)
        if t is None:
            return ParsedLine(LineKind.MALFORMED)
        return ParsedLine(LineKind.STAMP, utc_s=t)
    return _parse_ais(line, a, star, fields, trailer)


def _parse_ais(line: bytes, a: int, star: int, fields: list[bytes], trailer: bytes) -> ParsedLine:
    count = _small_int(fields[1])
    number = _small_int(fields[2])
    seq = _small_int(fields[3]) if fields[3] else -1
    fill = _small_int(fields[6])
    payload = fields[5]
    if (
        count is None
        or number is None
        or seq is None
        or fill is None
        or not 1 <= count <= 9
        or not 1 <= number <= count
        or fill > 5
        or len(payload) > MAX_PAYLOAD_CHARS
        or not set(payload) <= _ARMOUR
    ):
        return ParsedLine(LineKind.MALFORMED)
    # Offsets of channel and payload: after the 4th and 5th commas of the sentence.
    c4 = a + sum(len(f) + 1 for f in fields[:4])
    c5 = c4 + len(fields[4]) + 1
    return ParsedLine(
        LineKind.AIS,
        utc_s=parse_trailer(trailer) if trailer else None,
        start=a,
        chan=(c4, c5 - 1),
        payload=(c5, c5 + len(payload)),
        fill=fill,
        count=count,
        number=number,
        seq=seq,
    )
