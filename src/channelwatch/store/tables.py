"""The store's tables, described once for both backends.

Each table lists its columns in the field order of the record it holds, so a row read back is
the record's positional arguments. Names are the logical (PostgreSQL) ones; a dialect maps them
to its own (SQLite keeps times as integer microseconds in ``*_us`` columns). ``kind`` says how a
value is converted on the way in and out: ``value`` as is, ``time`` a UTC datetime, ``json`` a
mapping kept as JSON, ``bool`` a flag.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, Literal

from channelwatch.store.records import (
    AlertRecord,
    CaseEventRecord,
    ContactRecord,
    DocumentRecord,
    TrackPoint,
    TrackRecord,
    UserRecord,
)

Kind = Literal["value", "time", "json", "bool"]


@dataclass(frozen=True, slots=True)
class Column:
    name: str  # the record's field and the logical column
    kind: Kind = "value"
    source: str | None = None  # read from this column instead (an alias such as id)
    written: bool = True  # False: never set by an insert (derived, or set later)
    nullable: bool = False

    @property
    def column(self) -> str:
        return self.source or self.name


@dataclass(frozen=True, slots=True)
class Table:
    name: str
    alias: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()  # the conflict target; () = any unique constraint
    record: type[Any] | None = None

    def __post_init__(self) -> None:
        # rows are built positionally: the columns must follow the record's fields
        if self.record is not None:
            want = [f.name for f in fields(self.record)]
            got = [c.name for c in self.columns]
            if want != got:
                raise TypeError(f"table {self.name}: columns {got} do not match {want}")

    @property
    def written(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.written)


def _c(name: str, kind: Kind = "value", **kw: Any) -> Column:
    return Column(name, kind, **kw)


USERS = Table(
    "users",
    "u",
    (
        _c("username"),
        _c("password_hash"),
        _c("role"),
        _c("centre"),
        _c("display_name"),
        _c("created_at", "time"),
        _c("disabled", "bool"),
        _c("demo", "bool"),
        _c("token_version"),
    ),
    key=("username",),
    record=UserRecord,
)
REVOKED_TOKENS = Table(
    "revoked_tokens", "rt", (_c("token_id"), _c("expires_at", "time")), key=("token_id",)
)
# the id of a row that comes from a ledger entry is the entry's index
CONTACTS = Table(
    "contacts",
    "c",
    (
        _c("ledger_index"),
        _c("kind"),
        _c("time", "time"),
        _c("lat"),
        _c("lon"),
        _c("received_by"),
        _c("body", "json"),
        _c("id", source="ledger_index", written=False),
    ),
    key=("ledger_index",),
    record=ContactRecord,
)
TRACKS = Table(
    "tracks",
    "t",
    (
        _c("track_id"),
        _c("kind"),
        _c("time", "time"),
        _c("lat"),
        _c("lon"),
        _c("body", "json"),
        _c("active", "bool"),
    ),
    key=("track_id",),
    record=TrackRecord,
)
TRACK_POINTS = Table(
    "track_points",
    "p",
    (_c("track_id"), _c("time", "time"), _c("lat"), _c("lon"), _c("sog_kn"), _c("cog_deg")),
    record=TrackPoint,
)
CASE_EVENTS = Table(
    "case_events",
    "e",
    (
        _c("ledger_index"),
        _c("case_id"),
        _c("type"),
        _c("time", "time"),
        _c("actor"),
        _c("payload", "json"),
        _c("policy_hash"),
    ),
    key=("ledger_index",),
    record=CaseEventRecord,
)
# no conflict target: a row is skipped if its ledger index or its alert id is there already
ALERTS = Table(
    "alerts",
    "a",
    (
        _c("alert_id"),
        _c("kind"),
        _c("severity"),
        _c("time", "time"),
        _c("message"),
        _c("ledger_index"),
        _c("lat"),
        _c("lon"),
        _c("track_id"),
        _c("case_id"),
        _c("centre"),
        _c("details", "json"),
        _c("acknowledged_by", written=False),
        _c("acknowledged_at", "time", written=False, nullable=True),
        _c("id", source="ledger_index", written=False),
    ),
    record=AlertRecord,
)
DOCUMENTS = Table(
    "documents",
    "d",
    (
        _c("doc_id"),
        _c("kind"),
        _c("case_id"),
        _c("created_at", "time"),
        _c("created_by"),
        _c("ledger_index"),
        _c("summary", "json"),
        _c("body", "json"),
    ),
    key=("doc_id",),
    record=DocumentRecord,
)
