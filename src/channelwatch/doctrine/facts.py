"""The facts a policy reads: the situation's, the place's (region and sun) and the assessment's.

Unknown values are ``None``; the engine takes them on the safe side. Occupancy is derived here:
"occupied" when passengers are aboard or boarding or people are in the water by the boat,
"empty" only when the boat is reported empty *and* the number aboard is known and no more than a
taxi boat's crew, otherwise unknown.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from channelwatch.assess.distress import Assessment
from channelwatch.assess.facts import Boarding, BoatFacts, BoatKind, Environment, Lifejackets
from channelwatch.assess.place import Place
from channelwatch.doctrine.conditions import FactValue
from channelwatch.ingest.observation import EngineState

# A taxi boat's crew before pickup is a pilot and a helper or two; more aboard a boat reported
# "empty" contradicts the report, so occupancy is then taken as unknown (ChannelWatch judgement).
EMPTY_CREW_MAX = 4


@dataclass(frozen=True, slots=True)
class Facts:
    """Fact values by name, and notes on how some unknown or contradictory ones were taken."""

    values: Mapping[str, FactValue]
    notes: Mapping[str, str] = field(default_factory=dict)

    def __getitem__(self, name: str) -> FactValue:
        return self.values.get(name)


def occupancy(boat: BoatFacts) -> tuple[str | None, str | None]:
    """("empty" | "occupied" | None for unknown, a note when the report was not taken as given)."""
    if boat.person_in_water:
        if boat.boarding is Boarding.EMPTY:
            return "occupied", "people in the water by a boat reported empty: taken as boarding"
        return "occupied", None
    if boat.boarding in (Boarding.BOARDING, Boarding.LOADED):
        return "occupied", None
    if boat.boarding is Boarding.UNKNOWN:
        return None, "boarding state unknown"
    if boat.persons_aboard is None:
        return None, "reported empty but the number aboard is unknown"
    if boat.persons_aboard > EMPTY_CREW_MAX:
        return None, (
            f"reported empty with {boat.persons_aboard} aboard, more than a taxi boat's crew "
            f"({EMPTY_CREW_MAX}): contradictory"
        )
    return "empty", None


def _known(value: str, unknown: str) -> str | None:
    return None if value == unknown else value


def build_facts(
    boat: BoatFacts,
    env: Environment,
    place: Place,
    assessment: Assessment,
    *,
    request_for_assistance: bool | None,
) -> Facts:
    occ, occ_note = occupancy(boat)
    values: dict[str, FactValue] = {
        "distress_phase": assessment.phase.value,
        "occupancy": occ,
        "boarding": _known(boat.boarding.value, Boarding.UNKNOWN.value),
        "persons_aboard": boat.persons_aboard,
        "boat_kind": _known(boat.kind.value, BoatKind.UNKNOWN.value),
        "length_m": boat.length_m,
        "children_aboard": boat.children_aboard,
        "pregnant_aboard": boat.pregnant_aboard,
        "medical_emergency": boat.medical_emergency,
        "deceased_aboard": boat.deceased_aboard,
        "person_in_water": boat.person_in_water,
        "taking_water": boat.taking_water,
        "engine": _known(boat.engine.value, EngineState.UNKNOWN.value),
        "lifejackets": _known(boat.lifejackets.value, Lifejackets.UNKNOWN.value),
        "wind_kn": env.wind_kn,
        "wave_m": env.wave_m,
        "water_temp_c": env.water_temp_c,
        "visibility_km": env.visibility_km,
        "request_for_assistance": request_for_assistance,
        "daylight": place.daylight,
        "sun_elevation_deg": place.sun_elevation_deg,
        "on_land": place.on_land,
        "at_sea": None if place.on_land is None else not place.on_land,
        "distance_to_coast_m": place.distance_to_coast_m,
        "coast_country": place.coast_country,
        "in_strip_200m": place.in_strip_200m,
        "in_strip_300m": place.in_strip_300m,
        "territorial_sea": place.territorial_sea,
        "sar_region": place.sar_region,
    }
    notes = {"occupancy": occ_note} if occ_note else {}
    return Facts(values=values, notes=notes)
