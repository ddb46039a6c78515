"""Figures are written in each format, carry their source, and are reproducible."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from channelwatch.analytics.crossings import aggregate, seasonality
from channelwatch.analytics.deaths import by_period, classify_all
from channelwatch.analytics.errors import AnalyticsInputError
from channelwatch.analytics.geo_files import land_from_geojson, read_land
from channelwatch.analytics.homeoffice import read_daily, read_weekly
from channelwatch.analytics.iom import read_incidents
from channelwatch.analytics.periods import Period
from channelwatch.analytics.plots.crossings import plot_crossings
from channelwatch.analytics.plots.deaths import plot_deaths


@pytest.fixture(scope="module")
def land(shared_data: Path) -> object:
    return read_land(shared_data / "geography" / "naturalearth_land_10m_land_dover_strait.geojson")


def test_crossings_figure_svg_and_png(tmp_path: Path) -> None:
    daily, weekly = read_daily(), read_weekly()
    stats = aggregate(daily, Period.YEAR, weekly)
    svg = plot_crossings(stats, seasonality(daily), tmp_path / "c.svg", "year")
    text = svg.read_text()
    assert "45,755" in text  # the 2022 total is written on its bar
    assert "Open Government Licence" in text
    again = plot_crossings(stats, seasonality(daily), tmp_path / "c2.svg", "year")
    assert again.read_bytes() == svg.read_bytes()  # same data, same file


def test_deaths_figure_with_and_without_land(tmp_path: Path, land: object) -> None:
    records = classify_all(read_incidents().incidents)
    out = plot_deaths(records, by_period(records), tmp_path / "d.svg", land)
    text = out.read_text()
    assert "370 dead and missing" in text
    assert "Missing Migrants" in text
    assert "land outline unavailable" not in text
    png = plot_deaths(records, by_period(records), tmp_path / "d0.png", None)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_unsupported_plot_format(tmp_path: Path) -> None:
    daily = read_daily()
    with pytest.raises(AnalyticsInputError, match="unsupported plot format"):
        plot_crossings(aggregate(daily, Period.YEAR), [], tmp_path / "c.jpg", "year")


def test_land_reader(tmp_path: Path, land: object) -> None:
    assert land.geom_type in ("Polygon", "MultiPolygon")  # type: ignore[attr-defined]
    assert land.contains(__import__("shapely").Point(1.9, 50.9))  # type: ignore[attr-defined]  # Calais
    with pytest.raises(AnalyticsInputError, match="no Polygon"):
        land_from_geojson({"type": "FeatureCollection", "features": []})
    bad = tmp_path / "bad.geojson"
    bad.write_text("{not json")
    with pytest.raises(AnalyticsInputError, match="not JSON"):
        read_land(bad)
    one = tmp_path / "one.geojson"
    one.write_text(
        json.dumps({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]})
    )
    assert read_land(one).area == pytest.approx(0.5)
