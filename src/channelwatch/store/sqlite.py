"""The embedded store: one SQLite file (WAL), nothing to set up.

One connection per thread (WAL lets readers run beside the writer); writes are serialised by a
lock and ``BEGIN IMMEDIATE`` (which also orders them against other processes, such as
``channelwatch users`` run while the server is up). ``synchronous=NORMAL``: the ledger is the
durable record, and the store is caught up from it on start.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from channelwatch.store.base import check_limit
from channelwatch.store.codec import dumps, from_us, loads, to_us
from channelwatch.store.errors import DuplicateError, NotFoundError, StoreError
from channelwatch.store.migrate import check_not_newer, migrations, sqlite_statements
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

_USER_COLS = (
    "username, password_hash, role, centre, display_name, created_us, disabled, demo, token_version"
)
# the id of a row that comes from a ledger entry is the entry's index
_CONTACT_COLS = "ledger_index, ledger_index, kind, t_us, lat, lon, received_by, body"
_ALERT_COLS = (
    "ledger_index, alert_id, kind, severity, t_us, message, ledger_index, lat, lon, track_id, "
    "case_id, "
    "centre, details, acknowledged_by, acknowledged_us"
)
_DOC_COLS = "doc_id, kind, case_id, created_us, created_by, ledger_index, summary, body"


def _user(row: Any) -> UserRecord:
    return UserRecord(
        username=row[0],
        password_hash=row[1],
        role=row[2],
        centre=row[3],
        display_name=row[4],
        created_at=from_us(row[5]),
        disabled=bool(row[6]),
        demo=bool(row[7]),
        token_version=int(row[8]),
    )


def _contact(row: Any) -> ContactRecord:
    return ContactRecord(
        id=row[0],
        ledger_index=row[1],
        kind=row[2],
        time=from_us(row[3]),
        lat=row[4],
        lon=row[5],
        received_by=row[6],
        body=loads(row[7]),
    )


def _alert(row: Any) -> AlertRecord:
    return AlertRecord(
        id=row[0],
        alert_id=row[1],
        kind=row[2],
        severity=row[3],
        time=from_us(row[4]),
        message=row[5],
        ledger_index=row[6],
        lat=row[7],
        lon=row[8],
        track_id=row[9],
        case_id=row[10],
        centre=row[11],
        details=loads(row[12]),
        acknowledged_by=row[13],
        acknowledged_at=None if row[14] is None else from_us(row[14]),
    )


def _track(row: Any) -> TrackRecord:
    return TrackRecord(
        track_id=row[0],
        kind=row[1],
        time=from_us(row[2]),
        lat=row[3],
        lon=row[4],
        active=bool(row[5]),
        body=loads(row[6]),
    )


def _document(row: Any) -> DocumentRecord:
    return DocumentRecord(
        doc_id=row[0],
        kind=row[1],
        case_id=row[2],
        created_at=from_us(row[3]),
        created_by=row[4],
        ledger_index=row[5],
        summary=loads(row[6]),
        body=loads(row[7]),
    )


class SqliteRepository:
    """The repository in one SQLite file (created, and migrated, on open)."""

    kind = "sqlite"

    def __init__(self, path: str | Path, *, busy_timeout_s: float = 30.0) -> None:
        self.path = Path(path)
        self.location = str(self.path)
        self._busy_timeout_s = busy_timeout_s
        self._local = threading.local()
        self._conns: list[sqlite3.Connection] = []
        self._conns_lock = threading.Lock()
        self._write_lock = threading.RLock()
        self._closed = False
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create the folder of {self.path}: {exc}") from None
        self._migrate()

    # -- connections -----------------------------------------------------------------------
    def _db(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            if self._closed:
                raise StoreError(f"the store {self.path} is closed")
            try:
                conn = sqlite3.connect(
                    self.path,
                    isolation_level=None,
                    check_same_thread=False,
                    timeout=self._busy_timeout_s,
                )
                mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
                conn.execute("PRAGMA synchronous=NORMAL")
                conn.execute("PRAGMA foreign_keys=ON")
            except sqlite3.DatabaseError as exc:
                raise StoreError(f"{self.path} is not a usable SQLite file: {exc}") from None
            if mode != "wal":
                raise StoreError(f"{self.path}: cannot use WAL journal mode (got {mode!r})")
            self._local.conn = conn
            with self._conns_lock:
                self._conns.append(conn)
        return conn

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        db = self._db()
        with self._write_lock:
            try:
                db.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise StoreError(f"{self.path}: cannot start a write: {exc}") from None
            try:
                yield db
            except BaseException as exc:
                db.execute("ROLLBACK")
                if isinstance(exc, sqlite3.Error) and not isinstance(exc, sqlite3.IntegrityError):
                    raise StoreError(f"{self.path}: {exc}") from None
                raise
            else:
                db.execute("COMMIT")

    def _read(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        try:
            return fn(self._db())
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: {exc}") from None

    def _migrate(self) -> None:
        try:
            with self._write() as db:
                db.execute(
                    "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY,"
                    " name TEXT NOT NULL, applied_us INTEGER NOT NULL)"
                )
                applied = {r[0] for r in db.execute("SELECT version FROM schema_migrations")}
                check_not_newer("sqlite", applied)
                for m in migrations("sqlite"):
                    if m.version in applied:
                        continue
                    for statement in sqlite_statements(m.sql):
                        db.execute(statement)
                    db.execute(
                        "INSERT INTO schema_migrations VALUES (?, ?, ?)",
                        (m.version, m.name, to_us(datetime.now(UTC))),
                    )
        except sqlite3.Error as exc:
            raise StoreError(f"cannot migrate {self.path}: {exc}") from None

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
            db.executemany(
                "INSERT OR IGNORE INTO contacts (ledger_index, kind, t_us, lat, lon, received_by,"
                " body) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        c.ledger_index,
                        c.kind,
                        to_us(c.time),
                        c.lat,
                        c.lon,
                        c.received_by,
                        dumps(c.body),
                    )
                    for c in changes.contacts
                ],
            )
            contact_ids = [c.ledger_index for c in changes.contacts]
            db.executemany(
                "INSERT OR IGNORE INTO case_events VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        e.ledger_index,
                        e.case_id,
                        e.type,
                        to_us(e.time),
                        e.actor,
                        dumps(e.payload),
                        e.policy_hash,
                    )
                    for e in changes.case_events
                ],
            )
            db.executemany(
                "INSERT OR IGNORE INTO alerts (ledger_index, alert_id, kind, severity, t_us,"
                " message, lat, lon, track_id, case_id, centre, details) VALUES"
                " (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        a.ledger_index,
                        a.alert_id,
                        a.kind,
                        a.severity,
                        to_us(a.time),
                        a.message,
                        a.lat,
                        a.lon,
                        a.track_id,
                        a.case_id,
                        a.centre,
                        dumps(a.details),
                    )
                    for a in changes.alerts
                ],
            )
            alert_ids = [a.ledger_index for a in changes.alerts]
            for ack in changes.acknowledgements:
                db.execute(
                    "UPDATE alerts SET acknowledged_by = ?, acknowledged_us = ? WHERE alert_id = ?",
                    (ack.by, to_us(ack.at), ack.alert_id),
                )
            for d in changes.documents:
                db.execute(
                    f"INSERT OR IGNORE INTO documents ({_DOC_COLS})"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        d.doc_id,
                        d.kind,
                        d.case_id,
                        to_us(d.created_at),
                        d.created_by,
                        d.ledger_index,
                        dumps(d.summary),
                        dumps(d.body),
                    ),
                )
            if changes.ledger_applied is not None:
                db.execute(
                    "UPDATE meta SET value = ? WHERE key = 'ledger_applied'"
                    " AND CAST(value AS INTEGER) < ?",
                    (str(changes.ledger_applied), changes.ledger_applied),
                )
        return Applied(tuple(contact_ids), tuple(alert_ids))

    # -- users -----------------------------------------------------------------------------
    def add_user(self, user: UserRecord) -> None:
        try:
            with self._write() as db:
                db.execute(
                    f"INSERT INTO users ({_USER_COLS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        user.username,
                        user.password_hash,
                        user.role,
                        user.centre,
                        user.display_name,
                        to_us(user.created_at),
                        int(user.disabled),
                        int(user.demo),
                        user.token_version,
                    ),
                )
        except sqlite3.IntegrityError:
            raise DuplicateError(f"user {user.username!r} exists already") from None

    def get_user(self, username: str) -> UserRecord | None:
        row = self._read(
            lambda db: db.execute(
                f"SELECT {_USER_COLS} FROM users WHERE username = ?", (username,)
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
        ):
            if value is not None:
                sets.append(f"{col} = ?")
                args.append(value)
        if disabled is not None:
            sets.append("disabled = ?")
            args.append(int(disabled))
        if bump_token_version:
            sets.append("token_version = token_version + 1")
        with self._write() as db:
            if sets:
                cur = db.execute(
                    f"UPDATE users SET {', '.join(sets)} WHERE username = ?", (*args, username)
                )
                if cur.rowcount == 0:
                    raise NotFoundError(f"no user {username!r}")
            row = db.execute(
                f"SELECT {_USER_COLS} FROM users WHERE username = ?", (username,)
            ).fetchone()
        if row is None:
            raise NotFoundError(f"no user {username!r}")
        return _user(row)

    def delete_user(self, username: str) -> bool:
        with self._write() as db:
            return db.execute("DELETE FROM users WHERE username = ?", (username,)).rowcount > 0

    def revoke_token(self, token_id: str, expires_at: datetime) -> None:
        with self._write() as db:
            db.execute(
                "INSERT OR REPLACE INTO revoked_tokens VALUES (?, ?)",
                (token_id, to_us(expires_at)),
            )

    def revoked_tokens(self, now: datetime) -> set[str]:
        rows = self._read(
            lambda db: db.execute(
                "SELECT token_id FROM revoked_tokens WHERE expires_us > ?", (to_us(now),)
            ).fetchall()
        )
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
        check_limit(limit)
        where: list[str] = ["1 = 1"]
        args: list[Any] = []
        if after is not None:
            where.append("c.ledger_index > ?")
            args.append(after)
        if kind is not None:
            where.append("c.kind = ?")
            args.append(kind)
        if since is not None:
            where.append("c.t_us >= ?")
            args.append(to_us(since))
        join = ""
        if bbox is not None:
            join = "JOIN contacts_rtree r ON r.id = c.ledger_index"
            # the R*Tree keeps float32 boxes rounded outward: overlap finds every candidate,
            # the exact test on the row's own coordinates decides
            where.append(
                "r.lon1 >= ? AND r.lon0 <= ? AND r.lat1 >= ? AND r.lat0 <= ?"
                " AND c.lon BETWEEN ? AND ? AND c.lat BETWEEN ? AND ?"
            )
            args += [bbox.lon0, bbox.lon1, bbox.lat0, bbox.lat1] * 2
        cols = ", ".join(f"c.{c.strip()}" for c in _CONTACT_COLS.split(","))
        sql = (
            f"SELECT {cols} FROM contacts c {join} WHERE {' AND '.join(where)} "
            "ORDER BY c.ledger_index LIMIT ?"
        )
        rows = self._read(lambda db: db.execute(sql, (*args, limit + 1)).fetchall())
        items = [_contact(r) for r in rows[:limit]]
        return Page(items, items[-1].id if len(rows) > limit else None)

    def count_contacts(self) -> int:
        return int(self._read(lambda db: db.execute("SELECT count(*) FROM contacts").fetchone()[0]))

    # -- tracks ----------------------------------------------------------------------------
    def upsert_tracks(self, tracks: Sequence[TrackRecord]) -> None:
        if not tracks:
            return
        with self._write() as db:
            db.executemany(
                "INSERT INTO tracks (track_id, kind, t_us, lat, lon, active, body)"
                " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (track_id) DO UPDATE SET"
                " kind = excluded.kind, t_us = excluded.t_us, lat = excluded.lat,"
                " lon = excluded.lon, active = excluded.active, body = excluded.body",
                [
                    (t.track_id, t.kind, to_us(t.time), t.lat, t.lon, int(t.active), dumps(t.body))
                    for t in tracks
                ],
            )

    def deactivate_tracks(self, track_ids: Sequence[str] | None = None) -> None:
        with self._write() as db:
            if track_ids is None:
                db.execute("UPDATE tracks SET active = 0 WHERE active = 1")
            else:
                db.executemany(
                    "UPDATE tracks SET active = 0 WHERE track_id = ?", [(t,) for t in track_ids]
                )

    def list_tracks(
        self, *, bbox: BBox | None = None, kind: str | None = None, active: bool | None = True
    ) -> list[TrackRecord]:
        where: list[str] = ["1 = 1"]
        args: list[Any] = []
        if kind is not None:
            where.append("t.kind = ?")
            args.append(kind)
        if active is not None:
            where.append("t.active = ?")
            args.append(int(active))
        join = ""
        if bbox is not None:
            join = "JOIN tracks_rtree r ON r.id = t.rid"
            # the R*Tree keeps float32 boxes rounded outward: overlap finds every candidate,
            # the exact test on the row's own coordinates decides
            where.append(
                "r.lon1 >= ? AND r.lon0 <= ? AND r.lat1 >= ? AND r.lat0 <= ?"
                " AND t.lon BETWEEN ? AND ? AND t.lat BETWEEN ? AND ?"
            )
            args += [bbox.lon0, bbox.lon1, bbox.lat0, bbox.lat1] * 2
        sql = (
            "SELECT t.track_id, t.kind, t.t_us, t.lat, t.lon, t.active, t.body FROM tracks t "
            f"{join} WHERE {' AND '.join(where)} ORDER BY t.track_id"
        )
        return [_track(r) for r in self._read(lambda db: db.execute(sql, args).fetchall())]

    def get_track(self, track_id: str) -> TrackRecord | None:
        row = self._read(
            lambda db: db.execute(
                "SELECT track_id, kind, t_us, lat, lon, active, body FROM tracks"
                " WHERE track_id = ?",
                (track_id,),
            ).fetchone()
        )
        return None if row is None else _track(row)

    def add_track_points(self, points: Sequence[TrackPoint]) -> None:
        if not points:
            return
        with self._write() as db:
            db.executemany(
                "INSERT OR IGNORE INTO track_points VALUES (?, ?, ?, ?, ?, ?)",
                [(p.track_id, to_us(p.time), p.lat, p.lon, p.sog_kn, p.cog_deg) for p in points],
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
        where: list[str] = ["track_id = ?"]
        args: list[Any] = [track_id]
        if since is not None:
            where.append("t_us >= ?")
            args.append(to_us(since))
        if until is not None:
            where.append("t_us <= ?")
            args.append(to_us(until))
        sql = (
            "SELECT track_id, t_us, lat, lon, sog_kn, cog_deg FROM track_points "
            f"WHERE {' AND '.join(where)} ORDER BY t_us DESC LIMIT ?"
        )
        rows = self._read(lambda db: db.execute(sql, (*args, limit)).fetchall())
        return [TrackPoint(r[0], from_us(r[1]), r[2], r[3], r[4], r[5]) for r in reversed(rows)]

    # -- case events -----------------------------------------------------------------------
    def case_events(
        self, case_id: str | None = None, *, after: int | None = None
    ) -> list[CaseEventRecord]:
        where: list[str] = ["1 = 1"]
        args: list[Any] = []
        if case_id is not None:
            where.append("case_id = ?")
            args.append(case_id)
        if after is not None:
            where.append("ledger_index > ?")
            args.append(after)
        sql = (
            "SELECT ledger_index, case_id, type, t_us, actor, payload, policy_hash "
            f"FROM case_events WHERE {' AND '.join(where)} ORDER BY ledger_index"
        )
        rows = self._read(lambda db: db.execute(sql, args).fetchall())
        return [
            CaseEventRecord(r[0], r[1], r[2], from_us(r[3]), r[4], loads(r[5]), r[6]) for r in rows
        ]

    # -- alerts ----------------------------------------------------------------------------
    def get_alert(self, alert_id: str) -> AlertRecord | None:
        row = self._read(
            lambda db: db.execute(
                f"SELECT {_ALERT_COLS} FROM alerts WHERE alert_id = ?", (alert_id,)
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
        where: list[str] = ["1 = 1"]
        args: list[Any] = []
        if after is not None:
            where.append("a.ledger_index > ?")
            args.append(after)
        if kind is not None:
            where.append("a.kind = ?")
            args.append(kind)
        if since is not None:
            where.append("a.t_us >= ?")
            args.append(to_us(since))
        join = ""
        if bbox is not None:
            join = "JOIN alerts_rtree r ON r.id = a.ledger_index"
            # the R*Tree keeps float32 boxes rounded outward: overlap finds every candidate,
            # the exact test on the row's own coordinates decides
            where.append(
                "r.lon1 >= ? AND r.lon0 <= ? AND r.lat1 >= ? AND r.lat0 <= ?"
                " AND a.lon BETWEEN ? AND ? AND a.lat BETWEEN ? AND ?"
            )
            args += [bbox.lon0, bbox.lon1, bbox.lat0, bbox.lat1] * 2
        cols = ", ".join(f"a.{c.strip()}" for c in _ALERT_COLS.split(","))
        sql = (
            f"SELECT {cols} FROM alerts a {join} WHERE {' AND '.join(where)} "
            "ORDER BY a.ledger_index LIMIT ?"
        )
        rows = self._read(lambda db: db.execute(sql, (*args, limit + 1)).fetchall())
        items = [_alert(r) for r in rows[:limit]]
        return Page(items, items[-1].id if len(rows) > limit else None)

    # -- documents -------------------------------------------------------------------------
    def get_document(self, doc_id: str) -> DocumentRecord | None:
        row = self._read(
            lambda db: db.execute(
                f"SELECT {_DOC_COLS} FROM documents WHERE doc_id = ?", (doc_id,)
            ).fetchone()
        )
        return None if row is None else _document(row)

    def list_documents(
        self, *, case_id: str | None = None, kind: str | None = None
    ) -> list[DocumentRecord]:
        where: list[str] = ["1 = 1"]
        args: list[Any] = []
        if case_id is not None:
            where.append("case_id = ?")
            args.append(case_id)
        if kind is not None:
            where.append("kind = ?")
            args.append(kind)
        sql = (
            f"SELECT {_DOC_COLS} FROM documents WHERE {' AND '.join(where)} "
            "ORDER BY created_us DESC, doc_id"
        )
        return [_document(r) for r in self._read(lambda db: db.execute(sql, args).fetchall())]

    def close(self) -> None:
        self._closed = True
        with self._conns_lock:
            conns, self._conns = self._conns, []
        for c in conns:
            with suppress(sqlite3.Error):
                c.close()
        self._local = threading.local()
