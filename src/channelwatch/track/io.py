"""Readers and writers of the benchmark CSV forms (the edge of the kinematic tracker).

``DETECTIONS.csv``: ``scan,t_s,det_id,x,y`` (metres); ``TRUTH.csv``:
``scan,t_s,target_id,x,vx,y,vy``; ``TRACKS.csv``: ``scan,t_s,track_id,x,y,vx,vy``. Readers are
lenient on rows (a bad row is skipped and counted) and strict on structure (a missing column or
time going backwards between scans is an error that names it).
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from channelwatch.track.errors import TrackInputError
from channelwatch.track.kalman import FloatArray

Int64Array = npt.NDArray[np.int64]

DETECTION_COLUMNS = ("scan", "t_s", "det_id", "x", "y")
TRUTH_COLUMNS = ("scan", "t_s", "target_id", "x", "vx", "y", "vy")
TRACK_COLUMNS = ("scan", "t_s", "track_id", "x", "y", "vx", "vy")


@dataclass(frozen=True, slots=True)
class Detections:
    """Detections grouped by scan: rows sorted by scan, and each scan's time."""

    scan: Int64Array
    t_s: FloatArray
    det_id: Int64Array
    xy: FloatArray  # (m, 2) metres
    n_skipped: int  # rows that could not be read

    @property
    def scan_ids(self) -> Int64Array:
        return np.unique(self.scan)

    def by_scan(self) -> Iterator[tuple[int, float, FloatArray]]:
        """(scan, t_s, xy) for every scan in order, including scans listed with no detection."""
        if self.scan.size == 0:
            return
        bounds = np.flatnonzero(np.diff(self.scan)) + 1
        starts = np.concatenate([[0], bounds])
        ends = np.concatenate([bounds, [self.scan.size]])
        for lo, hi in zip(starts, ends, strict=True):
            valid = ~np.isnan(self.xy[lo:hi, 0])
            yield int(self.scan[lo]), float(self.t_s[lo]), self.xy[lo:hi][valid]


@dataclass(frozen=True, slots=True)
class Truth:
    scan: Int64Array
    t_s: FloatArray
    target_id: Int64Array
    xy: FloatArray
    v: FloatArray
    n_skipped: int


@dataclass(frozen=True, slots=True)
class TrackRows:
    """The tracker's output: every confirmed track at every scan."""

    scan: Int64Array
    t_s: FloatArray
    track_id: Int64Array
    xy: FloatArray
    v: FloatArray

    def __len__(self) -> int:
        return int(self.scan.size)


def _read_rows(path: Path, columns: tuple[str, ...]) -> tuple[list[list[float]], int]:
    if not path.is_file():
        raise TrackInputError(f"no such file: {path}")
    rows: list[list[float]] = []
    skipped = 0
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh)
        header = next(reader, None)
        if header is None:
            raise TrackInputError(f"{path} is empty: expected a header {','.join(columns)}")
        names = [h.strip() for h in header]
        missing = [c for c in columns if c not in names]
        if missing:
            raise TrackInputError(f"{path} lacks column(s) {', '.join(missing)}; header {names}")
        idx = [names.index(c) for c in columns]
        for raw in reader:
            if not raw or (len(raw) == 1 and not raw[0].strip()):
                continue
            try:
                vals = [float(raw[i]) for i in idx]
            except (ValueError, IndexError):
                skipped += 1
                continue
            if not all(math.isfinite(v) for v in vals):
                skipped += 1
                continue
            rows.append(vals)
    return rows, skipped


def _grouped(path: Path, arr: FloatArray, skipped: int) -> tuple[FloatArray, int]:
    """Sort rows by scan (stable) and drop rows whose time disagrees with their scan's time."""
    if arr.shape[0] == 0:
        return arr, skipped
    order = np.argsort(arr[:, 0], kind="stable")
    arr = arr[order]
    scan = arr[:, 0]
    first = np.concatenate([[True], scan[1:] != scan[:-1]])
    scan_time = arr[first, 1]
    group = np.cumsum(first) - 1
    agree = np.isclose(arr[:, 1], scan_time[group], rtol=0.0, atol=1e-6)
    skipped += int(np.count_nonzero(~agree))
    if np.any(np.diff(scan_time) < 0.0):
        bad = int(scan[first][1:][np.diff(scan_time) < 0.0][0])
        raise TrackInputError(f"{path}: time goes backwards at scan {bad}")
    return arr[agree], skipped


def read_detections_csv(path: str | Path) -> Detections:
    """Read ``scan,t_s,det_id,x,y`` rows; bad rows are skipped and counted."""
    p = Path(path)
    rows, skipped = _read_rows(p, DETECTION_COLUMNS)
    arr, skipped = _grouped(p, np.asarray(rows, dtype=np.float64).reshape(-1, 5), skipped)
    return Detections(
        scan=arr[:, 0].astype(np.int64),
        t_s=arr[:, 1].copy(),
        det_id=arr[:, 2].astype(np.int64),
        xy=arr[:, 3:5].copy(),
        n_skipped=skipped,
    )


def read_truth_csv(path: str | Path) -> Truth:
    """Read ``scan,t_s,target_id,x,vx,y,vy`` rows; bad rows are skipped and counted."""
    p = Path(path)
    rows, skipped = _read_rows(p, TRUTH_COLUMNS)
    arr, skipped = _grouped(p, np.asarray(rows, dtype=np.float64).reshape(-1, 7), skipped)
    return Truth(
        scan=arr[:, 0].astype(np.int64),
        t_s=arr[:, 1].copy(),
        target_id=arr[:, 2].astype(np.int64),
        xy=arr[:, [3, 5]].copy(),
        v=arr[:, [4, 6]].copy(),
        n_skipped=skipped,
    )


def read_tracks_csv(path: str | Path) -> TrackRows:
    """Read ``scan,t_s,track_id,x,y,vx,vy`` rows (as written by :func:`write_tracks_csv`)."""
    p = Path(path)
    rows, _ = _read_rows(p, TRACK_COLUMNS)
    arr = np.asarray(rows, dtype=np.float64).reshape(-1, 7)
    return TrackRows(
        scan=arr[:, 0].astype(np.int64),
        t_s=arr[:, 1].copy(),
        track_id=arr[:, 2].astype(np.int64),
        xy=arr[:, 3:5].copy(),
        v=arr[:, 5:7].copy(),
    )


def write_tracks_csv(path: str | Path, tracks: TrackRows) -> None:
    """Write the tracker's output as ``scan,t_s,track_id,x,y,vx,vy`` (mm and mm/s resolution)."""
    p = Path(path)
    table = np.column_stack([tracks.scan, tracks.t_s, tracks.track_id, tracks.xy, tracks.v])
    with p.open("w", encoding="utf-8", newline="") as fh:
        fh.write(",".join(TRACK_COLUMNS) + "\n")
        np.savetxt(
            fh, table, fmt=["%d", "%.3f", "%d", "%.3f", "%.3f", "%.3f", "%.3f"], delimiter=","
        )
