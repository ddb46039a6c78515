"""The production store: PostgreSQL with PostGIS (psycopg 3).

Tables live in their own schema (default ``channelwatch``); positions are PostGIS points with
GiST indexes, so box queries on contacts, tracks and alerts use the spatial index. One
connection per thread; every write is one transaction; migrations run under an advisory lock
so that two servers starting together do not both migrate.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from datetime import datetime
from typing import Any, TypeVar

from channelwatch.store.base import check_limit
from channelwatch.store.codec import as_utc, dumps
from channelwatch.store.errors import DuplicateError, NotFoundError, StoreError, StoreInputError
from channelwatch.store.migrate import check_not_newer, migrations
from channelwatch.store.records import (
    AlertRecord,
    Applied,
    BBox,
    CaseEventRecord,
    Changes,
    ContactRecord,
    DocumentRecord,
    Page,
    TrackPoint,
    TrackRecord,
    UserRecord,
)

T = TypeVar("T")
DEFAULT_SCHEMA = "channelwatch"
_MIGRATION_LOCK = 0x63770001  # advisory lock key: "cw" + 1
_SCHEMA_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")

_USER_COLS = (
    "username, password_hash, role, centre, display_name, created_at, disabled, demo, token_version"
)
# the id of a row that comes from a ledger entry is the entry's index
_CONTACT_COLS = "ledger_index, ledger_index, kind, time, lat, lon, received_by, body"
_ALERT_COLS = (
    "ledger_index, alert_id, kind, severity, time, message, ledger_index, lat, lon, track_id, "
    "case_id, "
    "centre, details, acknowledged_by, acknowledged_at"
)
_DOC_COLS = "doc_id, kind, case_id, created_at, created_by, ledger_index, summary, body"


def redact_url(url: str) -> str:
    """The URL without its password, for messages and ``location``."""
    return re.sub(r"(://[^:/@]+):[^@]*@", r"\1:***@", url)


def _user(r: Any) -> UserRecord:
    return UserRecord(r[0], r[1], r[2], r[3], r[4], as_utc(r[5]), r[6], r[7], r[8])


def _contact(r: Any) -> ContactRecord:
    return ContactRecord(
        id=r[0],
        ledger_index=r[1],
        kind=r[2],
        time=as_utc(r[3]),
        lat=r[4],
        lon=r[5],
        received_by=r[6],
        body=r[7],
    )


def _alert(r: Any) -> AlertRecord:
    return AlertRecord(
        id=r[0],
        alert_id=r[1],
        kind=r[2],
        severity=r[3],
        time=as_utc(r[4]),
        message=r[5],
        ledger_index=r[6],
        lat=r[7],
        lon=r[8],
        track_id=r[9],
        case_id=r[10],
        centre=r[11],
        details=r[12],
        acknowledged_by=r[13],
        acknowledged_at=None if r[14] is None else as_utc(r[14]),
    )


def _track(r: Any) -> TrackRecord:
    return TrackRecord(
        track_id=r[0], kind=r[1], time=as_utc(r[2]), lat=r[3], lon=r[4], body=r[5], active=r[6]
    )


def _document(r: Any) -> DocumentRecord:
    return DocumentRecord(r[0], r[1], r[2], as_utc(r[3]), r[4], r[5], r[6], r[7])


class PostgresRepository:
    """The repository in a PostgreSQL database with PostGIS (created and migrated on open)."""

    kind = "postgres"

    def __init__(self, url: str, *, schema: str = DEFAULT_SCHEMA) -> None:
        if not _SCHEMA_NAME.match(schema):
            raise StoreInputError(f"schema name must be a plain lower-case name, got {schema!r}")
        self.url = url
        self.schema = schema
        self.location = redact_url(url)
        self._local = threading.local()
        self._conns: list[Any] = []
        self._conns_lock = threading.Lock()
        self._closed = False
        self._migrate()

    # -- connections -----------------------------------------------------------------------
    def _db(self) -> Any:
        conn = getattr(self._local, "conn", None)
        if conn is not None and conn.closed:
            conn = None
        if conn is None:
            if self._closed:
                raise StoreError(f"the store {self.location} is closed")
            import psycopg

            try:
                conn = psycopg.connect(self.url, autocommit=True)
                conn.execute("SET TIME ZONE 'UTC'")
                conn.execute(f"SET search_path TO {self.schema}, public")
            except psycopg.Error as exc:
                raise StoreError(f"cannot connect to {self.location}: {exc}") from None
            self._local.conn = conn
            with self._conns_lock:
                self._conns.append(conn)
        return conn

    @contextmanager
    def _write(self) -> Iterator[Any]:
        import psycopg

        db = self._db()
        try:
            with db.transaction():
                yield db
        except psycopg.errors.UniqueViolation:
            raise
        except psycopg.Error as exc:
            raise StoreError(f"{self.location}: {exc}") from None

    def _read(self, fn: Callable[[Any], T]) -> T:
        import psycopg

        try:
            return fn(self._db())
        except psycopg.Error as exc:
            raise StoreError(f"{self.location}: {exc}") from None

    def _migrate(self) -> None:
        with self._write() as db:
            db.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK,))
            db.execute(f"CREATE SCHEMA IF NOT EXISTS {self.schema}")
            db.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY,"
                " name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())"
            )
            applied = {r[0] for r in db.execute("SELECT version FROM schema_migrations")}
            check_not_newer("postgres", applied)
            for m in migrations("postgres"):
                if m.version in applied:
                    continue
                db.execute(m.sql.encode())
                db.execute(
                    "INSERT INTO schema_migrations (version, name) VALUES (%s, %s)",
                    (m.version, m.name),
                )

    def schema_version(self) -> int:
        return int(
            self._read(
                lambda db: db.execute("SELECT max(version) FROM schema_migrations").fetchone()[0]
            )
        )

    def ledger_applied(self) -> int:
        row = self._read(
            lambda db: db.execute("SELECT value FROM meta WHERE key = 'ledger_applied'").fetchone()
        )
        return int(row[0])

    # -- the write path of ledger-derived rows ---------------------------------------------
    def apply(self, changes: Changes) -> Applied:
        contact_ids: list[int] = []
        alert_ids: list[int] = []
        with self._write() as db:
            if changes.contacts:
                with db.cursor() as cur:
                    cur.executemany(
                        "INSERT INTO contacts (ledger_index, kind, time, lat, lon, received_by,"
                        " body) VALUES (%s, %s, %s, %s, %s, %s, %s::jsonb)"
                        " ON CONFLICT (ledger_index) DO NOTHING",
                        [
                            (
                                c.ledger_index,
                                c.kind,
                                c.time,
                                c.lat,
                                c.lon,
                                c.received_by,
                                dumps(c.body),
                            )
                            for c in changes.contacts
                        ],
                    )
            contact_ids = [c.ledger_index for c in changes.contacts]
            if changes.case_events:
                with db.cursor() as cur:
                    cur.executemany(
                        "INSERT INTO case_events VALUES (%s, %s, %s, %s, %s, %s::jsonb, %s)"
                        " ON CONFLICT (ledger_index) DO NOTHING",
                        [
                            (
                                e.ledger_index,
                                e.case_id,
                                e.type,
                                e.time,
                                e.actor,
                                dumps(e.payload),
                                e.policy_hash,
                            )
                            for e in changes.case_events
                        ],
                    )
            for a in changes.alerts:
                db.execute(
                    "INSERT INTO alerts (ledger_index, alert_id, kind, severity, time, message,"
                    " lat, lon, track_id, case_id, centre, details) VALUES"
                    " (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s::jsonb)"
                    " ON CONFLICT DO NOTHING",
                    (
                        a.ledger_index,
                        a.alert_id,
                        a.kind,
                        a.severity,
                        a.time,
                        a.message,
                        a.lat,
                        a.lon,
                        a.track_id,
                        a.case_id,
                        a.centre,
                        dumps(a.details),
                    ),
                )
            alert_ids = [a.ledger_index for a in changes.alerts]
            for ack in changes.acknowledgements:
                db.execute(
                    "UPDATE alerts SET acknowledged_by = %s, acknowledged_at = %s"
                    " WHERE alert_id = %s",
                    (ack.by, ack.at, ack.alert_id),
                )
            for d in changes.documents:
                db.execute(
                    f"INSERT INTO documents ({_DOC_COLS}) VALUES"
                    " (%s, %s, %s, %s, %s, %s, %s::jsonb, %s::jsonb)"
                    " ON CONFLICT (doc_id) DO NOTHING",
                    (
                        d.doc_id,
                        d.kind,
                        d.case_id,
                        d.created_at,
                        d.created_by,
                        d.ledger_index,
                        dumps(d.summary),
                        dumps(d.body),
                    ),
                )
            if changes.ledger_applied is not None:
                db.execute(
                    "UPDATE meta SET value = %s WHERE key = 'ledger_applied'"
                    " AND CAST(value AS BIGINT) < %s",
                    (str(changes.ledger_applied), changes.ledger_applied),
                )
        return Applied(tuple(contact_ids), tuple(alert_ids))

    # -- users -----------------------------------------------------------------------------
    def add_user(self, user: UserRecord) -> None:
        import psycopg

        try:
            with self._write() as db:
                db.execute(
                    f"INSERT INTO users ({_USER_COLS}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
                    (
                        user.username,
                        user.password_hash,
                        user.role,
                        user.centre,
                        user.display_name,
                        user.created_at,
                        user.disabled,
                        user.demo,
                        user.token_version,
                    ),
                )
        except psycopg.errors.UniqueViolation:
            raise DuplicateError(f"user {user.username!r} exists already") from None

    def get_user(self, username: str) -> UserRecord | None:
        row = self._read(
            lambda db: db.execute(
                f"SELECT {_USER_COLS} FROM users WHERE username = %s", (username,)
            ).fetchone()
        )
        return None if row is None else _user(row)

    def list_users(self) -> list[UserRecord]:
        rows = self._read(
            lambda db: db.execute(f"SELECT {_USER_COLS} FROM users ORDER BY username").fetchall()
        )
        return [_user(r) for r in rows]

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
                sets.append(f"{col} = %s")
                args.append(value)
        if bump_token_version:
            sets.append("token_version = token_version + 1")
        with self._write() as db:
            if sets:
                db.execute(
                    f"UPDATE users SET {', '.join(sets)} WHERE username = %s", (*args, username)
                )
            row = db.execute(
                f"SELECT {_USER_COLS} FROM users WHERE username = %s", (username,)
            ).fetchone()
        if row is None:
            raise NotFoundError(f"no user {username!r}")
        return _user(row)

    def delete_user(self, username: str) -> bool:
        with self._write() as db:
            cur = db.execute("DELETE FROM users WHERE username = %s", (username,))
            return bool(cur.rowcount > 0)

    def revoke_token(self, token_id: str, expires_at: datetime) -> None:
        with self._write() as db:
            db.execute(
                "INSERT INTO revoked_tokens VALUES (%s, %s)"
                " ON CONFLICT (token_id) DO UPDATE SET expires_at = excluded.expires_at",
                (token_id, expires_at),
            )

    def revoked_tokens(self, now: datetime) -> set[str]:
        rows = self._read(
            lambda db: db.execute(
                "SELECT token_id FROM revoked_tokens WHERE expires_at > %s", (now,)
            ).fetchall()
        )
        return {r[0] for r in rows}

    # -- contacts --------------------------------------------------------------------------
    @staticmethod
    def _filters(
        after: int | None,
        kind: str | None,
        since: datetime | None,
        bbox: BBox | None,
        time_col: str = "time",
    ) -> tuple[str, list[Any]]:
        where: list[str] = ["TRUE"]
        args: list[Any] = []
        if after is not None:
            where.append("ledger_index > %s")
            args.append(after)
        if kind is not None:
            where.append("kind = %s")
            args.append(kind)
        if since is not None:
            where.append(f"{time_col} >= %s")
            args.append(since)
        if bbox is not None:
            # && compares float4 index boxes (rounded outward): exact test on lat/lon after
            where.append(
                "geom && ST_MakeEnvelope(%s, %s, %s, %s, 4326)"
                " AND lon BETWEEN %s AND %s AND lat BETWEEN %s AND %s"
            )
            args += [bbox.lon0, bbox.lat0, bbox.lon1, bbox.lat1]
            args += [bbox.lon0, bbox.lon1, bbox.lat0, bbox.lat1]
        return " AND ".join(where), args

    def list_contacts(
        self,
        *,
        after: int | None = None,
        limit: int = 100,
        kind: str | None = None,
        since: datetime | None = None,
        bbox: BBox | None = None,
    ) -> Page:
        check_limit(limit)
        where, args = self._filters(after, kind, since, bbox)
        sql = f"SELECT {_CONTACT_COLS} FROM contacts WHERE {where} ORDER BY ledger_index LIMIT %s"
        rows = self._read(lambda db: db.execute(sql, (*args, limit + 1)).fetchall())
        items = [_contact(r) for r in rows[:limit]]
        return Page(items, items[-1].id if len(rows) > limit else None)

    def count_contacts(self) -> int:
        return int(self._read(lambda db: db.execute("SELECT count(*) FROM contacts").fetchone()[0]))

    # -- tracks ----------------------------------------------------------------------------
    def upsert_tracks(self, tracks: Sequence[TrackRecord]) -> None:
        if not tracks:
            return
        with self._write() as db, db.cursor() as cur:
            cur.executemany(
                "INSERT INTO tracks (track_id, kind, time, lat, lon, active, body)"
                " VALUES (%s, %s, %s, %s, %s, %s, %s::jsonb) ON CONFLICT (track_id) DO UPDATE SET"
                " kind = excluded.kind, time = excluded.time, lat = excluded.lat,"
                " lon = excluded.lon, active = excluded.active, body = excluded.body",
                [
                    (t.track_id, t.kind, t.time, t.lat, t.lon, t.active, dumps(t.body))
                    for t in tracks
                ],
            )

    def deactivate_tracks(self, track_ids: Sequence[str] | None = None) -> None:
        with self._write() as db:
            if track_ids is None:
                db.execute("UPDATE tracks SET active = FALSE WHERE active")
            else:
                db.execute(
                    "UPDATE tracks SET active = FALSE WHERE track_id = ANY(%s)", (list(track_ids),)
                )

    def list_tracks(
        self, *, bbox: BBox | None = None, kind: str | None = None, active: bool | None = True
    ) -> list[TrackRecord]:
        where, args = self._filters(None, kind, None, bbox)
        if active is not None:
            where += " AND active = %s"
            args.append(active)
        sql = (
            "SELECT track_id, kind, time, lat, lon, body, active FROM tracks "
            f"WHERE {where} ORDER BY track_id"
        )
        return [_track(r) for r in self._read(lambda db: db.execute(sql, args).fetchall())]

    def get_track(self, track_id: str) -> TrackRecord | None:
        row = self._read(
            lambda db: db.execute(
                "SELECT track_id, kind, time, lat, lon, body, active FROM tracks"
                " WHERE track_id = %s",
                (track_id,),
            ).fetchone()
        )
        return None if row is None else _track(row)

    def add_track_points(self, points: Sequence[TrackPoint]) -> None:
        if not points:
            return
        with self._write() as db, db.cursor() as cur:
            cur.executemany(
                "INSERT INTO track_points (track_id, time, lat, lon, sog_kn, cog_deg)"
                " VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
                [(p.track_id, p.time, p.lat, p.lon, p.sog_kn, p.cog_deg) for p in points],
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
        where: list[str] = ["track_id = %s"]
        args: list[Any] = [track_id]
        if since is not None:
            where.append("time >= %s")
            args.append(since)
        if until is not None:
            where.append("time <= %s")
            args.append(until)
        sql = (
            "SELECT track_id, time, lat, lon, sog_kn, cog_deg FROM track_points "
            f"WHERE {' AND '.join(where)} ORDER BY time DESC LIMIT %s"
        )
        rows = self._read(lambda db: db.execute(sql, (*args, limit)).fetchall())
        return [TrackPoint(r[0], as_utc(r[1]), r[2], r[3], r[4], r[5]) for r in reversed(rows)]

    # -- case events -----------------------------------------------------------------------
    def case_events(
        self, case_id: str | None = None, *, after: int | None = None
    ) -> list[CaseEventRecord]:
        where: list[str] = ["TRUE"]
        args: list[Any] = []
        if case_id is not None:
            where.append("case_id = %s")
            args.append(case_id)
        if after is not None:
            where.append("ledger_index > %s")
            args.append(after)
        sql = (
            "SELECT ledger_index, case_id, type, time, actor, payload, policy_hash "
            f"FROM case_events WHERE {' AND '.join(where)} ORDER BY ledger_index"
        )
        rows = self._read(lambda db: db.execute(sql, args).fetchall())
        return [CaseEventRecord(r[0], r[1], r[2], as_utc(r[3]), r[4], r[5], r[6]) for r in rows]

    # -- alerts ----------------------------------------------------------------------------
    def get_alert(self, alert_id: str) -> AlertRecord | None:
        row = self._read(
            lambda db: db.execute(
                f"SELECT {_ALERT_COLS} FROM alerts WHERE alert_id = %s", (alert_id,)
            ).fetchone()
        )
        return None if row is None else _alert(row)

    def list_alerts(
        self,
        *,
        after: int | None = None,
        limit: int = 100,
        kind: str | None = None,
        since: datetime | None = None,
        bbox: BBox | None = None,
    ) -> Page:
        check_limit(limit)
        where, args = self._filters(after, kind, since, bbox)
        sql = f"SELECT {_ALERT_COLS} FROM alerts WHERE {where} ORDER BY ledger_index LIMIT %s"
        rows = self._read(lambda db: db.execute(sql, (*args, limit + 1)).fetchall())
        items = [_alert(r) for r in rows[:limit]]
        return Page(items, items[-1].id if len(rows) > limit else None)

    # -- documents -------------------------------------------------------------------------
    def get_document(self, doc_id: str) -> DocumentRecord | None:
        row = self._read(
            lambda db: db.execute(
                f"SELECT {_DOC_COLS} FROM documents WHERE doc_id = %s", (doc_id,)
            ).fetchone()
        )
        return None if row is None else _document(row)

    def list_documents(
        self, *, case_id: str | None = None, kind: str | None = None
    ) -> list[DocumentRecord]:
        where: list[str] = ["TRUE"]
        args: list[Any] = []
        if case_id is not None:
            where.append("case_id = %s")
            args.append(case_id)
        if kind is not None:
            where.append("kind = %s")
            args.append(kind)
        sql = (
            f"SELECT {_DOC_COLS} FROM documents WHERE {' AND '.join(where)} "
            "ORDER BY created_at DESC, doc_id"
        )
        return [_document(r) for r in self._read(lambda db: db.execute(sql, args).fetchall())]

    def close(self) -> None:
        self._closed = True
        with self._conns_lock:
            conns, self._conns = self._conns, []
        for c in conns:
            with suppress(Exception):  # closing is best effort
                c.close()
        self._local = threading.local()
