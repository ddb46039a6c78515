"""Counters of a decoding run: what was read, what was decoded, what was skipped and why."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final

ERROR_KINDS: Final = (
    "malformed",  # not a parsable sentence: bad fields, bad armour, bad prefix, non-ASCII
    "checksum",  # checksum missing or wrong
    "orphan",  # a fragment whose message never completed (missing, out of order, superseded)
    "empty",  # a message with no payload
    "unknown_type",  # message type above 28 (pyais reads type 0 as type 1)
    "undecodable",  # pyais could not decode it (e.g. a type 24 with part number 2 or 3)
)
"""Error kinds. The first three are counted per line, the last three per message."""


@dataclass(slots=True)
class DecodeStats:
    """Accumulates over every buffer fed to a decoder (not a record: it is updated in place)."""

    lines: int = 0
    sentences: int = 0  # lines presented as AIS data: everything but blanks, comments, other NMEA
    ignored: int = 0  # blank lines, comments, other NMEA sentences, $PGHP timestamps
    decoded: int = 0
    errors: dict[str, int] = field(default_factory=dict)
    warnings: dict[str, int] = field(default_factory=dict)  # e.g. tag_checksum: kept, but noted
    types: dict[int, int] = field(default_factory=dict)

    def error(self, kind: str, n: int = 1) -> None:
        if n:
            self.errors[kind] = self.errors.get(kind, 0) + n

    def warn(self, kind: str, n: int = 1) -> None:
        if n:
            self.warnings[kind] = self.warnings.get(kind, 0) + n

    def add_types(self, counts: dict[int, int]) -> None:
        for t, n in counts.items():
            self.types[t] = self.types.get(t, 0) + n
            self.decoded += n

    def merge(self, other: DecodeStats) -> None:
        self.lines += other.lines
        self.sentences += other.sentences
        self.ignored += other.ignored
        for k, v in other.errors.items():
            self.error(k, v)
        for k, v in other.warnings.items():
            self.warn(k, v)
        self.add_types(other.types)

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of ``decode --stats --json``."""
        return {
            "lines": self.lines,
            "sentences": self.sentences,
            "ignored": self.ignored,
            "decoded": self.decoded,
            "errors": dict(sorted(self.errors.items())),
            "warnings": dict(sorted(self.warnings.items())),
            "types": {str(t): n for t, n in sorted(self.types.items())},
        }
