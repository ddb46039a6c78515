"""The ``channelwatch drift`` and ``drift-classes`` commands."""

from __future__ import annotations

import json
from pathlib import Path

import netCDF4
import numpy as np
import pytest
from typer.testing import CliRunner

from channelwatch.cli.main import app

runner = CliRunner()
STATS_KEYS = [
    "n",
    "centroid_lon",
    "centroid_lat",
    "std_east_km",
    "std_north_km",
    "r50_km",
    "r90_km",
]


@pytest.fixture(scope="module")
def norway(shared_data: Path) -> Path:
    return shared_data / "drift" / "norkyst_arome_16nov2015"


def _args(norway: Path, tmp: Path, *extra: str) -> list[str]:
    return [
        "drift",
        "--wind", str(norway / "arome_subset_16Nov2015.nc"),
        "--current", str(norway / "norkyst800_subset_16Nov2015.nc"),
        "--lat", "59.6", "--lon", "4.5", "--radius-m", "100",
        "--start", "2015-11-16T00:00Z", "--hours", "6", "--step-min", "15",
        "--particles", "300", "--seed", "3", "--no-stranding",
        "--out", str(tmp / "out.nc"), "--stats-json", str(tmp / "stats.json"),
        *extra,
    ]  # fmt: skip


def test_help() -> None:
    res = runner.invoke(app, ["drift", "--help"])
    assert res.exit_code == 0
    for opt in ("--wind", "--current", "--object", "--radius-m", "--stats-json", "--backward"):
        assert opt in res.output


def test_drift_writes_netcdf_stats_and_geojson(norway: Path, tmp_path: Path) -> None:
    res = runner.invoke(app, [*_args(norway, tmp_path, "--object", "LIFE-RAFT-NB-1"), "--json"])
    assert res.exit_code == 0, res.output
    summary = json.loads(res.stdout)
    assert summary["object_class"]["number"] == 26
    stats = json.loads((tmp_path / "stats.json").read_text())
    assert list(stats) == STATS_KEYS and stats["n"] == summary["counts"]["active"]
    with netCDF4.Dataset(tmp_path / "out.nc") as ds:
        assert ds.featureType == "trajectory"
        assert ds.variables["lat"].dimensions == ("trajectory", "time")
        assert ds.variables["lat"].shape == (300, 7)
        lat_end = np.asarray(ds.variables["lat"][:, -1])
        status = np.asarray(ds.variables["status"][:, -1])
    assert np.isclose(lat_end[status == 0].mean(), stats["centroid_lat"], atol=1e-5)
    gj = json.loads((tmp_path / "out.geojson").read_text())
    assert gj["features"][0]["properties"]["kind"] == "hull"
    # the same run by number gives the same numbers
    res2 = runner.invoke(app, [*_args(norway, tmp_path, "--object", "26"), "--json"])
    assert json.loads(res2.stdout)["stats"] == summary["stats"]


def test_backward_run(norway: Path, tmp_path: Path) -> None:
    args = _args(norway, tmp_path, "--object", "PIW-1", "--backward", "--scheme", "rk2")
    args[args.index("--start") + 1] = "2015-11-16T12:00:00+00:00"
    res = runner.invoke(app, [*args, "--json"])
    assert res.exit_code == 0, res.output
    s = json.loads(res.stdout)
    assert s["direction"] == "backward" and s["end"].startswith("2015-11-16T06:00")


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--object", "NOPE"], "unknown leeway object class"),
        (["--object", "26", "--land-fill", "median"], "--land-fill"),
    ],
)
def test_bad_input_exits_2(norway: Path, tmp_path: Path, extra: list[str], message: str) -> None:
    res = runner.invoke(app, _args(norway, tmp_path, *extra))
    assert res.exit_code == 2
    assert message in res.output


def test_start_outside_forcing_exits_2(norway: Path, tmp_path: Path) -> None:
    args = _args(norway, tmp_path, "--object", "26")
    args[args.index("--start") + 1] = "2016-01-01T00:00Z"
    res = runner.invoke(app, args)
    assert res.exit_code == 2 and "not covered" in res.output


def test_stranding_on_the_french_coast_with_the_region_model(tmp_path: Path) -> None:
    from channelwatch.region import load_region

    # a strong onshore wind off Sangatte: the region model's coast stops the particles
    out = tmp_path / "s.nc"
    res = runner.invoke(
        app,
        [
            "drift", "--wind-const", "0,-15", "--current-const", "0,0",
            "--object", "LIFE-RAFT-NB-1", "--lat", "51.0", "--lon", "1.80", "--radius-m", "200",
            "--start", "2024-05-01T00:00Z", "--hours", "6", "--particles", "200",
            "--out", str(out), "--json",
        ],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["counts"]["stranded"] > 150
    with netCDF4.Dataset(out) as ds:
        lat = np.asarray(ds.variables["lat"][:, -1], float)
        lon = np.asarray(ds.variables["lon"][:, -1], float)
        stranded = np.asarray(ds.variables["status"][:, -1]) == 1
    # they stop where they meet the coast (bisection to 1/256 of a 15 min step)
    assert load_region().distance_to_coast_m(lat[stranded], lon[stranded]).max() < 20.0


def test_drift_classes() -> None:
    res = runner.invoke(app, ["drift-classes", "--json"])
    assert res.exit_code == 0
    classes = json.loads(res.stdout)
    assert len(classes) == 86 and classes[25]["key"] == "LIFE-RAFT-NB-1"
    res = runner.invoke(app, ["drift-classes", "inflatable", "--json"])
    assert res.exit_code == 0
    assert [c["key"] for c in json.loads(res.stdout)] == ["CHANNEL-INFLATABLE-10M"]
    res = runner.invoke(app, ["drift-classes", "raft-nb", "--json"])
    assert [c["number"] for c in json.loads(res.stdout)] == [26, 27, 28, 29, 30]
    res = runner.invoke(app, ["drift-classes", "PIW"])
    assert res.exit_code == 0 and "Leeway object classes" in res.output


def test_backtracking_to_the_french_coast_names_embarkation_beaches(tmp_path: Path) -> None:
    # found mid-Strait after a night of wind towards the north-west: going back, the cloud
    # meets the French coast, and the summary names the embarkation beaches it reaches
    res = runner.invoke(
        app,
        [
            "drift", "--wind-const", "-7,7", "--current-const", "0,0",
            "--object", "CHANNEL-INFLATABLE-10M", "--lat", "51.03", "--lon", "1.62",
            "--radius-m", "500", "--start", "2024-05-01T06:00Z", "--hours", "14",
            "--particles", "500", "--backward", "--out", str(tmp_path / "b.nc"), "--json",
        ],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    s = json.loads(res.stdout)
    assert s["counts"]["stranded"] > 150
    origins = s["origins"]
    assert origins and all(o["country"] == "FR" for o in origins)
    assert sum(o["n"] for o in origins) <= s["counts"]["stranded"]
