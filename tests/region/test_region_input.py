"""Bad input, points outside the region, and the CLI's exit codes."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from channelwatch.cli.main import app
from channelwatch.errors import InputError
from channelwatch.region import CoordinateError, Region, load_region

runner = CliRunner()


@pytest.fixture(scope="module")
def region() -> Region:
    return load_region()


@pytest.mark.parametrize(
    ("lat", "lon", "named"),
    [
        ("nan", "1.5", "latitude 'nan'"),
        ("51", "NaN", "longitude 'NaN'"),
        ("91", "1.5", "latitude '91'"),
        ("-90.5", "1.5", "latitude '-90.5'"),
        ("51", "180.01", "longitude '180.01'"),
        ("abc", "1.5", "latitude 'abc'"),
        ("51", "1,5", "longitude '1,5'"),
        ("inf", "1.5", "latitude 'inf'"),
    ],
)
def test_cli_bad_coordinates_exit_2_naming_the_value(lat: str, lon: str, named: str) -> None:
    res = runner.invoke(app, ["where", lat, lon, "--json"])
    assert res.exit_code == 2, res.output
    assert named in res.output.replace('"', "'")


def test_cli_negative_longitude_is_a_value_not_an_option() -> None:
    res = runner.invoke(app, ["where", "50.75", "-0.5", "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["sar_region"] == "GB"


def test_cli_outside_region_is_an_answer() -> None:
    res = runner.invoke(app, ["where", "43.3", "5.4", "--json"])  # Marseille
    assert res.exit_code == 0
    d = json.loads(res.stdout)
    assert d["inside_region"] is False
    assert "outside the region dover_strait" in d["message"]
    assert d["on_land"] is None and d["distance_to_coast_m"] is None
    res = runner.invoke(app, ["where", "43.3", "5.4"])
    assert "outside the region" in res.output


def test_cli_json_keys() -> None:
    res = runner.invoke(app, ["where", "50.96", "1.80", "--json"])
    d = json.loads(res.stdout)
    for key in (
        "on_land",
        "distance_to_coast_m",
        "coast_country",
        "in_strip_200m",
        "in_strip_300m",
        "territorial_sea",
        "sar_region",
        "sar_centre",
        "tss",
        "nearest_beach",
        "nearest_stations",
    ):
        assert key in d
    assert isinstance(d["distance_to_coast_m"], float)
    assert set(d["nearest_beach"]) >= {"name", "distance_m"}
    assert all(set(s) >= {"name", "distance_nm", "eta_min"} for s in d["nearest_stations"])


def test_cli_human_output_shows_approximate_flag() -> None:
    res = runner.invoke(app, ["where", "50.6369", "1.5747"])  # off Hardelot, French ITZ
    assert res.exit_code == 0
    assert "200 m strip" in res.output and "[approximate]" in res.output
    assert "inshore traffic zone" in res.output and "[not verified]" in res.output


def test_library_errors_are_typed(region: Region) -> None:
    with pytest.raises(CoordinateError) as e:
        region.on_land(np.array([51.0, np.nan]), np.array([1.5, 1.5]))
    assert isinstance(e.value, InputError)
    assert "latitude nan (point 1)" in str(e.value)
    with pytest.raises(CoordinateError):
        region.distance_to_coast_m(51.0, "east")


def test_vectorised_outside_points_are_flagged(region: Region) -> None:
    lat = np.array([51.0, 40.0, 51.0])
    lon = np.array([1.5, 1.5, 9.0])
    assert region.contains(lat, lon).tolist() == [True, False, False]
    d = region.distance_to_coast_m(lat, lon)
    assert np.isfinite(d[0]) and np.isnan(d[1:]).all()
    assert region.on_land(lat, lon)[1:].tolist() == [False, False]
    assert region.territorial_sea(lat, lon)[1:].tolist() == [None, None]
    assert region.sar_region(lat, lon)[1:].tolist() == [None, None]


@settings(max_examples=60, deadline=None)
@given(st.floats(49.5, 52.0), st.floats(-1.0, 3.5))
def test_where_agrees_with_the_vectorised_functions(lat: float, lon: float) -> None:
    region = load_region()
    w = region.where(lat, lon).to_dict()
    assert w["on_land"] == bool(region.on_land(lat, lon)[0])
    assert w["distance_to_coast_m"] == pytest.approx(
        float(region.distance_to_coast_m(lat, lon)[0]), abs=0.06
    )
    assert w["territorial_sea"] == region.territorial_sea(lat, lon)[0]
    assert w["in_strip_300m"] == bool(region.in_strip(lat, lon, 300)[0])
    if w["on_land"]:
        assert w["territorial_sea"] is None and not w["in_strip_200m"]
    if w["in_strip_200m"]:
        assert w["in_strip_300m"]


def test_classify_agrees_with_the_single_queries(region: Region) -> None:
    rng = np.random.default_rng(5)
    b = region.beaches
    lat = np.concatenate(
        [
            rng.uniform(49.5, 52.0, 2000),
            np.repeat([x.lat for x in b], 40) + rng.normal(0, 0.003, 40 * len(b)),
        ]
    )
    lon = np.concatenate(
        [
            rng.uniform(-1.0, 3.5, 2000),
            np.repeat([x.lon for x in b], 40) + rng.normal(0, 0.004, 40 * len(b)),
        ]
    )
    c = region.classify(lat, lon)
    assert np.array_equal(c["on_land"], region.on_land(lat, lon))
    assert np.allclose(
        c["distance_to_coast_m"], region.distance_to_coast_m(lat, lon), equal_nan=True
    )
    assert np.array_equal(c["in_strip_200m"], region.in_strip(lat, lon, 200))
    assert np.array_equal(c["in_strip_300m"], region.in_strip(lat, lon, 300))
    assert c["territorial_sea"].tolist() == region.territorial_sea(lat, lon).tolist()
    assert c["sar_region"].tolist() == region.sar_region(lat, lon).tolist()
    assert c["coast_country"].tolist() == region.coast_country(lat, lon).tolist()
    assert c["in_strip_300m"].sum() > 100
