"""The repository interface: what the server needs from a store, SQLite or PostgreSQL alike.

Methods are synchronous and thread-safe (the server calls them from worker threads). Rows that
come from ledger entries (contacts, case events, alerts, acknowledgements, documents) are
written together by :meth:`Repository.apply`, idempotently (keyed by ledger index), so the
store can always be caught up from the ledger. Lists are paged by cursor: ``after`` is the last
``id`` seen, ``limit`` at most :data:`MAX_LIMIT`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from channelwatch.store.errors import StoreInputError
from channelwatch.store.records import (
    AlertRecord,
    Applied,
    BBox,
    CaseEventRecord,
    Changes,
    DocumentRecord,
    Page,
    TrackAt,
    TrackPoint,
    TrackRecord,
    UserRecord,
)

MAX_LIMIT = 1000


def check_limit(limit: int) -> int:
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
        raise StoreInputError(f"limit must be 1..{MAX_LIMIT}, got {limit!r}")
    return limit


MAX_AGE_S = 86_400.0  # a window longer than a day is a mistake, not a picture


def check_age(age_s: float, name: str) -> float:
    if isinstance(age_s, bool) or not isinstance(age_s, int | float) or not 0 <= age_s <= MAX_AGE_S:
        raise StoreInputError(f"{name} must be 0..{MAX_AGE_S:g} s, got {age_s!r}")
    return float(age_s)


class Repository(Protocol):
    """One store of the server's read model. ``kind`` is "sqlite" or "postgres"."""

    kind: str
    location: str  # a path, or a URL without its password

    # -- schema and catch-up -----------------------------------------------------------------
    def schema_version(self) -> int: ...

    def ledger_applied(self) -> int:
        """The highest ledger index whose derived rows are all stored (-1: none)."""
        ...

    def apply(self, changes: Changes) -> Applied:
        """Write the rows of committed ledger entries in one transaction (idempotent)."""
        ...

    # -- users -----------------------------------------------------------------------------
    def add_user(self, user: UserRecord) -> None:
        """Raises DuplicateError if the name is taken."""
        ...

    def get_user(self, username: str) -> UserRecord | None: ...

    def list_users(self) -> list[UserRecord]: ...

    def update_user(
        self,
        username: str,
        *,
        password_hash: str | None = None,
        role: str | None = None,
        centre: str | None = None,
        display_name: str | None = None,
        disabled: bool | None = None,
        bump_token_version: bool = False,
    ) -> UserRecord:
        """Change a user; raises NotFoundError if there is none."""
        ...

    def delete_user(self, username: str) -> bool: ...

    def revoke_token(self, token_id: str, expires_at: datetime) -> None: ...

    def revoked_tokens(self, now: datetime) -> set[str]:
        """Ids of revoked tokens that have not expired yet."""
        ...

    # -- contacts --------------------------------------------------------------------------
    def list_contacts(
        self,
        *,
        after: int | None = None,
        limit: int = 100,
        kind: str | None = None,
        since: datetime | None = None,
        bbox: BBox | None = None,
    ) -> Page: ...

    def count_contacts(self) -> int: ...

    # -- tracks ----------------------------------------------------------------------------
    def upsert_tracks(self, tracks: Sequence[TrackRecord]) -> None: ...

    def deactivate_tracks(self, track_ids: Sequence[str] | None = None) -> None:
        """Mark tracks no longer in the picture (all of them when None)."""
        ...

    def list_tracks(
        self, *, bbox: BBox | None = None, kind: str | None = None, active: bool | None = True
    ) -> list[TrackRecord]: ...

    def get_track(self, track_id: str) -> TrackRecord | None: ...

    def add_track_points(self, points: Sequence[TrackPoint]) -> None:
        """Idempotent on (track_id, time)."""
        ...

    def track_history(
        self,
        track_id: str,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 1000,
    ) -> list[TrackPoint]:
        """Oldest first; the latest ``limit`` points of the window."""
        ...

    def tracks_at(
        self,
        at: datetime,
        *,
        max_age_s: float = 120.0,
        trail_s: float = 0.0,
        limit: int = 1000,
        kind: str | None = None,
        bbox: BBox | None = None,
    ) -> list[TrackAt]:
        """The picture at a past time: every track with a stored point in
        ``(at - max_age_s, at]``, at its latest such point (with its trail: its points of the
        ``trail_s`` before that point, up to it), by track id, at most ``limit``; ``kind``
        and ``bbox`` filter on the track's kind and the point's position before the limit."""
        ...

    # -- case events -----------------------------------------------------------------------
    def case_events(
        self, case_id: str | None = None, *, after: int | None = None
    ) -> list[CaseEventRecord]:
        """In ledger order; all cases when ``case_id`` is None."""
        ...

    # -- alerts ----------------------------------------------------------------------------
    def get_alert(self, alert_id: str) -> AlertRecord | None: ...

    def list_alerts(
        self,
        *,
        after: int | None = None,
        limit: int = 100,
        kind: str | None = None,
        since: datetime | None = None,
        bbox: BBox | None = None,
    ) -> Page: ...

    # -- documents -------------------------------------------------------------------------
    def get_document(self, doc_id: str) -> DocumentRecord | None: ...

    def list_documents(
        self, *, case_id: str | None = None, kind: str | None = None
    ) -> list[DocumentRecord]:
        """Newest first, bodies included."""
        ...

    def close(self) -> None: ...
