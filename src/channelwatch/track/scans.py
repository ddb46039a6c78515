"""Run the kinematic tracker over a recorded sequence of scans (the benchmark form)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np

from channelwatch.track.config import TrackerConfig
from channelwatch.track.io import TrackRows
from channelwatch.track.kalman import FloatArray
from channelwatch.track.kinematic import KinematicTracker


def track_scans(
    scans: Iterable[tuple[int, float, FloatArray]],
    config: TrackerConfig | None = None,
    on_scan: Callable[[int], None] | None = None,
) -> TrackRows:
    """Track every scan in turn; output every confirmed track (coasting ones too) at every scan.

    ``scans`` yields (scan, t_s, xy) with xy of shape (m, 2) in metres; ``on_scan`` is called
    after each scan with its number (for a progress bar).
    """
    tracker = KinematicTracker(config)
    parts: list[tuple[int, float, np.ndarray, FloatArray]] = []
    for scan, t_s, xy in scans:
        tracker.step(t_s, xy)
        ids, x = tracker.confirmed_states()
        parts.append((scan, t_s, ids, x))
        if on_scan is not None:
            on_scan(scan)
    if not parts:
        return TrackRows(
            scan=np.empty(0, np.int64),
            t_s=np.empty(0),
            track_id=np.empty(0, np.int64),
            xy=np.empty((0, 2)),
            v=np.empty((0, 2)),
        )
    counts = np.array([ids.size for _, _, ids, _ in parts])
    states = np.concatenate([x for *_, x in parts])
    return TrackRows(
        scan=np.repeat(np.array([s for s, *_ in parts], np.int64), counts),
        t_s=np.repeat(np.array([t for _, t, *_ in parts]), counts),
        track_id=np.concatenate([ids for _, _, ids, _ in parts]).astype(np.int64),
        xy=states[:, :2].copy(),
        v=states[:, 2:].copy(),
    )
