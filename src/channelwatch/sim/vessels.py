"""What the simulator moves: vessels of every kind, with their AIS identity if they have one."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Kind(StrEnum):
    CARGO = "ship"
    FERRY = "ferry"
    FISHING = "fishing"
    PATROL = "patrol"
    RESCUE = "rescue"
    SMALL_BOAT = "small_boat"
    TAXI_BOAT = "taxi_boat"


# AIS navigational status codes (ITU-R M.1371)
UNDER_WAY = 0
AT_ANCHOR = 1
MOORED = 5
FISHING = 7
UNDEFINED = 15


@dataclass(slots=True)
class Vessel:
    """Mutable state of one simulated vessel."""

    vid: str
    kind: Kind
    lat: float
    lon: float
    sog_kn: float = 0.0
    cog_deg: float = 0.0
    name: str | None = None
    mmsi: int | None = None
    ais_class: str | None = None  # "A", "B" or None (no AIS)
    ship_type: int | None = None
    length_m: float = 10.0
    beam_m: float = 3.0
    nav_status: int = UNDER_WAY
    persons: int = 0
    state: str = "under_way"
    active: bool = True
    ais_on: bool = True
    ais_next_s: float = 0.0
    static_next_s: float = 0.0
    behaviour: Any = None
    facts: dict[str, Any] = field(default_factory=dict)  # truth-only attributes


def ais_interval_s(v: Vessel) -> float:
    """Reporting interval of a position report (ITU-R M.1371 Table 1, class B 'CS')."""
    if v.ais_class == "B":
        return 180.0 if v.sog_kn < 2 else 30.0
    if v.nav_status in (AT_ANCHOR, MOORED) or v.sog_kn < 0.5:
        return 180.0
    if v.sog_kn < 14:
        return 10.0
    if v.sog_kn < 23:
        return 6.0
    return 2.0
