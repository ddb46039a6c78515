"""Track kinds from AIS ship types, MMSI, sighting words and speed."""

from __future__ import annotations

import pytest

from channelwatch.track.kinds import (
    TrackKind,
    ais_kind,
    contact_kind,
    description_kind,
    description_length_m,
)


@pytest.mark.parametrize(
    ("ship_type", "kind"),
    [
        (35, TrackKind.PATROL),
        (51, TrackKind.RESCUE),
        (55, TrackKind.PATROL),
        (70, TrackKind.SHIP),
        (80, TrackKind.SHIP),
        (37, TrackKind.SHIP),
        (None, TrackKind.SHIP),
    ],
)
def test_ais_kind_from_ship_type(ship_type: int | None, kind: TrackKind) -> None:
    assert ais_kind(227000000, ship_type) == kind


def test_known_assets_and_sar_aircraft() -> None:
    assert ais_kind(227000001, 70, {227000001: TrackKind.RESCUE}) == TrackKind.RESCUE
    assert ais_kind(111227500, None) == TrackKind.RESCUE  # 111MIDxxx: SAR aircraft
    assert ais_kind(227000002, 70, {227000001: TrackKind.RESCUE}) == TrackKind.SHIP


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("grey inflatable, heavily loaded", TrackKind.SMALL_BOAT),
        ("Small vessel heading NW", TrackKind.SMALL_BOAT),
        ("embarcation pneumatique avec personnes", TrackKind.SMALL_BOAT),
        ("container ship", TrackKind.SHIP),
        ("unidentified craft about 9 m", TrackKind.SMALL_BOAT),
        ("unidentified craft about 120 m", TrackKind.SHIP),
        ("unidentified craft", None),
        ("tribute", None),  # "rib" only as a word
        (None, None),
    ],
)
def test_description_kind(text: str | None, kind: TrackKind | None) -> None:
    assert description_kind(text) == kind


def test_length_parse() -> None:
    assert description_length_m("approx 10,5 m long") == 10.5
    assert description_length_m("12 metres") == 12.0
    assert description_length_m("3 boats") is None


def test_contact_kind_order_of_evidence() -> None:
    assert contact_kind(25.0, persons_estimate=40) == TrackKind.SMALL_BOAT
    assert contact_kind(5.0, description="tanker") == TrackKind.SHIP
    assert contact_kind(5.0) == TrackKind.SMALL_BOAT
    assert contact_kind(1.0) == TrackKind.SMALL_BOAT  # drifting with the tide: the safe error
    assert contact_kind(0.2) == TrackKind.UNKNOWN  # (nearly) still: kinematics cannot tell
    assert contact_kind(18.0) == TrackKind.UNKNOWN
    assert contact_kind(None) == TrackKind.UNKNOWN
    assert contact_kind(11.0, speed_band_kn=(2.0, 12.0)) == TrackKind.SMALL_BOAT
