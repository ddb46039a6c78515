"""The scenario generator: reproducible, readable by our own ingest, and plausible at sea."""

from __future__ import annotations

import csv
import hashlib
import json
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
import shapely
from shapely.geometry import shape

from channelwatch.ingest.aisobs import AisPosition
from channelwatch.ingest.contacts import read_contacts
from channelwatch.ingest.decoder import NmeaDecoder
from channelwatch.ingest.sources import iter_observations
from channelwatch.region import load_region
from channelwatch.region.pack import read_features
from channelwatch.sim.config import ScenarioConfig
from channelwatch.sim.errors import SimInputError
from channelwatch.sim.world import World
from channelwatch.sim.writer import write_scenario

START = datetime(2025, 8, 12, 1, 0, tzinfo=UTC)


def _run(folder: Path, seed: int = 11, hours: float = 1.0, demo: bool = True) -> dict[str, Path]:
    w = World(ScenarioConfig(start=START, hours=hours, seed=seed, demo=demo, warmup_h=1.5))
    out = w.run()
    return write_scenario(out, w.summary(), folder)


@pytest.fixture(scope="module")
def scen(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return _run(tmp_path_factory.mktemp("scen"))


def _digest(paths: dict[str, Path]) -> dict[str, str]:
    return {k: hashlib.sha256(p.read_bytes()).hexdigest() for k, p in paths.items()}


def test_same_seed_same_files_other_seed_other_files(scen: dict[str, Path], tmp_path: Path) -> None:
    again = _run(tmp_path / "again")
    assert _digest(again) == _digest(scen)
    other = _run(tmp_path / "other", seed=12)
    assert _digest(other)["ais"] != _digest(scen)["ais"]


def test_ais_decodes_cleanly_with_tag_block_times(scen: dict[str, Path]) -> None:
    dec = NmeaDecoder(source="sim")
    obs = list(iter_observations(scen["ais"], decoder=dec))
    assert len(obs) > 1000
    assert sum(dec.stats.errors.values()) == 0
    times = [o.time for o in obs]
    assert min(times) >= START and max(times) <= datetime(2025, 8, 12, 2, 0, tzinfo=UTC)
    types = dec.stats.types
    assert types.get(1, 0) > 0 and types.get(5, 0) > 0  # class A positions and voyage data
    assert types.get(18, 0) > 0 and types.get(24, 0) > 0  # class B (fishing boats)


def test_contacts_and_calls_pass_ingest_validation(scen: dict[str, Path]) -> None:
    batch = read_contacts(scen["contacts"])
    assert batch.rejected == []
    sensors = {getattr(o, "sensor", "call") for o in batch.accepted}
    assert {"radar", "call"} <= {str(s) for s in sensors}
    lines = scen["contacts"].read_text().splitlines()
    assert all("name" not in json.loads(line) for line in lines)  # counted, never named


def test_ais_reporting_intervals_follow_the_class(scen: dict[str, Path]) -> None:
    by_mmsi: dict[int, list[AisPosition]] = defaultdict(list)
    for o in iter_observations(scen["ais"]):
        if isinstance(o, AisPosition):
            by_mmsi[o.mmsi].append(o)
    fast_a, class_b = [], []
    for reports in by_mmsi.values():
        if len(reports) < 5:
            continue
        dt = np.diff([r.time.timestamp() for r in reports])
        med_speed = float(np.median([r.sog_kn or 0 for r in reports]))
        if reports[0].msg_type == 18:
            class_b.append(float(np.median(dt)))
        elif 14.5 <= med_speed < 22.5:  # clear of the band edges (speeds are rounded)
            fast_a.append(float(np.median(dt)))
    assert fast_a and class_b
    assert all(5 <= d <= 8 for d in fast_a), sorted(fast_a)  # class A at 14-23 kn: every 6 s
    assert all(25 <= d <= 40 for d in class_b), class_b  # class B above 2 kn: every 30 s


def test_ships_in_a_lane_sail_its_direction(scen: dict[str, Path]) -> None:
    region = load_region()
    lanes = [
        (shape(f["geometry"]), float(f["properties"]["direction_deg"]))
        for f in read_features(region.layer_path("tss"))
        if f["properties"].get("element") == "lane"
    ]
    good = total = 0
    with scen["truth"].open() as fh:
        for row in csv.DictReader(fh):
            if row["kind"] != "ship":
                continue
            lat, lon, cog = float(row["lat"]), float(row["lon"]), float(row["cog_deg"])
            for poly, direction in lanes:
                if shapely.contains_xy(poly, lon, lat):
                    total += 1
                    good += abs((cog - direction + 180) % 360 - 180) < 45
    assert total > 500
    assert good / total > 0.97


def test_nothing_under_way_is_on_land(scen: dict[str, Path]) -> None:
    region = load_region()
    lat, lon, kinds, states = [], [], [], []
    with scen["truth"].open() as fh:
        for row in csv.DictReader(fh):
            if float(row["sog_kn"]) > 0.5:
                lat.append(float(row["lat"]))
                lon.append(float(row["lon"]))
                kinds.append(row["kind"])
                states.append(row["state"])
    land = region.on_land(np.array(lat), np.array(lon))
    # harbour entrances are within a few hundred metres of OSM land; nothing is deep inland
    inland = land & (region.distance_to_coast_m(np.array(lat), np.array(lon)) > 300)
    assert inland.sum() == 0


def test_demo_incidents_happen_early(scen: dict[str, Path]) -> None:
    events = [json.loads(x) for x in scen["events"].read_text().splitlines()]
    first = {}
    for e in events:
        first.setdefault(e["event"], e)
    t = {k: datetime.fromisoformat(v["time"].replace("Z", "+00:00")) for k, v in first.items()}
    minutes = {k: (v - START).total_seconds() / 60 for k, v in t.items()}
    assert minutes["call"] <= 2
    assert minutes["crossed_sar_line"] <= 30
    assert first["crossed_sar_line"]["from_region"] == "FR"
    assert first["crossed_sar_line"]["to_region"] == "GB"
    assert minutes["pickup_started"] <= 45
    assert "engine_failed" in minutes and "tasked" in minutes


def test_calls_are_near_their_boat(scen: dict[str, Path]) -> None:
    from channelwatch.geo import haversine_m

    events = [json.loads(x) for x in scen["events"].read_text().splitlines()]
    truth_at = {e["call_id"]: e for e in events if e["event"] == "call"}
    calls = [json.loads(x) for x in scen["contacts"].read_text().splitlines()]
    calls = [c for c in calls if c["kind"] == "call"]
    assert calls
    for c in calls:
        e = truth_at[c["call_id"]]
        d = float(haversine_m(c["lat"], c["lon"], e["lat"], e["lon"]))
        assert d < 3 * c["accuracy_m"]  # the error is drawn with sd accuracy/2 per axis


def test_bad_parameters_are_refused() -> None:
    with pytest.raises(SimInputError, match="hours"):
        ScenarioConfig(start=START, hours=0, seed=1)
    with pytest.raises(SimInputError, match="UTC offset"):
        ScenarioConfig(start=datetime(2025, 8, 12), hours=1, seed=1)
