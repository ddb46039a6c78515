"""The repository written once over a DB-API connection and a :class:`Dialect`.

A backend subclasses :class:`SqlRepository` and gives only what is its own: how to connect, a
write transaction, its driver's error classes and its migrations. Connections are one per
thread, kept so that :meth:`SqlRepository.close` can close them all.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, suppress
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from channelwatch.store.base import check_age, check_limit
from channelwatch.store.dialect import Dialect, RowCodec, where_clause
from channelwatch.store.errors import DuplicateError, NotFoundError, StoreError
from channelwatch.store.migrate import Migration, check_not_newer, migrations
from channelwatch.store.records import (
    AlertRecord,
    Applied,
    BBox,
    CaseEventRecord,
    Changes,
    ContactRecord,
    DocumentRecord,
    Page,
    TrackAt,
    TrackPoint,
    TrackRecord,
    UserRecord,
)
from channelwatch.store.tables import (
    ALERTS,
    CASE_EVENTS,
    CONTACTS,
    DOCUMENTS,
    REVOKED_TOKENS,
    TRACK_POINTS,
    TRACKS,
    USERS,
)

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Statements:
    """The statements that take no filters, built once per dialect."""

    insert_contact: str
    insert_case_event: str
    insert_alert: str
    acknowledge: str
    insert_document: str
    set_ledger_applied: str
    insert_user: str
    get_user: str
    list_users: str
    upsert_revoked: str
    revoked_since: str
    upsert_track: str
    get_track: str
    insert_track_point: str
    get_alert: str
    get_document: str

    @classmethod
    def build(cls, d: Dialect) -> Statements:
        return cls(
            insert_contact=d.insert(CONTACTS, skip_existing=True),
            insert_case_event=d.insert(CASE_EVENTS, skip_existing=True),
            insert_alert=d.insert(ALERTS, skip_existing=True),
            acknowledge=d.sql(
                f"UPDATE alerts SET acknowledged_by = ?, {d.column('acknowledged_at')} = ?"
                " WHERE alert_id = ?"
            ),
            insert_document=d.insert(DOCUMENTS, skip_existing=True),
            # never goes back: a catch-up may apply an older batch again
            set_ledger_applied=d.sql(
                "UPDATE meta SET value = ? WHERE key = 'ledger_applied'"
                " AND CAST(value AS BIGINT) < ?"
            ),
            insert_user=d.insert(USERS),
            get_user=d.sql(f"{d.select(USERS)} WHERE u.username = ?"),
            list_users=d.sql(f"{d.select(USERS)} ORDER BY u.username"),
            upsert_revoked=d.upsert(REVOKED_TOKENS),
            revoked_since=d.sql(
                f"SELECT token_id FROM revoked_tokens WHERE {d.column('expires_at')} > ?"
            ),
            upsert_track=d.upsert(TRACKS),
            get_track=d.sql(f"{d.select(TRACKS)} WHERE t.track_id = ?"),
            insert_track_point=d.insert(TRACK_POINTS, skip_existing=True),
            get_alert=d.sql(f"{d.select(ALERTS)} WHERE a.alert_id = ?"),
            get_document=d.sql(f"{d.select(DOCUMENTS)} WHERE d.doc_id = ?"),
        )


class SqlRepository:
    """The :class:`~channelwatch.store.base.Repository` methods, shared by the backends."""

    kind: str
    location: str

    def __init__(self, location: str, dialect: Dialect) -> None:
        self.location = location
        self.dialect = dialect
        self._q = Statements.build(dialect)
        self._users: RowCodec[UserRecord] = dialect.codec(USERS)
        self._contacts: RowCodec[ContactRecord] = dialect.codec(CONTACTS)
        self._tracks: RowCodec[TrackRecord] = dialect.codec(TRACKS)
        self._points: RowCodec[TrackPoint] = dialect.codec(TRACK_POINTS)
        self._events: RowCodec[CaseEventRecord] = dialect.codec(CASE_EVENTS)
        self._alerts: RowCodec[AlertRecord] = dialect.codec(ALERTS)
        self._documents: RowCodec[DocumentRecord] = dialect.codec(DOCUMENTS)
        self._local = threading.local()
        self._conns: list[Any] = []
        self._conns_lock = threading.Lock()
        self._closed = False

    # -- what a backend gives --------------------------------------------------------------
    def _connect(self) -> Any:
        """A new connection, set up (raises StoreError if it cannot)."""
        raise NotImplementedError

    def _usable(self, conn: Any) -> bool:
        """False if this thread's connection was closed under it (make a new one)."""
        return True

    def _write(self) -> AbstractContextManager[Any]:
        """One write transaction: the connection inside, committed on leaving."""
        raise NotImplementedError

    def _driver_error(self) -> type[Exception]:
        """The base class of the driver's errors (reported as StoreError)."""
        raise NotImplementedError

    def _duplicate_error(self) -> type[Exception]:
        """The driver's error for a key that is taken."""
        raise NotImplementedError

    _close_errors: tuple[type[Exception], ...] = (Exception,)
    _migrations_table = ""  # CREATE TABLE IF NOT EXISTS schema_migrations ...

    def _start_migrating(self, db: Any) -> None:
        """Anything to do in the migration's transaction before reading the versions."""

    def _run_migration(self, db: Any, migration: Migration) -> None:
        """Apply one migration and record it in ``schema_migrations``."""
        raise NotImplementedError

    def _migrate(self) -> None:
        """Apply the migrations this database has not had yet, in order, in one transaction."""
        with self._write() as db:
            self._start_migrating(db)
            db.execute(self._migrations_table)
            applied = {r[0] for r in db.execute("SELECT version FROM schema_migrations")}
            check_not_newer(self.kind, applied)
            for m in migrations(self.kind):
                if m.version not in applied:
                    self._run_migration(db, m)

    # -- connections -----------------------------------------------------------------------
    def _db(self) -> Any:
        conn = getattr(self._local, "conn", None)
        if conn is not None and not self._usable(conn):
            conn = None
        if conn is None:
            if self._closed:
                raise StoreError(f"the store {self.location} is closed")
            conn = self._connect()
            self._local.conn = conn
            with self._conns_lock:
                self._conns.append(conn)
        return conn

    def _read(self, fn: Callable[[Any], T]) -> T:
        try:
            return fn(self._db())
        except self._driver_error() as exc:
            raise StoreError(f"{self.location}: {exc}") from None

    def _rows(self, sql: str, args: Sequence[Any] = ()) -> list[Any]:
        return self._read(lambda db: db.execute(sql, args).fetchall())

    def _row(self, sql: str, args: Sequence[Any] = ()) -> Any:
        return self._read(lambda db: db.execute(sql, args).fetchone())

    def _executemany(self, db: Any, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if not rows:
            return
        cur = db.cursor()
        try:
            cur.executemany(sql, rows)
        finally:
            cur.close()

    def close(self) -> None:
        self._closed = True
        with self._conns_lock:
            conns, self._conns = self._conns, []
        for c in conns:
            with suppress(*self._close_errors):  # closing is best effort
                c.close()
        self._local = threading.local()

    # -- schema and catch-up -----------------------------------------------------------------
    def schema_version(self) -> int:
        return int(self._row("SELECT max(version) FROM schema_migrations")[0])

    def ledger_applied(self) -> int:
        return int(self._row("SELECT value FROM meta WHERE key = 'ledger_applied'")[0])

    def apply(self, changes: Changes) -> Applied:
        q = self._q
        with self._write() as db:
            self._executemany(
                db, q.insert_contact, [self._contacts.params(c) for c in changes.contacts]
            )
            self._executemany(
                db, q.insert_case_event, [self._events.params(e) for e in changes.case_events]
            )
            self._executemany(db, q.insert_alert, [self._alerts.params(a) for a in changes.alerts])
            at = self.dialect.encode_time
            self._executemany(
                db,
                q.acknowledge,
                [(ack.by, at(ack.at), ack.alert_id) for ack in changes.acknowledgements],
            )
            self._executemany(
                db, q.insert_document, [self._documents.params(d) for d in changes.documents]
            )
            if changes.ledger_applied is not None:
                db.execute(
                    q.set_ledger_applied, (str(changes.ledger_applied), changes.ledger_applied)
                )
        return Applied(
            tuple(c.ledger_index for c in changes.contacts),
            tuple(a.ledger_index for a in changes.alerts),
        )

    # -- users -----------------------------------------------------------------------------
    def add_user(self, user: UserRecord) -> None:
        try:
            with self._write() as db:
                db.execute(self._q.insert_user, self._users.params(user))
        except self._duplicate_error():
            raise DuplicateError(f"user {user.username!r} exists already") from None

    def get_user(self, username: str) -> UserRecord | None:
        row = self._row(self._q.get_user, (username,))
        return None if row is None else self._users.record(row)

    def list_users(self) -> list[UserRecord]:
        return [self._users.record(r) for r in self._rows(self._q.list_users)]

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
        sets: list[str] = []
        args: list[Any] = []
        for col, value in (
            ("password_hash", password_hash),
            ("role", role),
            ("centre", centre),
            ("display_name", display_name),
            ("disabled", disabled),
        ):
            if value is not None:
                sets.append(f"{col} = ?")
                args.append(value)
        if bump_token_version:
            sets.append("token_version = token_version + 1")
        with self._write() as db:
            if sets:
                sql = self.dialect.sql(f"UPDATE users SET {', '.join(sets)} WHERE username = ?")
                if db.execute(sql, (*args, username)).rowcount == 0:
                    raise NotFoundError(f"no user {username!r}")
            row = db.execute(self._q.get_user, (username,)).fetchone()
        if row is None:
            raise NotFoundError(f"no user {username!r}")
        return self._users.record(row)

    def delete_user(self, username: str) -> bool:
        with self._write() as db:
            cur = db.execute(self.dialect.sql("DELETE FROM users WHERE username = ?"), (username,))
            return bool(cur.rowcount > 0)

    def revoke_token(self, token_id: str, expires_at: datetime) -> None:
        with self._write() as db:
            db.execute(self._q.upsert_revoked, (token_id, self.dialect.encode_time(expires_at)))

    def revoked_tokens(self, now: datetime) -> set[str]:
        rows = self._rows(self._q.revoked_since, (self.dialect.encode_time(now),))
        return {r[0] for r in rows}

    # -- contacts --------------------------------------------------------------------------
    def list_contacts(
        self,
        *,
        after: int | None = None,
        limit: int = 100,
        kind: str | None = None,
        since: datetime | None = None,
        bbox: BBox | None = None,
    ) -> Page:
        return self._page(self._contacts, after, limit, kind, since, bbox)

    def _page(
        self,
        codec: RowCodec[Any],
        after: int | None,
        limit: int,
        kind: str | None,
        since: datetime | None,
        bbox: BBox | None,
    ) -> Page:
        """A page of contacts or alerts, in ledger order."""
        check_limit(limit)
        d = self.dialect
        table = codec.table
        join, where, args = d.filters(table, after=after, kind=kind, since=since, bbox=bbox)
        sql = d.sql(
            f"{d.select(table)}{join}{where_clause(where)}"
            f" ORDER BY {table.alias}.ledger_index LIMIT ?"
        )
        rows = self._rows(sql, (*args, limit + 1))
        items = [codec.record(r) for r in rows[:limit]]
        return Page(items, items[-1].id if len(rows) > limit else None)

    def count_contacts(self) -> int:
        return int(self._row("SELECT count(*) FROM contacts")[0])

    # -- tracks ----------------------------------------------------------------------------
    def upsert_tracks(self, tracks: Sequence[TrackRecord]) -> None:
        if not tracks:
            return
        with self._write() as db:
            self._executemany(db, self._q.upsert_track, [self._tracks.params(t) for t in tracks])

    def deactivate_tracks(self, track_ids: Sequence[str] | None = None) -> None:
        sql = self.dialect.sql
        with self._write() as db:
            if track_ids is None:
                db.execute(sql("UPDATE tracks SET active = ? WHERE active = ?"), (False, True))
            elif self.dialect.has_arrays:
                db.execute(
                    sql("UPDATE tracks SET active = ? WHERE track_id = ANY(?)"),
                    (False, list(track_ids)),
                )
            else:
                self._executemany(
                    db,
                    sql("UPDATE tracks SET active = ? WHERE track_id = ?"),
                    [(False, t) for t in track_ids],
                )

    def list_tracks(
        self, *, bbox: BBox | None = None, kind: str | None = None, active: bool | None = True
    ) -> list[TrackRecord]:
        d = self.dialect
        join, where, args = d.filters(TRACKS, kind=kind, bbox=bbox)
        if active is not None:
            where.append("t.active = ?")
            args.append(active)
        sql = d.sql(f"{d.select(TRACKS)}{join}{where_clause(where)} ORDER BY t.track_id")
        return [self._tracks.record(r) for r in self._rows(sql, args)]

    def get_track(self, track_id: str) -> TrackRecord | None:
        row = self._row(self._q.get_track, (track_id,))
        return None if row is None else self._tracks.record(row)

    def add_track_points(self, points: Sequence[TrackPoint]) -> None:
        if not points:
            return
        with self._write() as db:
            self._executemany(
                db, self._q.insert_track_point, [self._points.params(p) for p in points]
            )

    def track_history(
        self,
        track_id: str,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 1000,
    ) -> list[TrackPoint]:
        check_limit(limit)
        d = self.dialect
        t = f"p.{d.column('time')}"
        where: list[str] = ["p.track_id = ?"]
        args: list[Any] = [track_id]
        if since is not None:
            where.append(f"{t} >= ?")
            args.append(d.encode_time(since))
        if until is not None:
            where.append(f"{t} <= ?")
            args.append(d.encode_time(until))
        sql = d.sql(f"{d.select(TRACK_POINTS)}{where_clause(where)} ORDER BY {t} DESC LIMIT ?")
        rows = self._rows(sql, (*args, limit))
        return [self._points.record(r) for r in reversed(rows)]

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
        check_age(max_age_s, "max_age_s")
        check_age(trail_s, "trail_s")
        check_limit(limit)
        d = self.dialect
        tc = d.column("time")
        t0 = d.encode_time(at - timedelta(seconds=max_age_s))
        t1 = d.encode_time(at)
        # latest point of each track in (at - max_age_s, at]: the time index finds the window,
        # the primary key (track_id, time) the row
        where: list[str] = []
        args: list[Any] = [t0, t1]
        if kind is not None:
            where.append("t.kind = ?")
            args.append(kind)
        if bbox is not None:
            where.append("p.lon BETWEEN ? AND ? AND p.lat BETWEEN ? AND ?")
            args += [bbox.lon0, bbox.lon1, bbox.lat0, bbox.lat1]
        sql = d.sql(
            f"SELECT {d.columns(TRACK_POINTS)}, {d.columns(TRACKS)} FROM"
            f" (SELECT track_id, max({tc}) AS last FROM track_points"
            f" WHERE {tc} > ? AND {tc} <= ? GROUP BY track_id) m"
            f" JOIN track_points p ON p.track_id = m.track_id AND p.{tc} = m.last"
            f" JOIN tracks t ON t.track_id = p.track_id"
            f"{where_clause(where)} ORDER BY p.track_id LIMIT ?"
        )
        rows = self._rows(sql, (*args, limit))
        n = len(TRACK_POINTS.columns)
        found = [(self._points.record(r[:n]), self._tracks.record(r[n:])) for r in rows]
        trails: dict[str, list[TrackPoint]] = {}
        if trail_s > 0 and found:
            # each trail reaches trail_s back from its own point, so read from the oldest start
            first = min(p.time for p, _ in found) - timedelta(seconds=trail_s)
            sql = d.sql(
                f"{d.select(TRACK_POINTS)} WHERE p.{tc} > ? AND p.{tc} <= ?"
                f" ORDER BY p.track_id, p.{tc}"
            )
            starts = {p.track_id: p.time - timedelta(seconds=trail_s) for p, _ in found}
            for r in self._rows(sql, (d.encode_time(first), t1)):
                start = starts.get(r[0])
                if start is not None:
                    q = self._points.record(r)
                    if start < q.time:
                        trails.setdefault(r[0], []).append(q)
        return [TrackAt(p, t, tuple(trails.get(p.track_id, ()))) for p, t in found]

    # -- case events -----------------------------------------------------------------------
    def case_events(
        self, case_id: str | None = None, *, after: int | None = None
    ) -> list[CaseEventRecord]:
        d = self.dialect
        _, where, args = d.filters(CASE_EVENTS, after=after)
        if case_id is not None:
            where.append("e.case_id = ?")
            args.append(case_id)
        sql = d.sql(f"{d.select(CASE_EVENTS)}{where_clause(where)} ORDER BY e.ledger_index")
        return [self._events.record(r) for r in self._rows(sql, args)]

    # -- alerts ----------------------------------------------------------------------------
    def get_alert(self, alert_id: str) -> AlertRecord | None:
        row = self._row(self._q.get_alert, (alert_id,))
        return None if row is None else self._alerts.record(row)

    def list_alerts(
        self,
        *,
        after: int | None = None,
        limit: int = 100,
        kind: str | None = None,
        since: datetime | None = None,
        bbox: BBox | None = None,
    ) -> Page:
        return self._page(self._alerts, after, limit, kind, since, bbox)

    # -- documents -------------------------------------------------------------------------
    def get_document(self, doc_id: str) -> DocumentRecord | None:
        row = self._row(self._q.get_document, (doc_id,))
        return None if row is None else self._documents.record(row)

    def list_documents(
        self, *, case_id: str | None = None, kind: str | None = None
    ) -> list[DocumentRecord]:
        d = self.dialect
        _, where, args = d.filters(DOCUMENTS, kind=kind)
        if case_id is not None:
            where.insert(0, "d.case_id = ?")
            args.insert(0, case_id)
        sql = d.sql(
            f"{d.select(DOCUMENTS)}{where_clause(where)}"
            f" ORDER BY d.{d.column('created_at')} DESC, d.doc_id"
        )
        return [self._documents.record(r) for r in self._rows(sql, args)]
