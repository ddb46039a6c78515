"""The NMEA AIS decoder: buffers of lines in, decoded messages and counters out.

Per buffer: classify all lines (:mod:`.scan`, numpy), give each line a time, decode the
single-sentence messages of the common types in bulk (:mod:`.layouts`), reassemble the
multi-sentence ones (:mod:`.assemble`) and hand the remaining types to pyais. State that spans
buffers (fragments in progress, the last time seen, a partial last line) lives in the decoder,
so a stream can be fed in chunks of any size.

Time of a message, first that applies: the tag block's ``c:``; a receiver time after the
checksum; the shore-log prefix (``prefix_tz`` local time, converted to UTC); then
- for a file (``live=False``): the time of the latest earlier line that had one (a ``$PGHP``
  sentence, a prefix or a tag block), or None before any;
- for a live feed (``live=True``): the ``$PGHP`` sentence just before, else the reception time
  given to :meth:`NmeaDecoder.feed`.
A multi-sentence message takes its first fragment's time and source.
"""

from __future__ import annotations

import math
from typing import Final

import numpy as np
import numpy.typing as npt

from channelwatch.ingest.assemble import Assembled, Assembler, Fragment
from channelwatch.ingest.batch import BulkGroup, DecodedBatch, PyaisMessage
from channelwatch.ingest.errors import NmeaError
from channelwatch.ingest.framing import LineKind
from channelwatch.ingest.layouts import (
    LAYOUTS,
    STATIC_VOYAGE,
    VARIANT_TYPES,
    decode_layout,
    layout_bits,
    variants,
)
from channelwatch.ingest.scan import LineTable, reference_table, scan, split_lines
from channelwatch.ingest.sixbit import ARMOUR_VALUE, I64, U8, gather_matrix, payload_matrix
from channelwatch.ingest.stats import DecodeStats
from channelwatch.ingest.timebase import F64, LocalClock, zone

DEFAULT_PREFIX_TZ: Final = "Europe/Paris"


