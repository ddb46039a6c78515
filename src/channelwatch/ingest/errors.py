"""Errors of the ingest package: one base class, and the input errors it raises on request."""

from __future__ import annotations

from channelwatch.errors import ChannelWatchError, InputError


class IngestError(ChannelWatchError):
    """Base class of every error raised by :mod:`channelwatch.ingest`."""


class NmeaError(IngestError, InputError):
    """A bad NMEA line met in strict mode (lenient mode counts it and carries on)."""

    def __init__(self, kind: str, line_no: int, line: str) -> None:
        self.kind = kind
        self.line_no = line_no
        self.line = line
        super().__init__(f"{kind} NMEA line {line_no}: {line!r}")


class ContactError(IngestError, InputError):
    """A contact report or distress call record that fails validation; names the field."""

    def __init__(self, field: str, message: str, record: int | None = None) -> None:
        self.field = field
        self.message = message
        self.record = record
        where = f"record {record}: " if record is not None else ""
        super().__init__(f"{where}field {field!r}: {message}")


class SourceError(IngestError):
    """A live source cannot be opened or read (bad address, file missing, gave up reconnecting)."""


class SourceInputError(SourceError, InputError):
    """A source was given a bad argument by the user (missing file, bad host:port, bad speed)."""
