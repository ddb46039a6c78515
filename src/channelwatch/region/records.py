"""Typed records of a region's point layers and zones: stations, boats, beaches, TSS elements."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Boat:
    """A rescue boat class at a station, with its published maximum speed (None: not known)."""

    cls: str
    type: str
    max_speed_kn: float | None


@dataclass(frozen=True, slots=True)
class Station:
    """A lifeboat station, coordination centre, state-vessel base or SAR aviation base."""

    name: str
    country: str
    kind: str
    operator: str | None
    lat: float
    lon: float
    boats: tuple[Boat, ...]
    verified: bool  # False when the source marks a fact "verify", "unverified" or "not found"
    coord_quality: str
    source: str
    note: str | None = None

    @property
    def max_speed_kn(self) -> float | None:
        """The fastest boat's speed, or None when no boat speed is known."""
        speeds = [b.max_speed_kn for b in self.boats if b.max_speed_kn is not None]
        return max(speeds) if speeds else None


@dataclass(frozen=True, slots=True)
class Beach:
    """An embarkation beach or a landing area, on the high-water line."""

    name: str
    country: str
    role: str  # "embarkation" | "landing"
    lat: float
    lon: float
    evidence: str
    source: str


@dataclass(frozen=True, slots=True)
class TssElement:
    """A polygon of the traffic separation scheme: lane, separation zone or inshore traffic zone."""

    element: str
    name: str
    direction_deg: float | None  # the lane's general direction of traffic
    approximate: bool  # built by us from mapped edges, not mapped as such
    official: bool


@dataclass(frozen=True, slots=True)
class SarRegion:
    """One side of the SAR split: its code, coordinating centre and how its edge was derived."""

    code: str
    centre: str
    published: bool
    derivation: str
