"""CSV readers and writer of the benchmark form."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from channelwatch.track import TrackInputError
from channelwatch.track.io import (
    TrackRows,
    read_detections_csv,
    read_tracks_csv,
    read_truth_csv,
    write_tracks_csv,
)


def test_real_files_read_whole(shared_data: Path) -> None:
    folder = shared_data / "tracking" / "cv_N50_K300"
    params = json.loads((folder / "params.json").read_text())
    dets = read_detections_csv(folder / "detections.csv")
    assert dets.scan.size == params["n_detections_total"] and dets.n_skipped == 0
    scans = list(dets.by_scan())
    assert len(scans) == params["scans"]
    assert [s for s, _, _ in scans[:3]] == [0, 1, 2]
    assert scans[5][1] == pytest.approx(5 * params["dt"])
    truth = read_truth_csv(folder / "truth.csv")
    assert truth.scan.size == params["targets"] * params["scans"]
    assert np.unique(truth.target_id).size == params["targets"]


def test_bad_rows_are_skipped_and_counted(tmp_path: Path) -> None:
    f = tmp_path / "d.csv"
    f.write_text(
        "scan,t_s,det_id,x,y\n"
        "0,0.0,0,1.0,2.0\n"
        "0,0.0,1,abc,2.0\n"  # not a number
        "0,0.0,2,nan,2.0\n"  # not finite
        "0,0.0,3\n"  # short
        "\n"
        "1,2.0,0,3.0,4.0\n"
        "1,7.0,1,3.0,4.0\n"  # disagrees with its scan's time
    )
    dets = read_detections_csv(f)
    assert dets.n_skipped == 4
    assert dets.xy.tolist() == [[1.0, 2.0], [3.0, 4.0]]


def test_columns_in_any_order_and_scans_sorted(tmp_path: Path) -> None:
    f = tmp_path / "d.csv"
    f.write_text("x,y,scan,det_id,t_s\n5,6,1,0,2.0\n1,2,0,0,0.0\n")
    dets = read_detections_csv(f)
    assert dets.scan.tolist() == [0, 1] and dets.xy.tolist() == [[1, 2], [5, 6]]


def test_structural_errors_name_the_problem(tmp_path: Path) -> None:
    missing = tmp_path / "m.csv"
    missing.write_text("scan,t_s,x,y\n0,0,1,2\n")
    with pytest.raises(TrackInputError, match="det_id"):
        read_detections_csv(missing)
    backwards = tmp_path / "b.csv"
    backwards.write_text("scan,t_s,det_id,x,y\n0,10.0,0,1,2\n1,5.0,0,1,2\n")
    with pytest.raises(TrackInputError, match="scan 1"):
        read_detections_csv(backwards)
    with pytest.raises(TrackInputError, match="no such file"):
        read_detections_csv(tmp_path / "absent.csv")
    empty = tmp_path / "e.csv"
    empty.write_text("")
    with pytest.raises(TrackInputError, match="empty"):
        read_detections_csv(empty)


def test_tracks_round_trip(tmp_path: Path) -> None:
    rows = TrackRows(
        scan=np.array([0, 0, 1]),
        t_s=np.array([0.0, 0.0, 2.0]),
        track_id=np.array([3, 7, 3]),
        xy=np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]),
        v=np.array([[0.5, -0.5], [0.0, 1.0], [0.25, 0.0]]),
    )
    f = tmp_path / "t.csv"
    write_tracks_csv(f, rows)
    assert f.read_text().splitlines()[0] == "scan,t_s,track_id,x,y,vx,vy"
    back = read_tracks_csv(f)
    assert back.track_id.tolist() == [3, 7, 3]
    np.testing.assert_allclose(back.xy, rows.xy)
    np.testing.assert_allclose(back.v, rows.v)
