"""Derived facts of a place: the region model and the sun, never the caller."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import numpy as np
import pytest

from channelwatch.assess import AssessInputError, locate
from channelwatch.assess import place as place_mod
from channelwatch.assess.place import daylight_facts

NOON = datetime(2025, 6, 12, 12, 0, tzinfo=UTC)
MIDNIGHT = datetime(2025, 6, 12, 23, 30, tzinfo=UTC)


class _Station:
    def __init__(self, name: str, country: str, kind: str) -> None:
        self.name, self.country, self.kind = name, country, kind


class StubRegion:
    """Answers fixed values, to test the plumbing of ``locate`` only."""

    def __init__(self, inside: bool = True) -> None:
        self.inside = inside

    def on_land(self, lat: Any, lon: Any) -> Any:
        return np.array([False])

    def contains(self, lat: Any, lon: Any) -> Any:
        return np.array([self.inside])

    def distance_to_coast_m(self, lat: Any, lon: Any) -> Any:
        return np.array([180.0])

    def coast_country(self, lat: Any, lon: Any) -> Any:
        return np.array(["FR"], dtype=object)

    def in_strip(self, lat: Any, lon: Any, width_m: float) -> Any:
        return np.array([width_m >= 180.0])

    def territorial_sea(self, lat: Any, lon: Any) -> Any:
        return np.array([None], dtype=object)

    def sar_region(self, lat: Any, lon: Any) -> Any:
        return np.array(["FR"], dtype=object)

    def nearest_stations(self, lat: float, lon: float, k: int) -> list[tuple[Any, float, Any]]:
        return [
            (_Station("Slow", "FR", "lifeboat_station"), 2.0, None),
            (_Station("Fast", "GB", "lifeboat_station"), 9.0, 20.0),
        ][:k]


def test_locate_fills_every_fact_from_the_region() -> None:
    p = locate(NOON, 51.0, 2.0, region=StubRegion())
    assert p.in_region and p.on_land is False
    assert p.distance_to_coast_m == 180.0 and p.coast_country == "FR"
    assert p.in_strip_200m is True and p.in_strip_300m is True
    assert p.territorial_sea == "none"  # in the region, beyond every territorial sea
    assert [a.name for a in p.rescue_assets] == ["Fast", "Slow"]  # known ETA first
    assert p.daylight and p.sun_elevation_deg > 50


def test_outside_the_region_everything_but_the_sun_is_unknown() -> None:
    p = locate(NOON, 45.0, -5.0, region=StubRegion(inside=False))
    assert p.in_region is False and p.distance_to_coast_m is None and p.territorial_sea is None
    assert any("outside the region model" in n for n in p.notes)


def test_without_a_region_model(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(place_mod, "_region_loader", lambda: None)
    p = locate(NOON, 51.0, 2.0)
    assert p.in_region is None and p.on_land is None
    assert any("region model not available" in n for n in p.notes)


def test_a_report_can_darken_but_not_lighten() -> None:
    _, light, notes = daylight_facts(NOON, 51.0, 2.0, False)
    assert light is False and "taken as dark" in notes[0]
    _, light, notes = daylight_facts(MIDNIGHT, 51.0, 2.0, True)
    assert light is False and "below civil twilight" in notes[0]
    _, light, notes = daylight_facts(NOON, 51.0, 2.0, True)
    assert light is True and notes == ()


def test_bad_positions_are_input_errors() -> None:
    with pytest.raises(AssessInputError, match=r"position\.lat"):
        locate(NOON, 91.0, 2.0, region=StubRegion())
    with pytest.raises(AssessInputError, match=r"position\.lon"):
        locate(NOON, 51.0, float("nan"), region=StubRegion())


def test_with_the_real_region_model() -> None:
    if place_mod._region_loader() is None:
        pytest.skip("channelwatch.region.load_region not available yet")
    # at sea off Gravelines, mid-Strait in English waters, and on land in Calais
    off = locate(NOON, 51.009, 2.104)
    assert off.on_land is False and off.coast_country == "FR" and off.territorial_sea == "FR"
    assert off.distance_to_coast_m is not None and off.distance_to_coast_m < 1000
    assert off.rescue_assets and off.sar_region == "FR"
    mid = locate(NOON, 51.06, 1.45)
    assert mid.territorial_sea == "GB" and mid.sar_region == "GB"
    assert mid.in_strip_300m is False
    town = locate(NOON, 50.952, 1.858)
    assert town.on_land is True
