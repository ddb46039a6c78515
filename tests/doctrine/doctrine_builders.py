"""Builders shared by the doctrine tests: situations, places, and a region stub on real data."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from channelwatch.assess import BoatFacts, Environment, Place, assess
from channelwatch.assess.place import daylight_facts
from channelwatch.doctrine import Facts, Situation, build_facts
from channelwatch.geo import METRES_PER_NM, haversine_m

DAY = datetime(2025, 11, 27, 11, 0, tzinfo=UTC)  # sun ~20° up on the Opal Coast
NIGHT = datetime(2025, 11, 27, 22, 0, tzinfo=UTC)
GRAVELINES = (51.0090, 2.1040)  # at sea off the beach of Petit-Fort-Philippe


def place(
    time: datetime = DAY,
    lat: float = GRAVELINES[0],
    lon: float = GRAVELINES[1],
    *,
    on_land: bool | None = False,
    distance_to_coast_m: float | None = 150.0,
    coast_country: str | None = "FR",
    in_strip_200m: bool | None = None,
    in_strip_300m: bool | None = None,
    territorial_sea: str | None = "FR",
    sar_region: str | None = "FR",
    daylight_reported: bool | None = None,
) -> Place:
    """A place whose region facts are given and whose daylight is the sun's."""
    elevation, daylight, notes = daylight_facts(time, lat, lon, daylight_reported)
    if in_strip_200m is None and distance_to_coast_m is not None:
        in_strip_200m = distance_to_coast_m <= 200.0
    if in_strip_300m is None and distance_to_coast_m is not None:
        in_strip_300m = distance_to_coast_m <= 300.0
    return Place(
        lat=lat,
        lon=lon,
        sun_elevation_deg=elevation,
        daylight=daylight,
        on_land=on_land,
        in_region=True,
        distance_to_coast_m=distance_to_coast_m,
        coast_country=coast_country,
        in_strip_200m=in_strip_200m,
        in_strip_300m=in_strip_300m,
        territorial_sea=territorial_sea,
        sar_region=sar_region,
        notes=notes,
    )


def taxi_boat(**kw: Any) -> BoatFacts:
    """An empty taxi boat with its pilot and a helper, engine running, calm."""
    base: dict[str, Any] = {
        "kind": "inflatable",
        "length_m": 9.0,
        "persons_aboard": 2,
        "boarding": "empty",
        "engine": "running",
        "lifejackets": "all",
        "person_in_water": False,
        "taking_water": False,
    }
    base.update(kw)
    return _boat(base)


def loaded_boat(**kw: Any) -> BoatFacts:
    base: dict[str, Any] = {
        "kind": "inflatable",
        "length_m": 10.0,
        "persons_aboard": 55,
        "boarding": "loaded",
        "engine": "running",
        "lifejackets": "some",
    }
    base.update(kw)
    return _boat(base)


def _boat(d: dict[str, Any]) -> BoatFacts:
    from channelwatch.doctrine.situation import parse_situation

    doc = {"time": "2025-01-01T00:00:00Z", "position": {"lat": 51.0, "lon": 2.0}, "boat": d}
    return parse_situation(doc).boat


CALM = Environment(wind_kn=8.0, wave_m=0.3, water_temp_c=11.0, visibility_km=10.0)


def facts_for(
    boat: BoatFacts,
    where: Place,
    env: Environment = CALM,
    *,
    time: datetime | None = None,
    request_for_assistance: bool | None = False,
) -> Facts:
    assessment = assess(
        boat,
        env,
        where,
        time=time or DAY,
        request_for_assistance=request_for_assistance,
    )
    return build_facts(boat, env, where, assessment, request_for_assistance=request_for_assistance)


def situation_doc(**kw: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "time": "2025-11-27T11:00:00Z",
        "position": {"lat": GRAVELINES[0], "lon": GRAVELINES[1]},
        "boat": {
            "kind": "inflatable",
            "length_m": 9,
            "persons_aboard": 2,
            "boarding": "empty",
            "engine": "running",
            "lifejackets": "all",
        },
        "environment": {"wind_kn": 8, "wave_m": 0.3, "water_temp_c": 11, "visibility_km": 10},
        "request_for_assistance": False,
        "action": "stop_before_boarding",
    }
    doc.update(kw)
    return doc


def parse(doc: dict[str, Any]) -> Situation:
    from channelwatch.doctrine import parse_situation

    return parse_situation(doc)


@dataclass(frozen=True)
class _Station:
    name: str
    country: str
    kind: str
    max_speed_kn: float | None


class RealDataRegion:
    """A stand-in for the region model built from the real beaches and rescue stations.

    The coast is approximated by the 33 beach points on the OSM high-water line (distance to the
    coast = distance to the nearest of them), the territorial sea by 12 nm from that coast.
    Crude, but real positions; the real region model replaces it where it is installed.
    """

    def __init__(self, shared_data: Path) -> None:
        beaches = json.loads((shared_data / "places/beaches.geojson").read_text())["features"]
        self.coast = np.array([f["geometry"]["coordinates"][::-1] for f in beaches])
        self.coast_cc = [f["properties"]["country"] for f in beaches]
        stations = json.loads((shared_data / "places/rescue_stations.geojson").read_text())
        self.stations = []
        for f in stations["features"]:
            p = f["properties"]
            speeds = [b["max_speed_kn"] for b in p.get("boats") or [] if b.get("max_speed_kn")]
            st = _Station(p["name"], p["country"], p["kind"], max(speeds) if speeds else None)
            self.stations.append((st, *f["geometry"]["coordinates"][::-1]))

    def _nearest(self, lat: Any, lon: Any) -> tuple[np.ndarray, np.ndarray]:
        lat = np.atleast_1d(lat)[:, None]
        lon = np.atleast_1d(lon)[:, None]
        d = haversine_m(lat, lon, self.coast[None, :, 0], self.coast[None, :, 1])
        return d.min(axis=1), d.argmin(axis=1)

    def on_land(self, lat: Any, lon: Any) -> Any:
        return np.zeros(np.atleast_1d(lat).shape, bool)

    def contains(self, lat: Any, lon: Any) -> Any:
        lat, lon = np.atleast_1d(lat), np.atleast_1d(lon)
        return (lat > 50.0) & (lat < 51.6) & (lon > 0.0) & (lon < 3.0)

    def distance_to_coast_m(self, lat: Any, lon: Any) -> Any:
        return self._nearest(lat, lon)[0]

    def coast_country(self, lat: Any, lon: Any) -> Any:
        return np.array([self.coast_cc[i] for i in self._nearest(lat, lon)[1]], dtype=object)

    def in_strip(self, lat: Any, lon: Any, width_m: float) -> Any:
        return self._nearest(lat, lon)[0] <= width_m

    def territorial_sea(self, lat: Any, lon: Any) -> Any:
        d, i = self._nearest(lat, lon)
        return np.array(
            [
                self.coast_cc[k] if dd <= 12 * METRES_PER_NM else None
                for dd, k in zip(d, i, strict=True)
            ],
            dtype=object,
        )

    def sar_region(self, lat: Any, lon: Any) -> Any:
        return self.coast_country(lat, lon)

    def nearest_stations(self, lat: float, lon: float, k: int) -> list[tuple[Any, float, Any]]:
        out = []
        for st, slat, slon in self.stations:
            nm = float(haversine_m(lat, lon, slat, slon)) / METRES_PER_NM
            eta = None if st.max_speed_kn is None else 60.0 * nm / st.max_speed_kn
            out.append((st, nm, eta))
        out.sort(key=lambda e: e[1])
        return out[:k]
