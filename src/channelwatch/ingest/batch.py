"""Decoded AIS messages of one buffer: columns for bulk-decoded types, pyais objects for the rest.

A :class:`DecodedBatch` keeps the stream order (``line``: the global line number where each
message completed) so that its messages can be listed exactly as a line-by-line reader would
give them. Dictionaries follow pyais's ``asdict(enum_as_int=True)`` shape plus ``time`` (ISO
8601 UTC or None) and ``source``.
"""

from __future__ import annotations

import base64
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np
import numpy.typing as npt

from channelwatch.ingest.layouts import Column, Field, Kind
from channelwatch.ingest.sixbit import I64

F64 = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class BulkGroup:
    """Messages of one type decoded together: one array per field."""

    msg_type: int
    layout: tuple[Field, ...]
    line: I64
    time_s: F64
    source_code: npt.NDArray[np.int32]  # index into source_names
    source_names: list[str | None]
    columns: dict[str, Column]

    def __len__(self) -> int:
        return len(self.line)

    @property
    def source(self) -> list[str | None]:
        names = self.source_names
        return [names[c] for c in self.source_code.tolist()]

    def column(self, name: str) -> list[Any]:
        """A field as Python values, None where the payload ended before it."""
        values, present = self.columns[name]
        spec = next(f for f in self.layout if f.name == name)
        if spec.kind is Kind.TEXT:
            from channelwatch.ingest.sixbit import trim_text

            out: list[Any] = [trim_text(row.tobytes()) for row in values]
        elif spec.enum is not None:
            from channelwatch.ingest.pyais_bridge import enum_table

            out = enum_table(spec.enum)[np.clip(values, 0, 255)].tolist()
        else:
            out = values.tolist()
        if not present.all():
            out = [v if p else None for v, p in zip(out, present.tolist(), strict=True)]
        return out

    def dicts(self, with_time: bool = False) -> list[dict[str, Any]]:
        """pyais-shaped dictionaries; with ``time`` (ISO 8601) and ``source`` if asked."""
        names = [f.name for f in self.layout if f.kind is not Kind.SPARE]
        cols = [self.column(n) for n in names]
        if with_time:
            names += ["time", "source"]
            cols += [iso_times(self.time_s), self.source]
        return [dict(zip(names, row, strict=True)) for row in zip(*cols, strict=True)]


@dataclass(frozen=True, slots=True)
class PyaisMessage:
    """A message decoded by pyais."""

    line: int
    time_s: float
    source: str | None
    message: Any

    @property
    def msg_type(self) -> int:
        return int(self.message.msg_type)


@dataclass(slots=True)
class DecodedBatch:
    groups: list[BulkGroup] = field(default_factory=list)
    singles: list[PyaisMessage] = field(default_factory=list)

    def __len__(self) -> int:
        return sum(len(g) for g in self.groups) + len(self.singles)

    def type_counts(self) -> dict[int, int]:
        counts: dict[int, int] = {}
        for g in self.groups:
            counts[g.msg_type] = counts.get(g.msg_type, 0) + len(g)
        for s in self.singles:
            counts[s.msg_type] = counts.get(s.msg_type, 0) + 1
        return counts

    def _order(self) -> list[int]:
        """Positions, in stream order, of messages listed groups first, then singles."""
        parts = [g.line for g in self.groups]
        parts.append(np.array([s.line for s in self.singles], dtype=np.int64))
        order: list[int] = np.argsort(np.concatenate(parts), kind="stable").tolist()
        return order

    def records(self) -> Iterator[tuple[int, float, str | None, dict[str, Any]]]:
        """(line, time_s, source, pyais-shaped fields) of every message, in stream order."""
        from channelwatch.ingest.pyais_bridge import as_dict

        items: list[tuple[int, float, str | None, dict[str, Any]]] = []
        for g in self.groups:
            lines = g.line.tolist()
            times = g.time_s.tolist()
            items.extend(zip(lines, times, g.source, g.dicts(), strict=True))
        for s in self.singles:
            items.append((s.line, s.time_s, s.source, as_dict(s.message)))
        return (items[i] for i in self._order())

    def dicts(self) -> Iterator[dict[str, Any]]:
        """One JSON-ready dictionary per message (fields, time, source), in stream order."""
        from channelwatch.ingest.pyais_bridge import as_dict

        items: list[dict[str, Any]] = []
        for g in self.groups:
            items.extend(g.dicts(with_time=True))
        for s in self.singles:
            d = {k: _jsonable(v) for k, v in as_dict(s.message).items()}
            d["time"] = None if math.isnan(s.time_s) else _iso(s.time_s)
            d["source"] = s.source
            items.append(d)
        return (items[i] for i in self._order())


def _iso(t_s: float) -> str:
    return datetime.fromtimestamp(t_s, UTC).isoformat()


def iso_times(time_s: F64) -> list[str | None]:
    """ISO 8601 UTC text of each time (as ``datetime.isoformat`` writes it), None for NaN."""
    known = ~np.isnan(time_s)
    if not known.any():
        return [None] * len(time_s)
    us = np.round(time_s[known] * 1e6).astype(np.int64).astype("datetime64[us]")
    text = np.datetime_as_string(us, unit="s").astype("U32")
    fraction = (us.astype(np.int64) % 1_000_000) != 0
    if fraction.any():  # isoformat writes microseconds only when there are some
        text[fraction] = np.datetime_as_string(us[fraction], unit="us")
    stamped: list[str] = np.char.add(text, "+00:00").tolist()
    if known.all():
        return list(stamped)
    out: list[str | None] = [None] * len(time_s)
    for i, t in zip(np.flatnonzero(known).tolist(), stamped, strict=True):
        out[i] = t
    return out


def _jsonable(v: Any) -> Any:
    if isinstance(v, bytes):
        return base64.b64encode(v).decode("ascii")  # as pyais's own JSON encoder does
    return v
