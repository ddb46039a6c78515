"""The repository contract, run the same on SQLite and on PostgreSQL with PostGIS."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from channelwatch.store import (
    Acknowledgement,
    AlertRecord,
    BBox,
    CaseEventRecord,
    Changes,
    ContactRecord,
    DocumentRecord,
    DuplicateError,
    NotFoundError,
    Repository,
    StoreInputError,
    TrackPoint,
    TrackRecord,
    UserRecord,
    open_store,
)

T0 = datetime(2025, 11, 27, 1, 30, tzinfo=UTC)
_schema_counter = iter(range(1_000_000))
_index_blocks = iter(range(1, 10_000_000))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def repo(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Repository]:
    if request.param == "sqlite":
        r = open_store(tmp_path / "store.db")
    else:
        url = request.getfixturevalue("postgres_url")
        r = open_store(url, schema=f"cw_test_{next(_schema_counter)}")
    try:
        yield r
    finally:
        r.close()


def _contact(i: int, lat: float = 51.0, lon: float = 1.5, kind: str = "contact") -> ContactRecord:
    return ContactRecord(
        ledger_index=i,
        kind=kind,
        time=T0 + timedelta(seconds=i),
        lat=lat,
        lon=lon,
        received_by="FR/gn-operator",
        body={"sensor": "radar", "n": i, "note": "x"},
    )


def test_fresh_store_is_migrated_and_empty(repo: Repository) -> None:
    assert repo.schema_version() >= 1
    assert repo.ledger_applied() == -1
    assert repo.list_users() == []
    assert repo.count_contacts() == 0


def test_users_round_trip_and_updates(repo: Repository) -> None:
    u = UserRecord("gn-op", "hash", "operator", "FR", "Op", T0)
    repo.add_user(u)
    assert repo.get_user("gn-op") == u
    with pytest.raises(DuplicateError):
        repo.add_user(u)
    v = repo.update_user("gn-op", disabled=True, bump_token_version=True, display_name="New")
    assert (v.disabled, v.token_version, v.display_name) == (True, 1, "New")
    with pytest.raises(NotFoundError):
        repo.update_user("nobody", disabled=True)
    assert repo.delete_user("gn-op") is True
    assert repo.delete_user("gn-op") is False
    assert repo.get_user("gn-op") is None


def test_revoked_tokens_expire(repo: Repository) -> None:
    repo.revoke_token("a", T0 + timedelta(hours=1))
    repo.revoke_token("b", T0 - timedelta(hours=1))
    assert repo.revoked_tokens(T0) == {"a"}


def test_apply_is_idempotent_and_pages_in_order(repo: Repository) -> None:
    changes = Changes(contacts=tuple(_contact(i) for i in range(5)), ledger_applied=4)
    first = repo.apply(changes)
    again = repo.apply(changes)  # a catch-up after a crash writes the same rows again
    assert first.contact_ids == again.contact_ids
    assert len(set(first.contact_ids)) == 5
    assert repo.count_contacts() == 5
    assert repo.ledger_applied() == 4
    repo.apply(Changes(ledger_applied=2))  # never goes back
    assert repo.ledger_applied() == 4
    p1 = repo.list_contacts(limit=2)
    p2 = repo.list_contacts(limit=2, after=p1.next)
    p3 = repo.list_contacts(limit=2, after=p2.next)
    got = [c.ledger_index for c in p1.items + p2.items + p3.items]
    assert got == [0, 1, 2, 3, 4]
    assert p3.next is None
    assert p1.items[0].body["n"] == 0
    assert p1.items[0].time == T0


def test_contact_filters_bbox_kind_since(repo: Repository) -> None:
    repo.apply(
        Changes(
            contacts=(
                _contact(0, 51.0, 1.5),
                _contact(1, 50.5, 1.0, "call"),
                _contact(2, 51.2, 1.9),
            )
        )
    )
    box = BBox(1.4, 50.9, 2.0, 51.3)
    assert [c.ledger_index for c in repo.list_contacts(bbox=box).items] == [0, 2]
    assert [c.ledger_index for c in repo.list_contacts(kind="call").items] == [1]
    since = T0 + timedelta(seconds=1)
    assert [c.ledger_index for c in repo.list_contacts(since=since).items] == [1, 2]
    with pytest.raises(StoreInputError):
        repo.list_contacts(limit=0)


def test_tracks_upsert_deactivate_bbox_history(repo: Repository) -> None:
    a = TrackRecord("T-1", "small_boat", T0, 51.0, 1.5, {"track_id": "T-1", "x": 1})
    b = TrackRecord("AIS-1", "ship", T0, 50.0, 0.0, {"track_id": "AIS-1"})
    repo.upsert_tracks([a, b])
    moved = TrackRecord("T-1", "small_boat", T0 + timedelta(seconds=10), 51.1, 1.6, {"x": 2})
    repo.upsert_tracks([moved])
    t1 = repo.get_track("T-1")
    assert t1 is not None and t1.lat == 51.1 and t1.body == {"x": 2}
    box = BBox(1.0, 50.5, 2.0, 51.5)
    assert [t.track_id for t in repo.list_tracks(bbox=box)] == ["T-1"]
    repo.deactivate_tracks(["T-1"])
    assert [t.track_id for t in repo.list_tracks()] == ["AIS-1"]
    assert {t.track_id for t in repo.list_tracks(active=None)} == {"T-1", "AIS-1"}
    repo.deactivate_tracks()
    assert repo.list_tracks() == []
    pts = [TrackPoint("T-1", T0 + timedelta(seconds=s), 51.0, 1.5, 3.0, 90.0) for s in range(5)]
    repo.add_track_points(pts)
    repo.add_track_points(pts[:2])  # again: ignored
    hist = repo.track_history("T-1", limit=3)
    assert [p.time for p in hist] == [p.time for p in pts[2:]]  # the latest 3, oldest first
    window = repo.track_history("T-1", since=pts[1].time, until=pts[2].time)
    assert [p.time for p in window] == [pts[1].time, pts[2].time]


def test_case_events_alerts_documents(repo: Repository) -> None:
    ev = CaseEventRecord(7, "C-0001", "case_opened", T0, "FR/op", {"case_id": "C-0001"})
    alert = AlertRecord(
        alert_id="A-1",
        kind="new_small_boat",
        severity="warning",
        time=T0,
        message="boat",
        ledger_index=8,
        lat=51.0,
        lon=1.5,
        track_id="T-1",
        details={"persons": 40, "nan": float("nan")},
    )
    doc = DocumentRecord(
        "D-1", "drift_run", "C-0001", T0, "FR/op", 9, {"n": 1}, {"geojson": {"a": [1, 2]}}
    )
    applied = repo.apply(
        Changes(case_events=(ev,), alerts=(alert,), documents=(doc,), ledger_applied=9)
    )
    assert len(applied.alert_ids) == 1
    assert repo.case_events("C-0001") == [ev]
    assert repo.case_events(after=7) == []
    got = repo.get_alert("A-1")
    assert got is not None and got.details == {"persons": 40, "nan": None}
    repo.apply(Changes(acknowledgements=(Acknowledgement("A-1", "GB/op", T0, 10),)))
    acked = repo.get_alert("A-1")
    assert acked is not None and acked.acknowledged_by == "GB/op" and acked.acknowledged_at == T0
    assert [a.alert_id for a in repo.list_alerts(bbox=BBox(1, 50, 2, 52)).items] == ["A-1"]
    assert repo.list_alerts(kind="ais_gap").items == []
    assert repo.get_document("D-1") == doc
    assert [d.doc_id for d in repo.list_documents(case_id="C-0001", kind="drift_run")] == ["D-1"]


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(st.floats(49.5, 52.0, allow_nan=False), st.floats(-1.0, 3.5, allow_nan=False)),
        min_size=1,
        max_size=30,
    ),
    st.tuples(st.floats(-1.0, 3.5), st.floats(-1.0, 3.5), st.floats(49.5, 52), st.floats(49.5, 52)),
)
def test_bbox_query_matches_a_plain_filter(
    repo: Repository, points: list[tuple[float, float]], box: tuple[float, ...]
) -> None:
    """The spatial index (R*Tree or GiST) answers exactly what a scan would."""
    lon0, lon1 = sorted(box[:2])
    lat0, lat1 = sorted(box[2:])
    bbox = BBox(lon0, lat0, lon1, lat1)
    base = next(_index_blocks) * 1000  # fresh ledger indices for every example
    rows = [_contact(base + k, la, lo) for k, (la, lo) in enumerate(points)]
    repo.apply(Changes(contacts=tuple(rows)))
    mine = {c.ledger_index for c in rows}
    got: set[int] = set()
    page: Any = repo.list_contacts(bbox=bbox, limit=1000)
    got = {c.ledger_index for c in page.items} & mine
    want = {c.ledger_index for c in rows if lon0 <= c.lon <= lon1 and lat0 <= c.lat <= lat1}
    assert got == want


def test_bbox_finds_coordinates_too_small_for_float32(repo: Repository) -> None:
    """The R*Tree stores float32: a longitude of 1e-308 is kept as 0 there, not rounded out."""
    repo.apply(Changes(contacts=(_contact(0, 50.0, -1.1e-308), _contact(1, 50.0, 2e-40))))
    west = BBox(-1.0, 49.5, -1.1e-308, 50.0)
    east = BBox(2e-40, 49.5, 1.0, 50.0)
    assert [c.ledger_index for c in repo.list_contacts(bbox=west).items] == [0]
    assert [c.ledger_index for c in repo.list_contacts(bbox=east).items] == [1]


def test_bbox_refuses_bad_boxes() -> None:
    with pytest.raises(StoreInputError):
        BBox.parse("1,2,3")
    with pytest.raises(StoreInputError):
        BBox.parse("a,b,c,d")
    with pytest.raises(StoreInputError):
        BBox(2, 50, 1, 51)
    with pytest.raises(StoreInputError):
        BBox(float("nan"), 50, 1, 51)


def test_naive_times_are_refused() -> None:
    with pytest.raises(StoreInputError):
        _ = ContactRecord(0, "contact", datetime(2025, 1, 1), 51.0, 1.5, "x", {})


@pytest.mark.parametrize("n", [1, 2, 3, 63, 64, 65, 200])
def test_bulk_writes_keep_every_row_once_in_order(repo: Repository, n: int) -> None:
    """A batch of any size is written whole (SQLite sends it as a few multi-row statements):
    every row once, a row already there skipped, an upsert of the same track twice in one
    batch keeping the later one."""
    rows = [_contact(i, lat=50.0 + i * 1e-3) for i in range(n)]
    repo.apply(Changes(contacts=rows[: n // 2]))
    repo.apply(Changes(contacts=rows))  # the first half again: skipped, not an error
    assert repo.count_contacts() == n
    page = repo.list_contacts(limit=1000)
    assert [c.id for c in page.items] == list(range(n))
    assert [c.lat for c in page.items] == [r.lat for r in rows]
    tracks = [
        TrackRecord(f"T-{i % max(1, n // 2)}", "ship", T0 + timedelta(seconds=i), 50.0, 1.0 + i, {})
        for i in range(n)
    ]
    repo.upsert_tracks(tracks)
    stored = {t.track_id: t.lon for t in repo.list_tracks(active=None)}
    expected = {t.track_id: t.lon for t in tracks}  # the last of each id in the batch
    assert stored == expected
    points = [TrackPoint("T-0", T0 + timedelta(seconds=i), 50.0, 1.0, 5.0, 90.0) for i in range(n)]
    repo.add_track_points(points + points[:3])
    assert len(repo.track_history("T-0", limit=1000)) == n
