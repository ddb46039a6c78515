"""Exports: CSV, Parquet and GeoJSON carry the same rows back."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from channelwatch.analytics.crossings import aggregate
from channelwatch.analytics.deaths import classify_all, record_dict
from channelwatch.analytics.errors import AnalyticsInputError
from channelwatch.analytics.export import write_table
from channelwatch.analytics.homeoffice import read_daily, read_weekly
from channelwatch.analytics.iom import ATTRIBUTION, read_incidents
from channelwatch.analytics.periods import Period


def _death_rows() -> list[dict]:  # type: ignore[type-arg]
    return [record_dict(r) for r in classify_all(read_incidents().incidents)]


def test_crossings_csv_and_parquet(tmp_path: Path) -> None:
    rows = [s.to_dict() for s in aggregate(read_daily(), Period.YEAR, read_weekly())]
    assert write_table(rows, tmp_path / "y.csv") == 9
    with (tmp_path / "y.csv").open() as f:
        back = list(csv.DictReader(f))
    assert [int(r["people"]) for r in back] == [r["people"] for r in rows]
    assert back[0]["people_prevented"] == ""  # not recorded stays empty, not 0
    write_table(rows, tmp_path / "y.parquet", attribution="OGL")
    table = pq.read_table(tmp_path / "y.parquet")
    assert table.column("people").to_pylist() == [r["people"] for r in rows]
    assert table.column("people_prevented").to_pylist()[0] is None
    assert table.schema.metadata[b"attribution"] == b"OGL"


def test_deaths_geojson(tmp_path: Path) -> None:
    rows = _death_rows()
    n = write_table(rows, tmp_path / "d.geojson", attribution=ATTRIBUTION, geo=True)
    doc = json.loads((tmp_path / "d.geojson").read_text())
    assert n == len(doc["features"]) == 220
    first = doc["features"][0]
    assert first["geometry"]["type"] == "Point"
    lon, lat = first["geometry"]["coordinates"]
    assert (lat, lon) == (rows[0]["lat"], rows[0]["lon"])
    assert sum(f["properties"]["dead_missing"] for f in doc["features"]) == 370
    assert {f["properties"]["setting"] for f in doc["features"]} == {"sea", "land", "unclear"}
    assert "Missing Migrants" in doc["attribution"]


def test_bad_export_requests(tmp_path: Path) -> None:
    rows = _death_rows()
    with pytest.raises(AnalyticsInputError, match="unsupported export format"):
        write_table(rows, tmp_path / "d.xlsx")
    with pytest.raises(AnalyticsInputError, match="GeoJSON needs"):
        write_table([{"period": "2024", "people": 1}], tmp_path / "x.geojson")
    with pytest.raises(AnalyticsInputError, match="nothing to write"):
        write_table([], tmp_path / "e.csv")
