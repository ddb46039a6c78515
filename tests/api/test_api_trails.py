"""The picture's trails sent as they grow (only new points cross from the tracker's process)
and put back together: the same picture as sending every trail whole, picture after picture,
as tracks are updated, scroll past their trail length, start and end."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

from channelwatch.api.live.tracking import TrailMerger, snapshot_with
from channelwatch.ingest.observation import ContactReport, Sensor
from channelwatch.track import Tracker

T0 = datetime(2025, 11, 27, 2, 0, tzinfo=UTC)


def plots(step: int, rng: random.Random, boats: range) -> list[ContactReport]:
    t = T0 + timedelta(seconds=step)
    out = []
    for b in boats:
        if rng.random() < 0.6:  # not every boat is seen every time
            out.append(
                ContactReport(
                    time=t,
                    lat=50.85 + b * 0.01 + step * 2e-5,
                    lon=1.30 + step * 3e-5 + rng.gauss(0, 1e-5),
                    sensor=Sensor.RADAR,
                    sensor_id="radar-1",
                    sigma_m=30.0,
                )
            )
    return out


def test_trails_sent_as_they_grow_make_the_same_picture() -> None:
    rng = random.Random(7)
    whole_tracker, delta_tracker = Tracker(actor="a"), Tracker(actor="a")
    sent: dict[str, Any] = {}
    merger = TrailMerger()
    compared = 0
    for step in range(80):
        # boats 0-9 throughout; 10-14 appear at step 20 and stop being seen at step 45
        boats = range(15) if 20 <= step < 45 else range(10)
        batch = plots(step, rng, boats)
        whole_tracker.ingest_contacts(batch)
        delta_tracker.ingest_contacts(batch)
        if step % 3:
            continue
        now = T0 + timedelta(seconds=step, milliseconds=500)
        _, expected = snapshot_with(whole_tracker, now)
        _, sent_tracks = snapshot_with(delta_tracker, now, sent)
        new_points = sum(len(t["trail"]) for t in sent_tracks)
        got = merger.merge(sent_tracks)
        assert got == expected
        if step > 60:  # long trails by then: only their new points crossed
            assert new_points < sum(len(t["trail"]) for t in expected) / 4
        compared += len(expected)
    assert compared > 200
    assert max(len(t["trail"]) for t in expected) >= 30  # trails scrolled past their length


def test_a_fresh_start_sends_every_trail_whole() -> None:
    tracker = Tracker(actor="a")
    rng = random.Random(3)
    for step in range(12):
        tracker.ingest_contacts(plots(step, rng, range(5)))
    now = T0 + timedelta(seconds=12)
    _, expected = snapshot_with(tracker, now)
    _, again = snapshot_with(tracker, now, {})
    assert all(t["trail_whole"] for t in again)
    assert TrailMerger().merge(again) == expected