def _min_chars(msg_type: int) -> int:
    """Matrix width that covers every field of the type's layouts (the longest, for variants)."""
    layout = LAYOUTS.get(msg_type)
    return -(-layout_bits(layout if layout else STATIC_VOYAGE) // 6)


class NmeaDecoder:
    """Decode AIS NMEA 0183 from buffers of bytes. Lenient (count and skip) unless ``strict``.

    ``bulk=False`` parses every line one by one and decodes every message with pyais: the
    reference the fast path is tested against.
    """

    def __init__(
        self,
        *,
        source: str | None = None,
        prefix_tz: str = DEFAULT_PREFIX_TZ,
        strict: bool = False,
        live: bool = False,
        bulk: bool = True,
    ) -> None:
        self.stats = DecodeStats()
        self.source = source
        self.strict = strict
        self.live = live
        self.bulk = bulk
        self._clock = LocalClock(zone(prefix_tz))
        self._assembler = Assembler()
        self._lines = 0
        self._partial = b""
        self._last_time = math.nan
        self._last_stamp = math.nan

    def feed(self, data: bytes, received_s: float | None = None) -> DecodedBatch:
        """Decode every complete line of ``data`` (a partial last line waits for the next call).

        ``received_s`` is the reception time (UNIX seconds) used by live feeds for lines that
        carry no time of their own.
        """
        if self._partial:
            data = self._partial + data
        cut = data.rfind(b"\n") + 1
        self._partial = data[cut:]
        if cut == 0:
            return DecodedBatch()
        return self._decode(data if cut == len(data) else data[:cut], received_s)

    def flush(self, received_s: float | None = None) -> DecodedBatch:
        """End of stream: decode a last unterminated line; give up incomplete messages."""
        batch = DecodedBatch()
        if self._partial:
            data, self._partial = self._partial + b"\n", b""
            batch = self._decode(data, received_s)
        self._orphaned(self._assembler.drain())
        return batch

    # -- one buffer of complete lines ---------------------------------------------------

    def _decode(self, data: bytes, received_s: float | None) -> DecodedBatch:
        buf = np.frombuffer(data, dtype=np.uint8)
        starts, ends = split_lines(buf)
        table = scan(data, buf, starts, ends) if self.bulk else reference_table(data, starts, ends)
        base = self._lines
        self._lines += table.n
        problems: list[tuple[int, str, bytes]] = []

        kinds = np.bincount(table.kind, minlength=len(LineKind))
        st = self.stats
        st.lines += table.n
        ignored = [LineKind.BLANK, LineKind.COMMENT, LineKind.OTHER, LineKind.STAMP]
        st.ignored += int(kinds[ignored].sum())
        st.sentences += int(kinds[[LineKind.AIS, LineKind.MALFORMED, LineKind.CHECKSUM]].sum())
        st.error("malformed", int(kinds[LineKind.MALFORMED]))
        st.error("checksum", int(kinds[LineKind.CHECKSUM]))
        if self.strict:
            for i in np.flatnonzero(table.kind >= LineKind.MALFORMED).tolist():
                kind = "malformed" if table.kind[i] == LineKind.MALFORMED else "checksum"
                problems.append((base + i, kind, data[int(starts[i]) : int(ends[i])]))
        ais = table.kind == LineKind.AIS
        st.warn("tag_checksum", int(np.count_nonzero(ais & ~table.tag_ok)))

        times = self._line_times(table, received_s)
        rows = np.flatnonzero(ais)
        count = table.count[rows]
        batch = DecodedBatch()
        self._singles(data, buf, table, rows[count == 1], base, times, batch, problems)
        done, orphans = self._fragments(data, table, rows[count > 1], base, times)
        self._orphaned(orphans, problems)
        self._assembled(done, batch, problems)
        st.add_types(batch.type_counts())
        if problems:
            line_no, kind, text = min(problems)
            raise NmeaError(kind, line_no + 1, text.decode("ascii", "replace"))
        return batch

    def _line_times(self, table: LineTable, received_s: float | None) -> F64:
        own = table.utc_s.copy()
        need_local = np.isnan(own) & ~np.isnan(table.local_s)
        if need_local.any():
            own[need_local] = self._clock.to_utc(table.local_s[need_local])
        n = table.n
        if n == 0:
            return own
        if not self.live:
            idx = np.where(~np.isnan(own), np.arange(n), -1)
            idx = np.maximum.accumulate(idx)
            filled = np.where(idx >= 0, own[np.maximum(idx, 0)], self._last_time)
            self._last_time = float(filled[-1])
            return filled
        stamp = np.where(table.kind == LineKind.STAMP, own, np.nan)
        prev = np.concatenate([[self._last_stamp], stamp[:-1]])
        self._last_stamp = float(stamp[-1])
        out = np.where(np.isnan(own), prev, own)
        fallback = math.nan if received_s is None else received_s
        return np.where(np.isnan(out), fallback, out)

    def _names(self, table: LineTable) -> list[str | None]:
        """Source names by code: code 0 is the decoder's own, code k + 1 is ``table.sources[k]``."""
        return [self.source, *table.sources]

    def _singles(
        self,
        data: bytes,
        buf: U8,
        table: LineTable,
        rows: I64,
        base: int,
        times: F64,
        batch: DecodedBatch,
        problems: list[tuple[int, str, bytes]],
    ) -> None:
        if not len(rows):
            return
        pay_a = table.pay_a[rows]
        n_chars = table.pay_b[rows] - pay_a
        n_bits = 6 * n_chars - table.fill[rows].astype(np.int64)
        empty = n_chars == 0
        if empty.any():
            self.stats.error("empty", int(np.count_nonzero(empty)))
            if self.strict:
                problems.extend(self._texts(data, table, rows[empty], base, "empty"))
        keep = ~empty
        rows, pay_a, n_chars, n_bits = rows[keep], pay_a[keep], n_chars[keep], n_bits[keep]
        first = ARMOUR_VALUE[buf[pay_a]].astype(np.int64)
        msg_type = np.where(n_bits >= 6, first, first >> np.clip(6 - n_bits, 0, 6))
        names = self._names(table)
        codes = table.source[rows] + 1
        for t in np.unique(msg_type).tolist():
            sel = np.flatnonzero(msg_type == t)
            if self._bulk_type(t):
                values = gather_matrix(buf, pay_a[sel], n_chars[sel], _min_chars(t))
                lines = base + rows[sel]
                left = self._bulk(
                    t, values, n_bits[sel], lines, times[rows[sel]], codes[sel], names, batch
                )
                sel = sel[left]
            for j in sel.tolist():
                i = int(rows[j])
                payload = data[int(pay_a[j]) : int(pay_a[j] + n_chars[j])]
                msg = self._pyais(payload, int(table.fill[i]), base + i, problems)
                if msg is not None:
                    src = names[int(codes[j])]
                    batch.singles.append(PyaisMessage(base + i, float(times[i]), src, msg))

    def _bulk_type(self, msg_type: int) -> bool:
        return self.bulk and (msg_type in LAYOUTS or msg_type in VARIANT_TYPES)

    def _bulk(
        self,
        msg_type: int,
        values: U8,
        n_bits: I64,
        lines: I64,
        times: F64,
        codes: npt.NDArray[np.int32],
        names: list[str | None],
        batch: DecodedBatch,
    ) -> I64:
        """Decode what the layouts cover into ``batch``; return the rows left for pyais."""
        layout = LAYOUTS.get(msg_type)
        parts = [(layout, np.arange(len(lines)))] if layout else variants(msg_type, values, n_bits)
        taken = np.zeros(len(lines), dtype=np.bool_)
        for lay, idx in parts:
            if not len(idx):
                continue
            taken[idx] = True
            batch.groups.append(
                BulkGroup(
                    msg_type=msg_type,
                    layout=lay,
                    line=lines[idx],
                    time_s=times[idx],
                    source_code=codes[idx],
                    source_names=names,
                    columns=decode_layout(lay, values[idx], n_bits[idx]),
                )
            )
        return np.flatnonzero(~taken)

    def _fragments(
        self,
        data: bytes,
        table: LineTable,
        rows: I64,
        base: int,
        times: F64,
    ) -> tuple[list[Assembled], list[Fragment]]:
        done: list[Assembled] = []
        orphans: list[Fragment] = []
        by_code = self._names(table)
        names = [by_code[c] for c in (table.source[rows] + 1).tolist()]
        add = self._assembler.add
        for j, i in enumerate(rows.tolist()):
            s = int(table.start[i])
            key = (
                int(table.seq[i]),
                data[int(table.chan_a[i]) : int(table.chan_b[i])],
                data[s + 1 : s + 3],
                data[s + 3 : s + 6],
                int(table.count[i]),
            )
            frag = Fragment(
                line=base + i,
                number=int(table.number[i]),
                payload=data[int(table.pay_a[i]) : int(table.pay_b[i])],
                fill=int(table.fill[i]),
                time_s=float(times[i]),
                source=names[j],
                text=data[int(table.line_start[i]) : int(table.line_end[i])],
            )
            msg = add(key, frag, orphans)
            if msg is not None:
                done.append(msg)
        return done, orphans

    def _orphaned(
        self, frags: list[Fragment], problems: list[tuple[int, str, bytes]] | None = None
    ) -> None:
        self.stats.error("orphan", len(frags))
        if self.strict and frags:
            if problems is None:
                f = frags[0]
                raise NmeaError("orphan", f.line + 1, f.text.decode("ascii", "replace"))
            problems.extend((f.line, "orphan", f.text) for f in frags)

    def _assembled(
        self, done: list[Assembled], batch: DecodedBatch, problems: list[tuple[int, str, bytes]]
    ) -> None:
        if not done:
            return
        by_type: dict[int, list[Assembled]] = {}
        for m in done:
            if not m.payload:
                self.stats.error("empty")
                if self.strict:
                    problems.append((m.line, "empty", m.payload))
                continue
            n_bits = 6 * len(m.payload) - m.fill
            first = int(ARMOUR_VALUE[m.payload[0]])
            t = first if n_bits >= 6 else first >> (6 - n_bits)
            by_type.setdefault(t, []).append(m)
        for t, msgs in by_type.items():
            if self._bulk_type(t):
                values = payload_matrix([m.payload for m in msgs], _min_chars(t))
                names = sorted({m.source or "" for m in msgs})
                lookup = {n: k for k, n in enumerate(names)}
                left = self._bulk(
                    t,
                    values,
                    np.array([6 * len(m.payload) - m.fill for m in msgs], dtype=np.int64),
                    np.array([m.line for m in msgs], dtype=np.int64),
                    np.array([m.time_s for m in msgs], dtype=np.float64),
                    np.array([lookup[m.source or ""] for m in msgs], dtype=np.int32),
                    [n or None for n in names],
                    batch,
                )
                msgs = [msgs[j] for j in left.tolist()]
            for m in msgs:
                msg = self._pyais(m.payload, m.fill, m.line, problems)
                if msg is not None:
                    batch.singles.append(PyaisMessage(m.line, m.time_s, m.source, msg))

    def _pyais(
        self,
        payload: bytes,
        fill: int,
        line: int,
        problems: list[tuple[int, str, bytes]],
    ) -> object | None:
        from channelwatch.ingest.pyais_bridge import UnknownTypeError, decode_payload

        try:
            msg: object = decode_payload(payload, fill)
            return msg
        except UnknownTypeError:
            kind = "unknown_type"
        except Exception:  # pyais on arbitrary input: any failure is this message's, not ours
            kind = "undecodable"
        self.stats.error(kind)
        if self.strict:
            problems.append((line, kind, payload))
        return None

    def _texts(
        self, data: bytes, table: LineTable, rows: I64, base: int, kind: str
    ) -> list[tuple[int, str, bytes]]:
        return [
            (base + i, kind, data[int(table.line_start[i]) : int(table.line_end[i])])
            for i in rows.tolist()
        ]
