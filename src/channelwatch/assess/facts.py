"""What is known of a boat and of the weather around it, with ``None`` for what is not known.

These are the facts of EU Regulation 656/2014 Art. 9(2)(f) that a watch officer can report: who
and what is aboard, the boat's state, and the weather and sea. People aboard are counted, never
identified.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

from channelwatch.assess.errors import AssessInputError
from channelwatch.ingest.observation import EngineState

__all__ = [
    "Boarding",
    "BoatFacts",
    "BoatKind",
    "EngineState",
    "Environment",
    "Fuel",
    "Lifejackets",
]


class BoatKind(StrEnum):
    INFLATABLE = "inflatable"  # the open dinghies of the crossings, "taxi boats" included
    RIB = "rib"
    RIGID = "rigid"
    KAYAK = "kayak"
    OTHER = "other"
    UNKNOWN = "unknown"


class Boarding(StrEnum):
    """Whether passengers are aboard (crew of a taxi boat are not passengers)."""

    EMPTY = "empty"
    BOARDING = "boarding"
    LOADED = "loaded"
    UNKNOWN = "unknown"


class Lifejackets(StrEnum):
    ALL = "all"
    SOME = "some"
    NONE = "none"
    UNKNOWN = "unknown"


class Fuel(StrEnum):
    SUFFICIENT = "sufficient"
    LOW = "low"
    NONE = "none"
    UNKNOWN = "unknown"


def _check_range(name: str, value: float | None, low: float, high: float) -> None:
    if value is None:
        return
    if not math.isfinite(value) or not low <= value <= high:
        raise AssessInputError(f"{name} must be between {low:g} and {high:g}, got {value!r}")


@dataclass(frozen=True, slots=True)
class BoatFacts:
    """The boat and the people aboard as reported; ``None`` is "not known"."""

    kind: BoatKind = BoatKind.UNKNOWN
    length_m: float | None = None
    beam_m: float | None = None
    persons_aboard: int | None = None
    boarding: Boarding = Boarding.UNKNOWN
    children_aboard: bool | None = None
    pregnant_aboard: bool | None = None
    medical_emergency: bool | None = None
    deceased_aboard: bool | None = None
    person_in_water: bool | None = None
    taking_water: bool | None = None
    engine: EngineState = EngineState.UNKNOWN
    lifejackets: Lifejackets = Lifejackets.UNKNOWN
    fuel: Fuel = Fuel.UNKNOWN
    qualified_crew: bool | None = None
    communication: bool | None = None  # a working phone or radio aboard
    navigation_equipment: bool | None = None

    def __post_init__(self) -> None:
        _check_range("boat.length_m", self.length_m, 1.0, 100.0)
        _check_range("boat.beam_m", self.beam_m, 0.5, 30.0)
        if self.persons_aboard is not None and not 0 <= self.persons_aboard <= 1000:
            raise AssessInputError(
                f"boat.persons_aboard must be between 0 and 1000, got {self.persons_aboard!r}"
            )


@dataclass(frozen=True, slots=True)
class Environment:
    """Weather and sea at the boat (observed or forecast); ``None`` is "not known"."""

    wind_kn: float | None = None
    wave_m: float | None = None
    water_temp_c: float | None = None
    visibility_km: float | None = None
    daylight: bool | None = None  # as reported; the sun's position is what counts (see place)

    def __post_init__(self) -> None:
        _check_range("environment.wind_kn", self.wind_kn, 0.0, 200.0)
        _check_range("environment.wave_m", self.wave_m, 0.0, 30.0)
        _check_range("environment.water_temp_c", self.water_temp_c, -2.5, 35.0)
        _check_range("environment.visibility_km", self.visibility_km, 0.0, 100.0)
