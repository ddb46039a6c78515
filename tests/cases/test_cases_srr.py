"""The SAR-region lookups given to a case book, on the real FR/GB split, and the conversions of
ingested observations into case reports."""

from __future__ import annotations

import importlib
import itertools
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from channelwatch.cases import CaseBook, CaseError, Report, ReportKind
from channelwatch.cases.scenario import run_scenario
from channelwatch.cases.srr import default_lookup, lookup_from_geojson, lookup_from_region
from channelwatch.events import MemorySink
from channelwatch.geo import haversine_m
from channelwatch.ingest.observation import ContactReport, DistressCall, EngineState, Sensor

Lookup = Callable[[float, float], str | None]
T0 = datetime(2021, 11, 24, 1, 0, tzinfo=UTC)

# 1988 Agreement points I-VI (WGS84, from sar_regions.geojson): the published line.
TREATY = [
    (50.8244, 1.2635),
    (50.8955, 1.2814),
    (50.9491, 1.3556),
    (51.0378, 1.5467),
    (51.0986, 1.7239),
    (51.1993, 1.8876),
]


def test_geojson_lookup_on_the_treaty_line(srr_lookup: Lookup) -> None:
    assert srr_lookup(51.13, 1.35) == "GB"  # off Dover
    assert srr_lookup(50.97, 1.80) == "FR"  # off Calais
    assert srr_lookup(45.0, 1.0) is None  # outside the region
    # Either side of each treaty segment's middle, 500 m off the line: GB to the north-west.
    for (la1, lo1), (la2, lo2) in itertools.pairwise(TREATY):
        mid_lat, mid_lon = (la1 + la2) / 2, (lo1 + lo2) / 2
        assert srr_lookup(mid_lat + 0.004, mid_lon - 0.004) == "GB"
        assert srr_lookup(mid_lat - 0.004, mid_lon + 0.004) == "FR"


def test_geojson_without_regions_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "empty.geojson"
    path.write_text('{"type": "FeatureCollection", "features": []}', encoding="utf-8")
    with pytest.raises(CaseError, match="no SAR-region polygon"):
        lookup_from_geojson(path)
    with pytest.raises(CaseError, match="cannot read"):
        lookup_from_geojson(tmp_path / "missing.geojson")


def _region() -> Any:
    mod = importlib.import_module("channelwatch.region")
    load = getattr(mod, "load_region", None)
    if load is None:
        pytest.skip("region model not available")
    return load()


def test_region_model_agrees_with_the_geojson_away_from_the_line(srr_lookup: Lookup) -> None:
    region_lookup = lookup_from_region(_region())
    rng = np.random.default_rng(20211124)
    lats = rng.uniform(50.6, 51.4, 300)
    lons = rng.uniform(0.8, 2.2, 300)
    line_lat = np.array([p[0] for p in TREATY])
    line_lon = np.array([p[1] for p in TREATY])
    checked = 0
    for lat, lon in zip(lats, lons, strict=True):
        near = np.min(haversine_m(lat, lon, line_lat, line_lon)) < 15_000
        if near:
            continue  # the two may draw the extension differently close to the line
        assert region_lookup(float(lat), float(lon)) == srr_lookup(float(lat), float(lon))
        checked += 1
    assert checked > 100
    assert default_lookup()(51.13, 1.35) == "GB"


def test_pattern_replays_the_same_with_the_region_model(nov2021_doc: dict[str, Any]) -> None:
    book = CaseBook(MemorySink(), lookup_from_region(_region()))
    result = run_scenario(nov2021_doc, book)
    assert result.unexpected == []
    assert sorted(c.status.value for c in book.cases.values()) == [
        "closed",
        "closed",
        "closed",
        "merged",
        "suspended",
    ]


def test_reports_from_ingested_observations() -> None:
    call = DistressCall(
        time=T0,
        lat=51.09,
        lon=1.74,
        accuracy_m=50.0,
        persons_reported=33,
        water_coming_in=True,
        engine=EngineState.FAILED,
        call_id="call-07",
        note="grey inflatable",
    )
    rep = Report.from_call(call, received_by="GB")
    assert (rep.report_id, rep.kind, rep.persons, rep.engine) == (
        "call-07",
        ReportKind.CALL,
        33,
        "failed",
    )
    assert rep.description == "grey inflatable" and rep.received_by == "GB"
    sighting = ContactReport(
        time=T0,
        lat=51.1,
        lon=1.85,
        sensor=Sensor.AERIAL,
        sensor_id="aircraft-1",
        sigma_m=150.0,
        persons_estimate=20,
        report_id="air-1",
    )
    rep = Report.from_contact(sighting)
    assert (rep.kind, rep.accuracy_m, rep.received_by) == (ReportKind.SIGHTING, 150.0, "aircraft-1")
    with pytest.raises(CaseError, match="call_id"):
        Report.from_call(DistressCall(time=T0, lat=51.0, lon=1.7, accuracy_m=10.0))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"time": datetime(2021, 11, 24, 1, 0)}, "timezone-aware"),
        ({"lat": 51.0}, "both lat and lon"),
        ({"lat": 91.0, "lon": 1.0, "accuracy_m": 10.0}, "latitude"),
        ({"lat": 51.0, "lon": 1.0}, "accuracy_m"),
        ({"persons": 0}, "persons"),
        ({"report_id": " "}, "report_id"),
    ],
)
def test_bad_reports_are_refused(kwargs: dict[str, Any], message: str) -> None:
    fields: dict[str, Any] = {"report_id": "r", "kind": ReportKind.CALL, "time": T0}
    fields.update(kwargs)
    with pytest.raises(CaseError, match=message):
        Report(**fields)
