"""Classify every line of a buffer at once with numpy; the rare odd line goes to :mod:`.framing`.

The bulk path accepts only lines it can fully vouch for: a sentence ``!ttVDM,n,k,s,c,payload,f*hh``
(optionally after a shore-log prefix, a tag block or followed by receiver fields) with ASCII
bytes, a valid checksum and valid armour. Every other line is parsed by
:func:`channelwatch.ingest.framing.parse_line`, so both paths give the same table.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

import numpy as np
import numpy.typing as npt

from channelwatch.ingest.framing import (
    MAX_PAYLOAD_CHARS,
    LineKind,
    ParsedLine,
    parse_line,
    parse_tag_block,
    parse_trailer,
)
from channelwatch.ingest.sixbit import ARMOUR_VALID, I64, U8

F64 = npt.NDArray[np.float64]

_PREFIX_LEN: Final = 21  # "YYYY-MM-DD HH:MM:SS, "
_PREFIX_DIGITS: Final = np.array([0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18])
_PREFIX_PUNCT: Final = {4: ord("-"), 7: ord("-"), 10: ord(" "), 13: ord(":"), 16: ord(":"),
                        19: ord(","), 20: ord(" ")}  # fmt: skip


def _hex_table() -> U8:
    t = np.full(256, 255, dtype=np.uint8)
    for i, c in enumerate(b"0123456789ABCDEF"):
        t[c] = i
    for i, c in enumerate(b"abcdef"):
        t[c] = 10 + i
    return t


_HEX: Final = _hex_table()
_SPACE: Final = np.zeros(256, dtype=np.bool_)
_SPACE[list(b" \t\r\x0b\x0c")] = True
_UPPER: Final = np.zeros(256, dtype=np.bool_)
_UPPER[ord("A") : ord("Z") + 1] = True
_CHANNEL: Final = _UPPER.copy()
_CHANNEL[ord("a") : ord("z") + 1] = True
_CHANNEL[ord("0") : ord("9") + 1] = True


@dataclass(slots=True)
class LineTable:
    """Per-line results for a buffer. Offsets are absolute positions in the buffer."""

    n: int
    kind: npt.NDArray[np.int8]
    utc_s: F64
    local_s: F64
    source: npt.NDArray[np.int32]  # index into ``sources``, -1 for none
    tag_ok: npt.NDArray[np.bool_]
    line_start: I64
    line_end: I64
    start: I64
    chan_a: I64
    chan_b: I64
    pay_a: I64
    pay_b: I64
    fill: npt.NDArray[np.int8]
    count: npt.NDArray[np.int8]
    number: npt.NDArray[np.int8]
    seq: npt.NDArray[np.int16]
    sources: list[str] = field(default_factory=list)

    @classmethod
    def empty(cls, starts: I64, ends: I64) -> LineTable:
        n = len(starts)
        z = np.zeros(n, dtype=np.int64)
        return cls(
            n=n,
            kind=np.full(n, LineKind.MALFORMED, dtype=np.int8),
            utc_s=np.full(n, np.nan),
            local_s=np.full(n, np.nan),
            source=np.full(n, -1, dtype=np.int32),
            tag_ok=np.ones(n, dtype=np.bool_),
            line_start=starts,
            line_end=ends,
            start=z.copy(),
            chan_a=z.copy(),
            chan_b=z.copy(),
            pay_a=z.copy(),
            pay_b=z.copy(),
            fill=np.zeros(n, dtype=np.int8),
            count=np.zeros(n, dtype=np.int8),
            number=np.zeros(n, dtype=np.int8),
            seq=np.full(n, -1, dtype=np.int16),
        )

    def source_code(self, name: str) -> int:
        try:
            return self.sources.index(name)
        except ValueError:
            self.sources.append(name)
            return len(self.sources) - 1

    def set_parsed(self, i: int, p: ParsedLine) -> None:
        """Store the reference parse of line ``i`` (offsets relative to the line)."""
        base = int(self.line_start[i])
        self.kind[i] = p.kind
        self.utc_s[i] = np.nan if p.utc_s is None else p.utc_s
        self.local_s[i] = np.nan if p.local_s is None else p.local_s
        self.source[i] = -1 if p.source is None else self.source_code(p.source)
        self.tag_ok[i] = p.tag_ok
        if p.kind == LineKind.AIS:
            self.start[i] = base + p.start
            self.chan_a[i], self.chan_b[i] = base + p.chan[0], base + p.chan[1]
            self.pay_a[i], self.pay_b[i] = base + p.payload[0], base + p.payload[1]
            self.fill[i], self.count[i], self.number[i] = p.fill, p.count, p.number
            self.seq[i] = p.seq


def split_lines(buf: U8) -> tuple[I64, I64]:
    """Start and end (exclusive, trailing whitespace removed) of each line; ``buf`` ends in \\n."""
    nl = np.flatnonzero(buf == 10).astype(np.int64)
    starts = np.empty(len(nl), dtype=np.int64)
    if len(nl):
        starts[0] = 0
        starts[1:] = nl[:-1] + 1
    ends = nl.copy()
    for _ in range(4):  # CR and the odd trailing space; the reference parse handles the rest
        m = (ends > starts) & _SPACE[buf[np.maximum(ends - 1, 0)]]
        if not m.any():
            break
        ends[m] -= 1
    return starts, ends


def reference_table(data: bytes, starts: I64, ends: I64) -> LineTable:
    """Every line parsed by the line-by-line reference."""
    table = LineTable.empty(starts, ends)
    for i, (a, b) in enumerate(zip(starts.tolist(), ends.tolist(), strict=True)):
        table.set_parsed(i, parse_line(data[a:b]))
    return table


def _prefix_mask(buf: U8, starts: I64, ends: I64) -> tuple[npt.NDArray[np.bool_], F64]:
    """Lines opening with the shore-log prefix, and its wall-clock time as seconds since 1970."""
    n = len(starts)
    local = np.full(n, np.nan)
    cand = np.flatnonzero((ends - starts > _PREFIX_LEN) & (buf[starts] >= 48) & (buf[starts] <= 57))
    mask = np.zeros(n, dtype=np.bool_)
    if not len(cand):
        return mask, local
    head = np.lib.stride_tricks.sliding_window_view(buf, _PREFIX_LEN)[starts[cand]]
    ok = np.ones(len(cand), dtype=np.bool_)
    for col, ch in _PREFIX_PUNCT.items():
        ok &= head[:, col] == ch
    digits = head[:, _PREFIX_DIGITS].astype(np.int64) - 48
    ok &= ((digits >= 0) & (digits <= 9)).all(axis=1)
    d = digits
    year = d[:, 0] * 1000 + d[:, 1] * 100 + d[:, 2] * 10 + d[:, 3]
    month = d[:, 4] * 10 + d[:, 5]
    day = d[:, 6] * 10 + d[:, 7]
    hour = d[:, 8] * 10 + d[:, 9]
    minute = d[:, 10] * 10 + d[:, 11]
    second = d[:, 12] * 10 + d[:, 13]
    leap = ((year % 4 == 0) & (year % 100 != 0)) | (year % 400 == 0)
    mdays = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])[np.clip(month, 0, 12)]
    mdays = mdays + ((month == 2) & leap)
    ok &= (year >= 1) & (month >= 1) & (month <= 12) & (day >= 1) & (day <= mdays)
    ok &= (hour <= 23) & (minute <= 59) & (second <= 59)
    days = _days_from_civil(year, month, day)
    secs = days * 86400 + hour * 3600 + minute * 60 + second
    mask[cand[ok]] = True
    local[cand[ok]] = secs[ok].astype(np.float64)
    return mask, local


def _days_from_civil(y: I64, m: I64, d: I64) -> I64:
    """Days since 1970-01-01 of proleptic Gregorian dates (the standard era-based formula)."""
    y = y - (m <= 2)
    era = np.floor_divide(y, 400)
    yoe = y - era * 400
    mp = (m + 9) % 12
    doy = (153 * mp + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    days: I64 = era * 146097 + doe - 719468
    return days


def scan(data: bytes, buf: U8, starts: I64, ends: I64) -> LineTable:
    """Classify every line of ``buf`` (which is ``data`` as uint8), fast where it can be."""
    table = LineTable.empty(starts, ends)
    n = len(starts)
    if n == 0:
        return table
    size = len(buf)
    last = size - 1
    nonempty = ends > starts
    first = np.where(nonempty, buf[np.minimum(starts, last)], 0)

    s0 = np.full(n, -1, dtype=np.int64)
    bang = nonempty & (first == ord("!"))
    s0[bang] = starts[bang]
    pmask, local = _prefix_mask(buf, starts, ends)
    pre_ok = pmask & (buf[np.minimum(starts + _PREFIX_LEN, last)] == ord("!"))
    s0[pre_ok] = starts[pre_ok] + _PREFIX_LEN
    table.local_s[pre_ok] = local[pre_ok]

    # Tag blocks: the sentence starts after the closing backslash.
    tagged = np.flatnonzero(nonempty & (first == ord("\\")))
    tag_close = np.full(n, -1, dtype=np.int64)
    if len(tagged):
        bsl = np.flatnonzero(buf == ord("\\")).astype(np.int64)
        k = np.searchsorted(bsl, starts[tagged] + 1)
        close = bsl[np.minimum(k, len(bsl) - 1)]
        good = (k < len(bsl)) & (close < ends[tagged] - 1)
        good &= buf[np.minimum(close + 1, last)] == ord("!")
        tag_close[tagged[good]] = close[good]
        s0[tagged[good]] = close[good] + 1

    cand = np.flatnonzero(s0 >= 0)
    fast = np.zeros(n, dtype=np.bool_)
    if len(cand):
        fast[cand] = _check_sentences(buf, table, cand, s0[cand], ends[cand])

    # Non-ASCII anywhere in a line sends it to the reference parse.
    high = buf >= 128
    if high.any():
        run = np.concatenate([[0], np.cumsum(high, dtype=np.int64)])
        fast &= (run[ends] - run[starts]) == 0

    idx = np.flatnonzero(fast)
    table.kind[idx] = LineKind.AIS
    tag_rows = np.flatnonzero(fast & (tag_close >= 0))
    if len(tag_rows):
        _tag_blocks(data, buf, table, tag_rows, starts[tag_rows] + 1, tag_close[tag_rows])
    # Receiver fields after the checksum are rare: parse them line by line.
    trail = fast & (table.pay_b + 5 < ends)
    for i in np.flatnonzero(trail).tolist():
        if not np.isnan(table.utc_s[i]):
            continue
        t = parse_trailer(data[int(table.pay_b[i]) + 6 : int(ends[i])])
        if t is not None:
            table.utc_s[i] = t

    # Everything else: blank lines and comments cheaply, the rest by the reference parse.
    rest = np.flatnonzero(~fast)
    table.kind[rest[~nonempty[rest]]] = LineKind.BLANK
    for i in rest[nonempty[rest]].tolist():
        a, b = int(starts[i]), int(ends[i])
        if data[a] == 0x23:  # '#'
            table.kind[i] = LineKind.COMMENT
        else:
            table.set_parsed(i, parse_line(data[a:b]))
    return table


def _key_starts(buf: U8, key: int) -> I64:
    """Positions of ``<key>:`` that open a tag-block field (after a comma or a backslash)."""
    hits = np.flatnonzero((buf[:-1] == key) & (buf[1:] == ord(":"))).astype(np.int64)
    before = buf[np.maximum(hits - 1, 0)]
    opens: I64 = hits[(hits > 0) & ((before == ord(",")) | (before == ord("\\")))]
    return opens


def _tag_blocks(data: bytes, buf: U8, table: LineTable, rows: I64, a: I64, b: I64) -> None:
    """Tag blocks ``buf[a:b]`` of the given lines: checksum, ``c:`` time and ``s:`` source.

    Vectorised for the plain form (one '*', two hex digits, at most one ``c:`` and one ``s:``
    field); anything else is parsed by :func:`parse_tag_block`, which this mirrors.
    """
    last = len(buf) - 1
    stars = np.flatnonzero(buf == ord("*")).astype(np.int64)
    k = np.searchsorted(stars, a)
    star = stars[np.minimum(k, max(len(stars) - 1, 0))] if len(stars) else a
    plain = (k < len(stars)) & (star == b - 3)
    h1, h2 = _HEX[buf[np.clip(star + 1, 0, last)]], _HEX[buf[np.clip(star + 2, 0, last)]]
    plain &= (h1 != 255) & (h2 != 255)
    cx = np.bitwise_xor.accumulate(buf)
    body_xor = np.where(star > a, cx[np.clip(star - 1, 0, last)] ^ cx[np.clip(a - 1, 0, last)], 0)
    table.tag_ok[rows] = body_xor == (h1.astype(np.uint8) << 4 | h2)

    # Field ends: the next comma or '*' after a value starts.
    ends = np.flatnonzero((buf == ord(",")) | (buf == ord("*"))).astype(np.int64)
    fields: dict[int, tuple[I64, npt.NDArray[np.bool_]]] = {}
    for key in (ord("c"), ord("s")):
        pos = _key_starts(buf, key)
        lo, hi = np.searchsorted(pos, a), np.searchsorted(pos, star)
        plain &= hi - lo <= 1
        has = hi > lo
        at = pos[np.minimum(lo, max(len(pos) - 1, 0))] if len(pos) else a
        fields[key] = (at, has)
    for j in np.flatnonzero(~plain).tolist():  # the unusual forms: the reference parse
        i = int(rows[j])
        tag = parse_tag_block(data[int(a[j]) : int(b[j])])
        table.tag_ok[i] = tag.checksum_ok
        if tag.source is not None:
            table.source[i] = table.source_code(tag.source)
        if tag.time_s is not None:
            table.utc_s[i] = tag.time_s

    at, has = fields[ord("c")]
    sel = np.flatnonzero(plain & has)
    if len(sel):
        v0 = at[sel] + 2
        v1 = ends[np.searchsorted(ends, v0)]
        n = v1 - v0
        width = 16
        win = (
            np.lib.stride_tricks.sliding_window_view(
                np.concatenate([buf, np.zeros(width, dtype=np.uint8)]), width
            )[v0].astype(np.int64)
            - 48
        )
        cols = np.arange(width)[None, :]
        inside = cols < n[:, None]
        ok = (n >= 1) & (n <= width) & ((win >= 0) & (win <= 9) | ~inside).all(axis=1)
        power = np.where(inside, n[:, None] - 1 - cols, 0)
        value = (np.where(inside, win, 0) * (10 ** power.clip(0, 15))).sum(axis=1)
        seconds = np.where(value > 10**11, value / 1000.0, value.astype(np.float64))
        table.utc_s[rows[sel[ok]]] = seconds[ok]

    at, has = fields[ord("s")]
    sel = np.flatnonzero(plain & has)
    if len(sel):
        v0 = at[sel] + 2
        v1 = ends[np.searchsorted(ends, v0)]
        codes: dict[bytes, int] = {}
        for i, s0, s1 in zip(rows[sel].tolist(), v0.tolist(), v1.tolist(), strict=True):
            if s1 > s0:
                name = data[s0:s1]
                code = codes.get(name)
                if code is None:
                    code = codes[name] = table.source_code(name.decode("ascii", "replace"))
                table.source[i] = code


def _armour_ok(buf: U8, pay_a: I64, pay_b: I64) -> npt.NDArray[np.bool_]:
    """Whether every payload ``buf[a:b]`` is valid armour (rows in buffer order)."""
    bad = (ARMOUR_VALID[buf] == 0).view(np.uint8)
    last = len(buf) - 1
    edges = np.empty(2 * len(pay_a), dtype=np.int64)
    edges[0::2] = np.clip(pay_a, 0, last)
    edges[1::2] = np.clip(pay_b, 0, last)
    sums = np.add.reduceat(bad, edges, dtype=np.int64)[0::2]
    good: npt.NDArray[np.bool_] = (sums == 0) | (pay_b <= pay_a)
    return good


def _check_sentences(
    buf: U8, table: LineTable, cand: I64, s0: I64, ends: I64
) -> npt.NDArray[np.bool_]:
    """Vet candidate sentences; fill the table for those accepted. Returns the accepted mask."""
    size = len(buf)
    last = size - 1

    def at(i: I64) -> U8:
        return buf[np.clip(i, 0, last)]

    commas = np.flatnonzero(buf == ord(",")).astype(np.int64)
    if len(commas) < 6:
        return np.zeros(len(cand), dtype=np.bool_)
    k = np.searchsorted(commas, s0)
    c = commas[np.minimum(k[:, None] + np.arange(6)[None, :], len(commas) - 1)]
    ok = (k + 5 < len(commas)) & (c[:, 5] < ends)
    ok &= c[:, 0] - s0 == 6
    ok &= _UPPER[at(s0 + 1)] & _UPPER[at(s0 + 2)]
    ok &= (at(s0 + 3) == ord("V")) & (at(s0 + 4) == ord("D"))
    ok &= (at(s0 + 5) == ord("M")) | (at(s0 + 5) == ord("O"))
    count = at(c[:, 0] + 1).astype(np.int64) - 48
    number = at(c[:, 1] + 1).astype(np.int64) - 48
    ok &= (c[:, 1] - c[:, 0] == 2) & (count >= 1) & (count <= 9)
    ok &= (c[:, 2] - c[:, 1] == 2) & (number >= 1) & (number <= count)
    seq_len = c[:, 3] - c[:, 2] - 1
    seq_digit = at(c[:, 2] + 1).astype(np.int64) - 48
    ok &= (seq_len == 0) | ((seq_len == 1) & (seq_digit >= 0) & (seq_digit <= 9))
    chan_len = c[:, 4] - c[:, 3] - 1
    ok &= (chan_len == 0) | ((chan_len == 1) & _CHANNEL[at(c[:, 3] + 1)])
    pay_a = c[:, 4] + 1
    pay_b = c[:, 5]
    ok &= pay_b - pay_a <= MAX_PAYLOAD_CHARS
    fill = at(pay_b + 1).astype(np.int64) - 48
    ok &= (fill >= 0) & (fill <= 5) & (at(pay_b + 2) == ord("*"))
    ok &= pay_b + 5 <= ends
    after = pay_b + 5
    ok &= (after == ends) | (at(after) == ord(","))
    h1, h2 = _HEX[at(pay_b + 3)], _HEX[at(pay_b + 4)]
    ok &= (h1 != 255) & (h2 != 255)
    # Checksum: XOR of the bytes between the delimiter and '*', by a running XOR.
    cx = np.bitwise_xor.accumulate(buf)
    star = pay_b + 2
    computed = cx[np.clip(star - 1, 0, last)] ^ cx[np.clip(s0, 0, last)]
    ok &= computed == (h1.astype(np.uint8) << 4 | h2)
    ok &= _armour_ok(buf, pay_a, pay_b)

    rows = cand[ok]
    table.start[rows] = s0[ok]
    table.chan_a[rows] = c[ok, 3] + 1
    table.chan_b[rows] = c[ok, 4]
    table.pay_a[rows] = pay_a[ok]
    table.pay_b[rows] = pay_b[ok]
    table.fill[rows] = fill[ok]
    table.count[rows] = count[ok]
    table.number[rows] = number[ok]
    table.seq[rows] = np.where(seq_len[ok] == 1, seq_digit[ok], -1)
    accepted: npt.NDArray[np.bool_] = ok
    return accepted
