"""AIS targets: reporting intervals, gaps, impossible jumps, restarts; and a real Seine log."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from track_ais_log import read_vernon

from channelwatch.geo import MS_PER_KN, LocalProjection, destination, haversine_m
from channelwatch.ingest.observation import AisPosition, AisStatic
from channelwatch.track import AisConfig, Tracker, TrackKind, nominal_interval_s
from channelwatch.track.ais import AisTable

T0 = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)
PROJ = LocalProjection(51.0, 1.45)


def _pos(dt_s: float, lat: float, lon: float, mmsi: int = 235000001, **kw: object) -> AisPosition:
    fields = {"msg_type": 1, "sog_kn": 10.0, "cog_deg": 90.0, **kw}
    return AisPosition(time=T0 + timedelta(seconds=dt_s), mmsi=mmsi, lat=lat, lon=lon, **fields)  # type: ignore[arg-type]


def _along(t_s: float, speed_kn: float = 10.0) -> tuple[float, float]:
    lat, lon = destination(51.0, 1.3, 90.0, speed_kn * MS_PER_KN * t_s)
    return float(lat), float(lon)


def test_nominal_intervals_itu_table() -> None:
    assert nominal_interval_s(1, 10.0, 0) == 10.0
    assert nominal_interval_s(1, 18.0, 0) == 6.0
    assert nominal_interval_s(3, 30.0, 0) == 2.0
    assert nominal_interval_s(1, 0.1, 1) == 180.0  # at anchor
    assert nominal_interval_s(1, 5.0, 1) == 10.0  # at anchor but moving
    assert nominal_interval_s(18, 1.0, None) == 180.0
    assert nominal_interval_s(18, 8.0, None) == 30.0
    assert nominal_interval_s(27, 8.0, None) == 180.0


def _table() -> AisTable:
    return AisTable(PROJ, AisConfig())


def test_gap_announced_once_then_resumed() -> None:
    table = _table()
    for k in range(6):
        assert table.position(_pos(10.0 * k, *_along(10.0 * k)), T0.timestamp() + 10.0 * k) == []
    last = T0.timestamp() + 50.0
    assert table.check(last + 59.0) == []  # threshold max(6 x 10 s, 60 s)
    notices = table.check(last + 61.0)
    assert [n[0] for n in notices] == ["track.ais_gap"]
    assert notices[0][2]["ongoing"] is True and notices[0][2]["expected_interval_s"] == 10.0
    assert table.check(last + 120.0) == []  # once per gap
    back = table.position(_pos(200.0, *_along(200.0)), T0.timestamp() + 200.0)
    assert [n[0] for n in back] == ["track.ais_resumed"]
    assert back[0][2]["silent_s"] == pytest.approx(150.0)


def test_gap_found_when_reports_resume_without_a_tick() -> None:
    table = _table()
    table.position(_pos(0.0, *_along(0.0)), T0.timestamp())
    notices = table.position(_pos(300.0, *_along(300.0)), T0.timestamp() + 300.0)
    assert [n[0] for n in notices] == ["track.ais_gap"]
    assert notices[0][2]["ongoing"] is False and notices[0][2]["silent_s"] == 300.0


def test_impossible_jump_rejected_and_track_kept() -> None:
    table = _table()
    for k in range(3):
        table.position(_pos(10.0 * k, *_along(10.0 * k)), T0.timestamp() + 10.0 * k)
    far = table.position(_pos(30.0, 51.5, 1.3), T0.timestamp() + 30.0)  # 55 km in 10 s
    assert [n[0] for n in far] == ["track.jump_rejected"]
    assert far[0][2]["implied_speed_kn"] > 1000
    target = table.targets[235000001]
    assert haversine_m(target.last_lat, target.last_lon, *_along(20.0)) < 1.0
    ok = table.position(_pos(40.0, *_along(40.0)), T0.timestamp() + 40.0)
    assert ok == [] and target.pending is None and table.counts["rejected_jump"] == 1


def test_bad_first_fix_is_replaced_when_two_reports_agree() -> None:
    table = _table()
    table.position(_pos(0.0, 50.0, 0.0), T0.timestamp())  # a wrong first fix, 120 km away
    first = table.position(_pos(10.0, *_along(10.0)), T0.timestamp() + 10.0)
    assert [n[0] for n in first] == ["track.jump_rejected"]
    second = table.position(_pos(20.0, *_along(20.0)), T0.timestamp() + 20.0)
    assert [n[0] for n in second] == ["track.ais_restarted"]
    target = table.targets[235000001]
    assert haversine_m(target.last_lat, target.last_lon, *_along(20.0)) < 1.0
    assert len(target.trail) == 1


def test_aircraft_may_fly_fast() -> None:
    table = _table()
    table.position(_pos(0.0, *_along(0.0, 150.0), msg_type=9, sog_kn=150.0), T0.timestamp())
    notices = table.position(
        _pos(10.0, *_along(10.0, 150.0), msg_type=9, sog_kn=150.0), T0.timestamp() + 10.0
    )
    assert notices == [] and table.counts["rejected_jump"] == 0


def test_lost_after_long_silence_and_odd_reports() -> None:
    table = _table()
    table.position(_pos(0.0, *_along(0.0)), T0.timestamp())
    table.position(_pos(1.0, 95.0, 1.0), T0.timestamp() + 1.0)  # no valid latitude
    table.position(_pos(2.0, 51.0, 1.0, msg_type=4), T0.timestamp() + 2.0)  # base station
    table.position(_pos(-60.0, *_along(0.0)), T0.timestamp() - 60.0)  # a minute late
    assert table.counts["invalid"] == 1 and table.counts["ignored"] == 1
    assert table.counts["stale"] == 1
    notices = table.check(T0.timestamp() + 1801.0)
    assert [n[0] for n in notices] == ["track.lost"] and not table.targets


def test_static_sets_kind_name_and_length() -> None:
    table = _table()
    table.static(
        AisStatic(
            time=T0,
            mmsi=235000001,
            msg_type=5,
            ship_type=51,
            name="LIFEBOAT ",
            to_bow_m=10,
            to_stern_m=7,
        )
    )
    table.position(_pos(0.0, *_along(0.0)), T0.timestamp())
    target = table.targets[235000001]
    assert (target.kind, target.name, target.length_m) == (TrackKind.RESCUE, "LIFEBOAT", 17.0)


def test_velocity_from_sog_cog() -> None:
    table = _table()
    for k in range(3):
        table.position(_pos(10.0 * k, *_along(10.0 * k)), T0.timestamp() + 10.0 * k)
    v = table.targets[235000001].x[0, 2:]
    assert np.hypot(*v) == pytest.approx(10.0 * MS_PER_KN, rel=0.05)
    assert v[0] > 0 and abs(v[1]) < 0.5  # heading east


@pytest.fixture(scope="module")
def vernon(shared_data: Path) -> list[AisPosition | AisStatic]:
    return read_vernon(shared_data / "ais" / "ais_vernon_20160331.log", 8000)


def test_real_seine_log(vernon: list[AisPosition | AisStatic]) -> None:
    # a shore receiver on the Seine at Vernon, one night of real traffic
    positions = [o for o in vernon if isinstance(o, AisPosition)]
    vessels = {o.mmsi for o in positions if o.msg_type in (1, 2, 3, 18)}
    tracker = Tracker(LocalProjection(49.1, 1.47))
    events = tracker.ingest_many(vernon)
    counts = tracker.ais.counts
    assert counts["ignored"] == sum(o.msg_type == 4 for o in positions)  # base stations
    # the capture holds a few corrupted reports placed in the Indian Ocean: kept out
    far = [o for o in positions if o.msg_type != 4 and abs(o.lat - 49.1) > 2.0]
    assert far and counts["out_of_area"] == len(far)
    vessels -= {o.mmsi for o in far} - {o.mmsi for o in positions if abs(o.lat - 49.1) < 2.0}
    usable = len(positions) - counts["ignored"] - counts["invalid"] - counts["out_of_area"]
    assert counts["accepted"] >= 0.99 * usable  # real reports are almost all plausible
    views = tracker.tracks()
    assert {v.mmsi for v in views} == vessels
    for v in views:
        assert 48.9 < v.lat < 49.3 and 1.2 < v.lon < 1.7  # on the river near Vernon
        assert v.kind in (TrackKind.SHIP, TrackKind.PATROL, TrackKind.RESCUE)
    kinds = Counter(e.type for e in events)
    assert set(kinds) <= {
        "track.ais_gap",
        "track.ais_resumed",
        "track.jump_rejected",
        "track.ais_restarted",
    }
    for e in events:
        if e.type == "track.ais_gap":
            assert e.payload["silent_s"] > e.payload["threshold_s"]
    last = max(o.time for o in vernon)
    later = tracker.tick(last + timedelta(minutes=10))
    assert later and all(e.type in ("track.ais_gap", "track.lost") for e in later)
