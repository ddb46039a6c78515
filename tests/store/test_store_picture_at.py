"""The picture at a past time (``tracks_at``), the same on SQLite and PostgreSQL with PostGIS."""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from channelwatch.store import (
    BBox,
    Repository,
    StoreInputError,
    TrackPoint,
    TrackRecord,
    open_store,
)

T0 = datetime(2025, 11, 27, 4, 0, tzinfo=UTC)
_schema_counter = iter(range(1_000_000))
_example_counter = iter(range(1_000_000))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def repo(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Repository]:
    if request.param == "sqlite":
        r = open_store(tmp_path / "store.db")
    else:
        url = request.getfixturevalue("postgres_url")
        r = open_store(url, schema=f"cw_at_{next(_schema_counter)}")
    try:
        yield r
    finally:
        r.close()


def _s(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def _track(tid: str, kind: str, last_s: float) -> TrackRecord:
    return TrackRecord(tid, kind, _s(last_s), 51.0, 1.5, {"track_id": tid, "name": f"n-{tid}"})


def _fill(repo: Repository) -> None:
    repo.upsert_tracks(
        [_track("A", "small_boat", 300), _track("B", "ship", 300), _track("C", "patrol", 30)]
    )
    pts = [TrackPoint("A", _s(s), 51.0 + s * 1e-4, 1.5, 4.0, 300.0) for s in range(0, 301, 10)]
    pts += [TrackPoint("B", _s(s), 50.5, 0.5 + s * 1e-4, 12.0, None) for s in range(100, 301, 20)]
    pts += [TrackPoint("C", _s(s), 51.2, 1.8) for s in (0, 30)]
    repo.add_track_points(pts)


def test_latest_point_of_each_track_in_the_window(repo: Repository) -> None:
    _fill(repo)
    got = repo.tracks_at(_s(105), max_age_s=120)
    assert [g.point.track_id for g in got] == ["A", "B", "C"]
    a, b, c = got
    assert a.point.time == _s(100) and a.point.sog_kn == 4.0 and a.point.cog_deg == 300.0
    assert math.isclose(a.point.lat, 51.01)
    assert b.point.time == _s(100) and b.point.cog_deg is None
    assert c.point.time == _s(30) and c.point.sog_kn is None
    assert a.track.kind == "small_boat" and a.track.body["name"] == "n-A"
    assert a.trail == ()  # only asked for
    # the window is (at - max_age_s, at]: a point exactly max_age_s old is out, one at `at` in
    assert [g.point.track_id for g in repo.tracks_at(_s(150), max_age_s=120)] == ["A", "B"]
    assert [g.point.time for g in repo.tracks_at(_s(140), max_age_s=10)] == [_s(140), _s(140)]
    assert repo.tracks_at(_s(-1)) == []  # before anything was stored
    assert repo.tracks_at(_s(500), max_age_s=120) == []  # everything aged out


def test_filters_limit_and_trail(repo: Repository) -> None:
    _fill(repo)
    assert [g.point.track_id for g in repo.tracks_at(_s(120), kind="ship")] == ["B"]
    box = BBox(1.0, 50.9, 2.0, 51.3)
    assert [g.point.track_id for g in repo.tracks_at(_s(30), bbox=box)] == ["A", "C"]
    assert [g.point.track_id for g in repo.tracks_at(_s(120), limit=1)] == ["A"]
    (a,) = repo.tracks_at(_s(95), kind="small_boat", trail_s=60)
    assert [p.time for p in a.trail] == [_s(s) for s in (40, 50, 60, 70, 80, 90)]
    assert a.trail[-1] == a.point  # the trail ends at the point shown
    # the trail is the stored history, the same as the per-track query over that window
    hist = repo.track_history("A", since=_s(36), until=_s(95))
    assert list(a.trail) == hist
    # a trail reaches back from its own point, not from the time asked
    (c,) = repo.tracks_at(_s(100), kind="patrol", trail_s=45)
    assert [p.time for p in c.trail] == [_s(0), _s(30)]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"max_age_s": -1.0}, "max_age_s"),
        ({"max_age_s": float("nan")}, "max_age_s"),
        ({"trail_s": 1e9}, "trail_s"),
        ({"limit": 0}, "limit"),
    ],
)
def test_bad_arguments_are_refused(tmp_path: Path, kwargs: dict[str, float], match: str) -> None:
    r = open_store(tmp_path / "s.db")
    try:
        with pytest.raises(StoreInputError, match=match):
            r.tracks_at(T0, **kwargs)  # type: ignore[arg-type]
    finally:
        r.close()


def test_sqlite_finds_the_window_with_the_time_index(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    open_store(path).close()
    with sqlite3.connect(path) as db:
        plan = db.execute(
            "EXPLAIN QUERY PLAN SELECT track_id, max(t_us) FROM track_points"
            " WHERE t_us > 1 AND t_us <= 2 GROUP BY track_id"
        ).fetchall()
    assert any("track_points_time" in str(row) for row in plan)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(st.integers(0, 4), st.integers(0, 600)), min_size=1, max_size=40, unique=True
    ),
    st.integers(-10, 700),
    st.integers(1, 300),
)
def test_matches_a_plain_scan(
    repo: Repository, points: list[tuple[int, int]], at_s: int, max_age_s: int
) -> None:
    """Whatever the points, the answer is what a scan of them would say."""
    prefix = f"X{next(_example_counter)}-"  # fresh track ids for every example
    ids = sorted({f"{prefix}{k}" for k, _ in points})
    repo.upsert_tracks([_track(t, "small_boat", 600) for t in ids])
    repo.add_track_points(
        [TrackPoint(f"{prefix}{k}", _s(s), 51.0, 1.0 + s / 1000) for k, s in points]
    )
    want: dict[str, int] = {}
    for k, s in points:
        if at_s - max_age_s < s <= at_s:
            want[f"{prefix}{k}"] = max(s, want.get(f"{prefix}{k}", s))
    got = {
        g.point.track_id: g.point.time
        for g in repo.tracks_at(_s(at_s), max_age_s=max_age_s)
        if g.point.track_id.startswith(prefix)
    }
    assert got == {t: _s(s) for t, s in want.items()}
