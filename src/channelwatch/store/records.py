"""The records the stores keep: frozen, slotted, JSON bodies as mappings.

The ledger is the record of what happened; the store is what the server reads quickly: the
current picture, lists to page through, the events of each case to rebuild the case book from,
users, and documents (drift runs, search plans). Every row written because of an event carries
the event's ``ledger_index``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from channelwatch.store.errors import StoreInputError


def require_utc(value: datetime, what: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise StoreInputError(f"{what} must be timezone-aware UTC, got {value!r}")


@dataclass(frozen=True, slots=True)
class BBox:
    """A lon/lat box: west, south, east, north (degrees); west <= east (no antimeridian)."""

    lon0: float
    lat0: float
    lon1: float
    lat1: float

    def __post_init__(self) -> None:
        vals = (self.lon0, self.lat0, self.lon1, self.lat1)
        if not all(math.isfinite(v) for v in vals):
            raise StoreInputError(f"bbox values must be finite numbers, got {vals!r}")
        if not (-180 <= self.lon0 <= self.lon1 <= 180 and -90 <= self.lat0 <= self.lat1 <= 90):
            raise StoreInputError(
                f"bbox must be lon0,lat0,lon1,lat1 with lon0<=lon1 and lat0<=lat1, got {vals!r}"
            )

    @classmethod
    def parse(cls, text: str) -> BBox:
        parts = text.split(",")
        if len(parts) != 4:
            raise StoreInputError(f"bbox must be 'lon0,lat0,lon1,lat1', got {text!r}")
        try:
            lon0, lat0, lon1, lat1 = (float(p) for p in parts)
        except ValueError:
            raise StoreInputError(f"bbox values must be numbers, got {text!r}") from None
        return cls(lon0, lat0, lon1, lat1)


@dataclass(frozen=True, slots=True)
class UserRecord:
    """A user of the system: a member of staff, an auditor or a partner centre's account."""

    username: str
    password_hash: str  # argon2; empty for users who log in through an identity provider
    role: str
    centre: str | None
    display_name: str
    created_at: datetime
    disabled: bool = False
    demo: bool = False  # a well-known development account: refused in production
    token_version: int = 0  # raised to revoke every token issued before

    def __post_init__(self) -> None:
        if not self.username or len(self.username) > 64:
            raise StoreInputError(f"user name must be 1-64 characters, got {self.username!r}")
        require_utc(self.created_at, "user created_at")


@dataclass(frozen=True, slots=True)
class ContactRecord:
    """An accepted contact report or distress call, as recorded (``id`` set by the store)."""

    ledger_index: int
    kind: str  # "contact" | "call"
    time: datetime
    lat: float
    lon: float
    received_by: str  # the actor that submitted it
    body: Mapping[str, Any]
    id: int | None = None

    def __post_init__(self) -> None:
        require_utc(self.time, "contact time")


@dataclass(frozen=True, slots=True)
class TrackRecord:
    """The latest picture of one track (upserted by track id)."""

    track_id: str
    kind: str
    time: datetime  # last update
    lat: float
    lon: float
    body: Mapping[str, Any]
    active: bool = True

    def __post_init__(self) -> None:
        require_utc(self.time, "track time")


@dataclass(frozen=True, slots=True)
class TrackPoint:
    """One position of a track's history."""

    track_id: str
    time: datetime
    lat: float
    lon: float
    sog_kn: float | None = None
    cog_deg: float | None = None

    def __post_init__(self) -> None:
        require_utc(self.time, "track point time")


@dataclass(frozen=True, slots=True)
class TrackAt:
    """One track as the stored history shows it at a past time: its latest point at or before
    that time, the track's stored record (kind and labels, as of its last update), and its
    trail up to that point, oldest first (the point itself last)."""

    point: TrackPoint
    track: TrackRecord
    trail: tuple[TrackPoint, ...] = ()


@dataclass(frozen=True, slots=True)
class AlertRecord:
    """Something an operator should look at now (``id`` set by the store)."""

    alert_id: str
    kind: str
    severity: str  # "info" | "warning" | "critical"
    time: datetime
    message: str
    ledger_index: int
    lat: float | None = None
    lon: float | None = None
    track_id: str | None = None
    case_id: str | None = None
    centre: str | None = None  # the centre it is addressed to (None: everyone)
    details: Mapping[str, Any] = field(default_factory=dict)
    acknowledged_by: str | None = None
    acknowledged_at: datetime | None = None
    id: int | None = None

    def __post_init__(self) -> None:
        require_utc(self.time, "alert time")


@dataclass(frozen=True, slots=True)
class CaseEventRecord:
    """An event about a case, with its ledger index (the store's copy, to rebuild from)."""

    ledger_index: int
    case_id: str | None
    type: str
    time: datetime
    actor: str
    payload: Mapping[str, Any]
    policy_hash: str | None = None

    def __post_init__(self) -> None:
        require_utc(self.time, "case event time")


@dataclass(frozen=True, slots=True)
class DocumentRecord:
    """A drift run or a search plan, kept whole (summary for lists, body for the map)."""

    doc_id: str
    kind: str  # "drift_run" | "search_plan"
    case_id: str | None
    created_at: datetime
    created_by: str
    ledger_index: int
    summary: Mapping[str, Any]
    body: Mapping[str, Any]

    def __post_init__(self) -> None:
        require_utc(self.created_at, "document created_at")


@dataclass(frozen=True, slots=True)
class Page:
    """One page of a list: the items and the cursor of the next page (None at the end)."""

    items: list[Any]
    next: int | None


@dataclass(frozen=True, slots=True)
class Acknowledgement:
    """An operator acknowledged an alert."""

    alert_id: str
    by: str
    at: datetime
    ledger_index: int

    def __post_init__(self) -> None:
        require_utc(self.at, "acknowledgement time")


@dataclass(frozen=True, slots=True)
class Changes:
    """Rows derived from one committed batch of ledger entries, written in one transaction.

    ``ledger_applied`` is the highest ledger index whose rows are now all in the store: on
    start, the server re-derives the rows of the entries after it (a crash between the ledger
    commit and the store commit loses nothing the ledger holds).
    """

    contacts: tuple[ContactRecord, ...] = ()
    case_events: tuple[CaseEventRecord, ...] = ()
    alerts: tuple[AlertRecord, ...] = ()
    acknowledgements: tuple[Acknowledgement, ...] = ()
    documents: tuple[DocumentRecord, ...] = ()
    ledger_applied: int | None = None

    def __bool__(self) -> bool:
        return bool(
            self.contacts
            or self.case_events
            or self.alerts
            or self.acknowledgements
            or self.documents
            or self.ledger_applied is not None
        )


@dataclass(frozen=True, slots=True)
class Applied:
    """The ids the store gave to the contacts and alerts of a :class:`Changes`, in order."""

    contact_ids: tuple[int, ...] = ()
    alert_ids: tuple[int, ...] = ()
