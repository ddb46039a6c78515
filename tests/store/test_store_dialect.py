"""The SQL built once from the table descriptions: statements, row codecs, both backends alike."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from channelwatch.store import (
    Acknowledgement,
    AlertRecord,
    BBox,
    CaseEventRecord,
    Changes,
    ContactRecord,
    DocumentRecord,
    Repository,
    TrackPoint,
    TrackRecord,
    UserRecord,
    open_store,
)
from channelwatch.store.dialect import Dialect
from channelwatch.store.postgres import PostgresDialect
from channelwatch.store.repository import Statements
from channelwatch.store.sqlite import SqliteDialect
from channelwatch.store.tables import (
    ALERTS,
    CASE_EVENTS,
    CONTACTS,
    DOCUMENTS,
    TRACK_POINTS,
    TRACKS,
    USERS,
    Column,
    Table,
)

T0 = datetime(2025, 11, 27, 1, 30, tzinfo=UTC)
DIALECTS = [SqliteDialect(), PostgresDialect()]


def test_a_table_must_follow_its_records_fields() -> None:
    with pytest.raises(TypeError, match="do not match"):
        Table("tracks", "t", (Column("kind"), Column("track_id")), record=TrackRecord)


@pytest.mark.parametrize("dialect", DIALECTS, ids=lambda d: d.name)
def test_statements_use_the_drivers_placeholders(dialect: Dialect) -> None:
    q = Statements.build(dialect)
    texts = [getattr(q, f) for f in Statements.__slots__]
    if dialect.name == "postgres":
        assert not any("?" in t for t in texts)
        assert "%s::jsonb" in q.insert_contact
    else:
        assert not any("%" in t for t in texts)
        assert "t_us" in q.insert_contact and q.insert_contact.startswith("INSERT OR IGNORE")


@pytest.mark.parametrize("dialect", DIALECTS, ids=lambda d: d.name)
@pytest.mark.parametrize("table", [USERS, CONTACTS, TRACKS, TRACK_POINTS, CASE_EVENTS, ALERTS])
def test_an_insert_has_a_placeholder_per_parameter(dialect: Dialect, table: Table) -> None:
    sql = dialect.insert(table, skip_existing=True)
    mark = "%s" if dialect.name == "postgres" else "?"
    assert sql.count(mark) == len(table.written)
    cols = sql[sql.index("(") + 1 : sql.index(")")].split(", ")
    assert cols == [dialect.column(c.name) for c in table.written]


def _as_stored(table: Table, params: tuple[Any, ...], parse_json: bool) -> tuple[Any, ...]:
    """The row a database gives back for an insert of ``params`` (unwritten columns NULL)."""
    by_name: dict[str, Any] = {c.name: v for c, v in zip(table.written, params, strict=True)}
    row: list[Any] = []
    for c in table.columns:
        value: Any = by_name.get(c.column)
        if parse_json and c.kind == "json":
            value = json.loads(value)  # psycopg parses jsonb itself
        row.append(value)
    return tuple(row)


_times = st.datetimes(
    min_value=datetime(1971, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
)
_json = st.dictionaries(
    st.text(max_size=5),
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text(max_size=8),
    max_size=4,
)
_floats = st.floats(-90, 90, allow_nan=False)


@given(
    st.builds(
        ContactRecord,
        ledger_index=st.integers(0, 2**62),
        kind=st.sampled_from(["contact", "call"]),
        time=_times,
        lat=_floats,
        lon=_floats,
        received_by=st.text(max_size=10),
        body=_json,
    ),
    st.builds(
        TrackRecord,
        track_id=st.text(min_size=1, max_size=8),
        kind=st.text(max_size=8),
        time=_times,
        lat=_floats,
        lon=_floats,
        body=_json,
        active=st.booleans(),
    ),
    st.builds(
        DocumentRecord,
        doc_id=st.text(min_size=1, max_size=8),
        kind=st.sampled_from(["drift_run", "search_plan"]),
        case_id=st.none() | st.text(max_size=8),
        created_at=_times,
        created_by=st.text(max_size=8),
        ledger_index=st.integers(0, 2**62),
        summary=_json,
        body=_json,
    ),
)
def test_a_record_comes_back_as_it_was_written(
    contact: ContactRecord, track: TrackRecord, doc: DocumentRecord
) -> None:
    for dialect in DIALECTS:
        parse = dialect.name == "postgres"
        for table, record, expect in (
            (CONTACTS, contact, _with(contact, id=contact.ledger_index)),
            (TRACKS, track, track),
            (DOCUMENTS, doc, doc),
        ):
            codec = dialect.codec(table)
            back = codec.record(_as_stored(table, codec.params(record), parse))
            assert back == expect
            if isinstance(back, TrackRecord):
                assert type(back.active) is bool  # 1 == True would hide a missing conversion


def _with(record: Any, **changes: Any) -> Any:
    return replace(record, **changes)


def test_an_alert_is_written_unacknowledged() -> None:
    alert = AlertRecord("A", "k", "info", T0, "m", 3, acknowledged_by="x", acknowledged_at=T0)
    codec = SqliteDialect().codec(ALERTS)
    back = codec.record(_as_stored(ALERTS, codec.params(alert), False))
    assert back == _with(alert, acknowledged_by=None, acknowledged_at=None, id=3)


# -- both backends answer alike ------------------------------------------------------------
def _scenario(repo: Repository) -> list[Any]:
    """A mixed run of writes and reads; the list of what came back."""
    out: list[Any] = []
    repo.add_user(UserRecord("gn-op", "h", "operator", "FR", "Op", T0))
    out.append(repo.update_user("gn-op", role="supervisor", disabled=True))
    repo.revoke_token("t", T0 + timedelta(hours=1))
    repo.revoke_token("t", T0 - timedelta(hours=1))  # replaced: expired now
    out.append(repo.revoked_tokens(T0))
    contacts = tuple(
        ContactRecord(i, "call" if i % 3 == 0 else "contact", T0 + timedelta(seconds=i),
                      50.6 + 0.07 * i, 0.6 + 0.11 * i, "FR/op", {"n": i, "f": float("nan")})
        for i in range(10)
    )  # fmt: skip
    alerts = (
        AlertRecord("A-1", "new_small_boat", "warning", T0, "boat", 20, 51.0, 1.5, "T-1"),
        AlertRecord("A-2", "ais_gap", "info", T0 + timedelta(seconds=5), "gap", 21),
        AlertRecord("A-1", "same_alert_id", "info", T0, "skipped", 22),
    )
    events = (CaseEventRecord(30, "C-1", "case_opened", T0, "FR/op", {"a": [1]}, "ph"),)
    docs = (DocumentRecord("D-1", "drift_run", "C-1", T0, "FR/op", 31, {"n": 1}, {"g": {}}),)
    acks = (Acknowledgement("A-1", "GB/op", T0 + timedelta(seconds=3), 32),)
    changes = Changes(contacts, events, alerts, acks, docs, ledger_applied=32)
    out += [repo.apply(changes), repo.apply(changes), repo.ledger_applied()]
    box = BBox(0.8, 50.7, 1.4, 51.2)
    out.append(repo.list_contacts(limit=3, after=2))
    out.append(repo.list_contacts(bbox=box, kind="contact", since=T0 + timedelta(seconds=2)))
    out.append(repo.list_alerts(bbox=BBox(1, 50, 2, 52)))
    out.append(repo.list_alerts(after=20))
    out += [repo.get_alert("A-1"), repo.case_events("C-1", after=29), repo.list_documents()]
    tracks = [
        TrackRecord(f"T-{i}", "small_boat", T0 + timedelta(seconds=i), 50.7 + 0.1 * i,
                    0.9 + 0.1 * i, {"i": i})
        for i in range(5)
    ]  # fmt: skip
    repo.upsert_tracks(tracks)
    repo.upsert_tracks([_with(tracks[1], lat=51.45, lon=1.95, body={"moved": True})])
    repo.deactivate_tracks(["T-0"])
    out += [repo.list_tracks(bbox=BBox(1.0, 50.5, 2.0, 51.5)), repo.list_tracks(active=False)]
    # 1 == True: equal records could still differ in the type of a flag
    flags = [t.active for t in repo.list_tracks(active=None)] + [out[0].disabled, out[0].demo]
    out.append([type(f).__name__ for f in flags])
    points = [TrackPoint("T-1", T0 + timedelta(seconds=s), 51.0, 1.5, 2.0, None) for s in range(6)]
    repo.add_track_points(points)
    repo.add_track_points(points[:2])
    out.append(repo.track_history("T-1", since=points[1].time, until=points[4].time, limit=2))
    return out


@pytest.mark.postgres
def test_both_backends_answer_alike(tmp_path: Path, postgres_url: str) -> None:
    runs: list[list[Any]] = []
    opens: list[Callable[[], Repository]] = [
        lambda: open_store(tmp_path / "alike.db"),
        lambda: open_store(postgres_url, schema="cw_alike"),
    ]
    for open_one in opens:
        repo = open_one()
        try:
            runs.append(_scenario(repo))
        finally:
            repo.close()
    sqlite_run, postgres_run = runs
    assert len(sqlite_run) == len(postgres_run)
    for got_sqlite, got_postgres in zip(sqlite_run, postgres_run, strict=True):
        assert got_sqlite == got_postgres
