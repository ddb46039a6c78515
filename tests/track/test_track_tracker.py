"""The observation-level tracker: AIS and radar together, correlation, kinds, events."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from channelwatch.events import Event, MemorySink
from channelwatch.geo import MS_PER_KN, LocalProjection, haversine_m
from channelwatch.ingest.observation import (
    AisPosition,
    AisStatic,
    ContactReport,
    DistressCall,
    Sensor,
)
from channelwatch.track import PictureConfig, Tracker, TrackInputError, TrackKind

PROJ = LocalProjection(51.0, 1.45)
T0 = datetime(2024, 6, 1, 3, 0, tzinfo=UTC)


def _latlon(xy: np.ndarray) -> tuple[float, float]:
    lat, lon = PROJ.to_latlon(xy[0], xy[1])
    return float(lat), float(lon)


def _plot(t: datetime, xy: np.ndarray, sigma: float = 30.0, **kw: object) -> ContactReport:
    lat, lon = _latlon(xy)
    fields = {"sensor": Sensor.RADAR, "sensor_id": "R1", "sigma_m": sigma, **kw}
    return ContactReport(time=t, lat=lat, lon=lon, **fields)  # type: ignore[arg-type]


def _ais(t: datetime, xy: np.ndarray, v: np.ndarray, mmsi: int) -> AisPosition:
    lat, lon = _latlon(xy)
    return AisPosition(
        time=t,
        mmsi=mmsi,
        msg_type=1,
        lat=lat,
        lon=lon,
        sog_kn=float(np.hypot(*v) / MS_PER_KN),
        cog_deg=float(np.degrees(np.arctan2(v[0], v[1])) % 360.0),
    )


def _channel_scene(
    seed: int, sink: MemorySink | None = None
) -> tuple[Tracker, list[Event], dict[str, np.ndarray]]:
    """A cargo ship on AIS and a 5-knot small boat without AIS, seen by a radar every 3 s."""
    rng = np.random.default_rng(seed)
    tracker = Tracker(PROJ, sink=sink, policy_hash="cfg-1")
    ship0, ship_v = np.array([-5000.0, -3000.0]), np.array([6.0, 3.0])
    boat0, boat_v = np.array([2000.0, -8000.0]), np.array([0.5, 2.5])
    events = tracker.ingest(
        AisStatic(
            time=T0,
            mmsi=235000001,
            msg_type=5,
            ship_type=70,
            to_bow_m=150,
            to_stern_m=40,
            name="CARGO ONE",
        )
    )
    for k in range(150):
        t = T0 + timedelta(seconds=3 * k)
        ship, boat = ship0 + ship_v * 3 * k, boat0 + boat_v * 3 * k
        if k % 3 == 0:
            events += tracker.ingest(_ais(t, ship, ship_v, 235000001))
        plots = [
            _plot(t, pos + rng.normal(0, 30, 2)) for pos in (ship, boat) if rng.random() < 0.85
        ]
        plots += [_plot(t, rng.uniform(-20000, 20000, 2)) for _ in range(rng.poisson(3))]
        events += tracker.ingest_scan(plots)
    return tracker, events, {"ship": ship, "boat": boat, "boat_v": boat_v}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_radar_and_ais_make_one_picture(seed: int) -> None:
    sink = MemorySink()
    tracker, events, truth = _channel_scene(seed, sink)
    assert sink.events == events and all(e.policy_hash == "cfg-1" for e in events)
    small = [e for e in events if e.type == "track.new_small_boat"]
    assert len(small) == 1  # the boat, once; never the ship
    assert (
        haversine_m(small[0].payload["lat"], small[0].payload["lon"], *_latlon(truth["boat"]))
        < 5000
    )
    correlated = [e for e in events if e.type == "track.correlated"]
    assert [e.payload["mmsi"] for e in correlated] == [235000001]
    views = {v.track_id: v for v in tracker.tracks()}
    ship_view = views["AIS-235000001"]
    assert ship_view.kind == TrackKind.SHIP and ship_view.name == "CARGO ONE"
    assert ship_view.length_m == 190.0
    radar_ship = [v for v in views.values() if v.correlated_mmsi == 235000001]
    assert len(radar_ship) == 1 and radar_ship[0].kind == TrackKind.SHIP
    boats = [v for v in views.values() if v.kind == TrackKind.SMALL_BOAT]
    assert len(boats) == 1
    boat = boats[0]
    assert haversine_m(boat.lat, boat.lon, *_latlon(truth["boat"])) < 100.0
    # the filter's speed error is about 1 kn (1 sigma) with these plots
    assert boat.sog_kn == pytest.approx(np.hypot(*truth["boat_v"]) / MS_PER_KN, abs=2.5)
    assert boat.mmsi is None and boat.sensors == ("radar",) and 0.5 < boat.quality <= 1.0
    assert 0 < len(boat.trail) <= 32 and boat.trail[-1][0] == boat.last_update
    json.dumps([v.to_dict() for v in views.values()])  # ready for the map


def test_escorted_small_boat_is_not_absorbed_by_its_escort() -> None:
    # a patrol vessel on AIS keeps 30 m from a small boat that aircraft report with people aboard
    tracker = Tracker(PROJ, known_assets={227000009: TrackKind.PATROL})
    v = np.array([0.0, 2.5])
    events: list[Event] = []
    rng = np.random.default_rng(5)
    for k in range(40):
        t = T0 + timedelta(seconds=10 * k)
        boat = np.array([0.0, 0.0]) + v * 10 * k
        escort = boat + np.array([30.0, 0.0])
        events += tracker.ingest(_ais(t, escort, v, 227000009))
        events += tracker.ingest(
            _plot(
                t,
                boat + rng.normal(0, 10, 2),
                sigma=15.0,
                sensor=Sensor.AERIAL,
                sensor_id="plane-1",
                persons_estimate=45,
                description="black inflatable",
            )
        )
    kinds = {v.track_id: v for v in tracker.tracks()}
    assert kinds["AIS-227000009"].kind == TrackKind.PATROL
    boats = [v for v in kinds.values() if v.kind == TrackKind.SMALL_BOAT]
    assert len(boats) == 1 and boats[0].correlated_mmsi is None
    assert boats[0].persons_estimate == 45 and boats[0].sensors == ("aerial",)
    assert not [e for e in events if e.type == "track.correlated"]
    announced = [e for e in events if e.type == "track.new_small_boat"]
    assert len(announced) == 1 and announced[0].payload["evidence"] == "sighting"
    assert announced[0].payload["persons_estimate"] == 45


def test_lost_track_reported_on_tick() -> None:
    tracker = Tracker(PROJ)
    for k in range(5):
        tracker.ingest_scan([_plot(T0 + timedelta(seconds=3 * k), np.array([10.0 * k, 0.0]))])
    assert len(tracker.tracks()) == 1
    assert tracker.tick(T0 + timedelta(seconds=200)) == []
    lost = tracker.tick(T0 + timedelta(seconds=400))  # coasting longer than 300 s
    assert [e.type for e in lost] == ["track.lost"]
    assert (
        lost[0].payload["track_id"].startswith("T-") and lost[0].payload["reason"] == "no_detection"
    )
    assert tracker.tracks() == []


def test_picture_is_predicted_to_now() -> None:
    tracker = Tracker(PROJ)
    v = np.array([0.0, 4.0])
    for k in range(12):
        tracker.ingest(_ais(T0 + timedelta(seconds=10 * k), v * 10 * k, v, 235000002))
    now = T0 + timedelta(seconds=110 + 60)
    view = tracker.track("AIS-235000002", now)
    assert view is not None
    assert haversine_m(view.lat, view.lon, *_latlon(v * 170)) < 30.0
    older = tracker.track("AIS-235000002")
    assert older is not None and older.position_sigma_m < view.position_sigma_m
    assert view.cog_deg == pytest.approx(0.0, abs=2.0) or view.cog_deg == pytest.approx(
        360.0, abs=2.0
    )
    assert tracker.track("T-999") is None


def test_refusals_and_counts() -> None:
    tracker = Tracker(PROJ)
    call = DistressCall(time=T0, lat=51.0, lon=1.5, accuracy_m=50.0, call_id="C-12")
    with pytest.raises(TrackInputError, match=r"C-12.*cases"):
        tracker.ingest(call)
    naive = datetime(2024, 6, 1, 3, 0)
    with pytest.raises(TrackInputError, match="timezone"):
        tracker.ingest(_plot(naive, np.zeros(2)))
    with pytest.raises(TrackInputError, match="sigma"):
        tracker.ingest(_plot(T0, np.zeros(2), sigma=0.0))
    assert tracker.ingest_many([call, _plot(T0, np.zeros(2))]) == []
    assert tracker.counts["distress_calls_refused"] == 2 and tracker.counts["contacts"] == 1
    assert tracker.ingest(_plot(T0 - timedelta(seconds=60), np.zeros(2))) == []
    assert tracker.counts["stale_contacts"] == 1
    tracker.ingest(_plot(T0 - timedelta(seconds=2), np.zeros(2)))  # a little late: taken
    assert tracker.counts["contacts"] == 2
    with pytest.raises(TrackInputError, match="known asset"):
        Tracker(PROJ, known_assets={1: TrackKind.SMALL_BOAT})
    with pytest.raises(TrackInputError, match="small_boat_speed_kn"):
        PictureConfig(small_boat_speed_kn=(10.0, 2.0))
