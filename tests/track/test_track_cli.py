"""``channelwatch track`` on a slice of the real benchmark scenario."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from channelwatch.cli.main import app
from channelwatch.track.io import read_tracks_csv

runner = CliRunner()


def _head(src: Path, dst: Path, scans: int) -> None:
    lines = src.read_text().splitlines()
    keep = [lines[0]] + [ln for ln in lines[1:] if int(ln.split(",", 1)[0]) < scans]
    dst.write_text("\n".join(keep) + "\n")


@pytest.fixture()
def slice_files(shared_data: Path, tmp_path: Path) -> tuple[Path, Path]:
    folder = shared_data / "tracking" / "cv_N50_K300"
    dets, truth = tmp_path / "detections.csv", tmp_path / "truth.csv"
    _head(folder / "detections.csv", dets, 40)
    _head(folder / "truth.csv", truth, 40)
    return dets, truth


def test_track_command_writes_tracks_and_scores(
    slice_files: tuple[Path, Path], tmp_path: Path
) -> None:
    dets, truth = slice_files
    out = tmp_path / "tracks.csv"
    result = runner.invoke(
        app,
        [
            "track",
            str(dets),
            "--out",
            str(out),
            "--process-noise",
            "0.05",
            "--sigma-m",
            "10",
            "--pd",
            "0.9",
            "--clutter-density",
            "2.5e-7",
            "--truth",
            str(truth),
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["scans"] == 40 and summary["skipped_rows"] == 0
    assert summary["confirmed_at_last_scan"] == 50
    assert summary["ospa_second_half_m"] < 12.5  # better than the raw 10 m plots
    tracks = read_tracks_csv(out)
    assert len(tracks) == summary["rows_written"] > 0
    assert out.read_text().splitlines()[0] == "scan,t_s,track_id,x,y,vx,vy"
    assert set(tracks.scan.tolist()) <= set(range(40))


def test_track_command_human_output(slice_files: tuple[Path, Path], tmp_path: Path) -> None:
    result = runner.invoke(app, ["track", str(slice_files[0]), "--out", str(tmp_path / "t.csv")])
    assert result.exit_code == 0, result.output
    assert "rows_written" in result.output


def test_track_command_bad_input_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("scan,t_s,x,y\n0,0,1,2\n")
    result = runner.invoke(app, ["track", str(bad), "--out", str(tmp_path / "t.csv")])
    assert result.exit_code == 2 and "det_id" in result.output
    result = runner.invoke(
        app, ["track", str(bad), "--out", str(tmp_path / "t.csv"), "--pd", "1.5"]
    )
    assert result.exit_code == 2 and "pd" in result.output


def test_track_help() -> None:
    result = runner.invoke(app, ["track", "--help"])
    assert result.exit_code == 0 and "--clutter-density" in result.output
