"""What a track is: ship, patrol or rescue asset, small boat, or unknown.

AIS targets are classed from their declared ship type (ITU-R M.1371 Table 53), their MMSI and a
list of known assets passed in by the operator; non-AIS tracks from sighting evidence (persons
aboard, the words of a description, a stated length) and, failing that, their speed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from enum import StrEnum


class TrackKind(StrEnum):
    SHIP = "ship"  # any AIS vessel that is not a known asset, or a non-AIS contact seen to be large
    PATROL = "patrol"  # military or law-enforcement asset
    RESCUE = "rescue"  # search-and-rescue asset (lifeboat, SAR vessel or aircraft)
    SMALL_BOAT = "small_boat"  # no AIS, small-boat evidence or speed band
    UNKNOWN = "unknown"


# AIS ship types that mark an asset: 35 military operations, 51 search and rescue, 55 law
# enforcement.
ASSET_SHIP_TYPES: Mapping[int, TrackKind] = {
    35: TrackKind.PATROL,
    51: TrackKind.RESCUE,
    55: TrackKind.PATROL,
}

SMALL_BOAT_MAX_LENGTH_M = 15.0
LARGE_MIN_LENGTH_M = 24.0

# Words of sighting descriptions (English and French) that say what was seen. Small-boat words
# are tested first: "small vessel" is a small boat, not a ship.
_SMALL_WORDS = (
    "small boat",
    "small craft",
    "small vessel",
    "dinghy",
    "inflatable",
    "rib",
    "rhib",
    "taxi boat",
    "canoe",
    "kayak",
    "boat with people",
    "persons aboard",
    "people aboard",
    "pneumatique",
    "embarcation",
    "small-boat",
    "smallboat",
)
_LARGE_WORDS = (
    "ship",
    "cargo",
    "tanker",
    "ferry",
    "container",
    "bulk carrier",
    "trawler",
    "navire",
)
_LENGTH = re.compile(r"(\d+(?:[.,]\d+)?)\s*(?:m|metres?|meters?|mètres?)\b", re.IGNORECASE)


def is_sar_aircraft_mmsi(mmsi: int) -> bool:
    """MMSI 111MIDxxx: a search-and-rescue aircraft (ITU-R M.585)."""
    return 111_000_000 <= mmsi <= 111_999_999


def ais_kind(
    mmsi: int,
    ship_type: int | None,
    known_assets: Mapping[int, TrackKind] | None = None,
) -> TrackKind:
    """Kind of an AIS target: a known asset first, then the ship type, then ship."""
    if known_assets and mmsi in known_assets:
        return known_assets[mmsi]
    if is_sar_aircraft_mmsi(mmsi):
        return TrackKind.RESCUE
    if ship_type is not None and ship_type in ASSET_SHIP_TYPES:
        return ASSET_SHIP_TYPES[ship_type]
    return TrackKind.SHIP


def _has_word(text: str, words: tuple[str, ...]) -> bool:
    return any(re.search(rf"\b{re.escape(w)}\b", text) for w in words)


def description_length_m(description: str | None) -> float | None:
    """A length stated in a description ("grey inflatable, about 10 m"), in metres."""
    if not description:
        return None
    match = _LENGTH.search(description)
    return float(match.group(1).replace(",", ".")) if match else None


def description_kind(description: str | None) -> TrackKind | None:
    """SMALL_BOAT or SHIP if a description says so (words first, then a stated length)."""
    if not description:
        return None
    text = description.lower()
    if _has_word(text, _SMALL_WORDS):
        return TrackKind.SMALL_BOAT
    if _has_word(text, _LARGE_WORDS):
        return TrackKind.SHIP
    length = description_length_m(description)
    if length is not None:
        if length <= SMALL_BOAT_MAX_LENGTH_M:
            return TrackKind.SMALL_BOAT
        if length >= LARGE_MIN_LENGTH_M:
            return TrackKind.SHIP
    return None


def contact_kind(
    speed_kn: float | None,
    speed_band_kn: tuple[float, float] = (0.5, 12.0),
    persons_estimate: int | None = None,
    description: str | None = None,
) -> TrackKind:
    """Kind of a non-AIS track: evidence of people or of size first, then the speed band.

    ``speed_kn`` is None while the track's velocity is not yet known well enough to judge.
    """
    if persons_estimate is not None and persons_estimate > 0:
        return TrackKind.SMALL_BOAT
    said = description_kind(description)
    if said is not None:
        return said
    if speed_kn is not None and speed_band_kn[0] <= speed_kn <= speed_band_kn[1]:
        return TrackKind.SMALL_BOAT
    return TrackKind.UNKNOWN
