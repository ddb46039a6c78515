"""The typed observations every source is normalised to, before the ledger and the tracker.

AIS messages become :class:`AisPosition` (where a vessel is) or :class:`AisStatic` (who it is:
voyage and static data). What has no AIS becomes :class:`ContactReport` (radar plot, aerial or
drone sighting) or :class:`DistressCall` (a phone call with the caller's position). People aboard
are counted, never identified: no field here holds a name, a number or a voice of a person.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Sensor(StrEnum):
    """What produced a non-AIS contact."""

    RADAR = "radar"
    AERIAL = "aerial"
    DRONE = "drone"
    CALL = "call"


class EngineState(StrEnum):
    RUNNING = "running"
    FAILED = "failed"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class AisPosition:
    """A position report (AIS types 1, 2, 3, 4, 9, 11, 18, 19, 21, 27). Missing values are None."""

    time: datetime  # UTC, from the tag block, $PGHP, line prefix or reception clock
    mmsi: int
    msg_type: int
    lat: float
    lon: float
    sog_kn: float | None = None
    cog_deg: float | None = None
    heading_deg: int | None = None
    nav_status: int | None = None
    source: str | None = None  # receiver / tag-block source station


@dataclass(frozen=True, slots=True)
class AisStatic:
    """Voyage and static data (AIS types 5, 19, 21, 24). Missing values are None."""

    time: datetime
    mmsi: int
    msg_type: int
    name: str | None = None
    callsign: str | None = None
    imo: int | None = None
    ship_type: int | None = None
    to_bow_m: int | None = None
    to_stern_m: int | None = None
    to_port_m: int | None = None
    to_starboard_m: int | None = None
    destination: str | None = None
    source: str | None = None

    @property
    def length_m(self) -> int | None:
        if self.to_bow_m is None or self.to_stern_m is None:
            return None
        return self.to_bow_m + self.to_stern_m


@dataclass(frozen=True, slots=True)
class ContactReport:
    """A radar plot, an aerial or a drone sighting of something that carries no AIS."""

    time: datetime
    lat: float
    lon: float
    sensor: Sensor
    sensor_id: str
    sigma_m: float  # 1-sigma position uncertainty
    persons_estimate: int | None = None
    description: str | None = None
    report_id: str | None = None


@dataclass(frozen=True, slots=True)
class DistressCall:
    """A call for help with the caller's phone position (never the caller's identity)."""

    time: datetime
    lat: float
    lon: float
    accuracy_m: float  # radius of the phone position's uncertainty
    persons_reported: int | None = None
    children_aboard: bool | None = None
    water_coming_in: bool | None = None
    engine: EngineState = EngineState.UNKNOWN
    call_id: str | None = None  # the operator's reference for the call, not a phone number
    note: str | None = None


Observation = AisPosition | AisStatic | ContactReport | DistressCall
