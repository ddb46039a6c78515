"""Reassembly of multi-sentence AIS messages, with the same slot rules as pyais's stream reader.

A message in progress is identified by (sequence id, channel, talker, sentence type, fragment
count). Fragment 1 opens a slot (dropping whatever was pending there); the next fragment must
be the next number, otherwise it is dropped as out of order; a fragment with no open slot is
an orphan. Every dropped fragment is counted as an orphan, with its line number.
"""

from __future__ import annotations

from dataclasses import dataclass, field

SlotKey = tuple[int, bytes, bytes, bytes, int]


@dataclass(frozen=True, slots=True)
class Fragment:
    line: int  # global 0-based line number
    number: int
    payload: bytes
    fill: int
    time_s: float
    source: str | None
    text: bytes = b""  # the line, for error messages


@dataclass(frozen=True, slots=True)
class Assembled:
    """A complete message: payload of all fragments, fill bits of the last one.

    ``line`` is where it completed (its place in the stream); time and source are the first
    fragment's (when the transmission began).
    """

    line: int
    payload: bytes
    fill: int
    time_s: float
    source: str | None


@dataclass(slots=True)
class Assembler:
    pending: dict[SlotKey, list[Fragment]] = field(default_factory=dict)

    def add(self, key: SlotKey, frag: Fragment, orphans: list[Fragment]) -> Assembled | None:
        """Add a fragment; append the fragments given up to ``orphans``."""
        count = key[4]
        if frag.number == 1:
            dropped = self.pending.pop(key, None)
            if dropped:
                orphans.extend(dropped)
            parts = [frag]
        else:
            parts_or_none = self.pending.get(key)
            if parts_or_none is None or frag.number != len(parts_or_none) + 1:
                orphans.append(frag)
                return None
            parts = parts_or_none
            parts.append(frag)
        if len(parts) < count:
            self.pending[key] = parts
            return None
        self.pending.pop(key, None)
        first = parts[0]
        return Assembled(
            line=frag.line,
            payload=b"".join(p.payload for p in parts),
            fill=frag.fill,
            time_s=first.time_s,
            source=first.source,
        )

    def drain(self) -> list[Fragment]:
        """Give up every message in progress; return their fragments in line order."""
        frags = sorted((f for parts in self.pending.values() for f in parts), key=lambda f: f.line)
        self.pending.clear()
        return frags
