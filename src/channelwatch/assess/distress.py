"""The distress assessment: a SAR phase and the factors that raised it, in an officer's words.

Inputs are plain facts (:class:`BoatFacts`, :class:`Environment`, :class:`Place`), so the core does
no look-up. The phases and their tests follow EU Regulation 656/2014 Art. 9(2)(c)-(f) and the
SAR Convention 1979 Annex 4.4:

* distress: positive information of danger and need of immediate assistance (people in the
  water, water coming in, urgent medical need, deceased aboard), or the boat's operating
  efficiency impaired so that distress is likely (engine failed or out of fuel on an overloaded
  boat, severe sea for an open boat with passengers, a call for help from an impaired boat, an
  overloaded boat in several aggravating conditions);
* alert: operating efficiency impaired, not yet to that extent (overloaded, engine failed, rough
  sea, low fuel, a call for help, children or pregnant women aboard);
* uncertainty: passengers at sea in a small boat, or what matters is not known;
* none: nothing of the above.

Aggravating conditions (darkness, cold water, lifejackets not for all, poor visibility, rescue
slower than survival in the water, no qualified crew, no means of calling) escalate an
overloaded boat to distress when there are 2 or more of them on a grossly overloaded boat (twice
the indicative capacity) or 3 or more on an overloaded one. These thresholds are ChannelWatch's
judgement, stated here so they can be argued with. A request for assistance is never required
for distress, and is never by itself enough (Art. 9(2)(f)(i)).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from channelwatch.assess import capacity as cap
from channelwatch.assess.climatology import assumed_water_temp_c
from channelwatch.assess.facts import Boarding, BoatFacts, BoatKind, Environment, Fuel, Lifejackets
from channelwatch.assess.phase import DistressPhase, gravest
from channelwatch.assess.place import Place, RescueAsset
from channelwatch.assess.seastate import SeaState, beaufort, sea_state
from channelwatch.assess.solar import unix_seconds
from channelwatch.assess.survival import SurvivalEstimate, describe_minutes, estimate_survival
from channelwatch.ingest.observation import EngineState

COLD_WATER_C = 15.0  # below this, cold shock and incapacitation (Golden and Tipton)
POOR_VISIBILITY_KM = 2.0
AGGRAVATING_FOR_GROSS = 2
AGGRAVATING_FOR_OVERLOADED = 3
# A station with no published boat speed: taken as the slowest published lifeboat class in the
# region pack (RNLI Mersey, 17 kn), so that the time to arrive is not understated.
ASSUMED_RESCUE_SPEED_KN = 17.0

_ART = "EU Reg. 656/2014 Art. 9(2)"

U = DistressPhase.UNCERTAINTY
A = DistressPhase.ALERT
D = DistressPhase.DISTRESS


@dataclass(frozen=True, slots=True)
class Factor:
    """One reason for the phase: a stable code, an officer's sentence, the phase it supports."""

    code: str
    text: str
    raises: DistressPhase
    basis: str
    aggravating: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "text": self.text,
            "raises": self.raises.value,
            "basis": self.basis,
            "aggravating": self.aggravating,
        }


@dataclass(frozen=True, slots=True)
class Assessment:
    """The phase of one boat at one time, with what raised it and the time left."""

    time: datetime
    lat: float
    lon: float
    phase: DistressPhase
    factors: tuple[Factor, ...]
    assumptions: tuple[str, ...]
    passengers_aboard: bool | None  # None: not known whether passengers are aboard
    persons_reported: int | None
    persons_assumed: int | None
    capacity_persons: int | None
    overload_ratio: float | None
    water_temp_c: float
    survival: SurvivalEstimate
    survival_in_water_min: float  # for the worst-protected person aboard
    rescue_assets: tuple[RescueAsset, ...]
    nearest_eta_min: float | None
    time_left_min: float | None  # survival in the water less the nearest rescue's ETA

    @property
    def time_left_text(self) -> str:
        """The time left in words: a negative margin is said as such, never as "-19 min"."""
        t = self.time_left_min
        if t is None:
            return "time left unknown"
        if t >= 0:
            return f"time left in the water ~{t:.0f} min"
        return (
            f"the nearest rescue would reach anyone in the water ~{-t:.0f} min after their"
            " expected survival time"
        )

    @property
    def summary(self) -> str:
        head = self.phase.value.upper()
        if self.phase.iamsar:
            head += f" ({self.phase.iamsar})"
        raised = [f.text for f in self.factors if f.raises == self.phase] or [
            f.text for f in self.factors
        ]
        return head + (": " + "; ".join(raised) if raised else "")

    def to_dict(self) -> dict[str, Any]:
        return {
            "time": self.time.isoformat(),
            "position": {"lat": self.lat, "lon": self.lon},
            "phase": self.phase.value,
            "iamsar": self.phase.iamsar,
            "summary": self.summary,
            "factors": [f.to_dict() for f in self.factors],
            "assumptions": list(self.assumptions),
            "passengers_aboard": self.passengers_aboard,
            "persons_reported": self.persons_reported,
            "persons_assumed": self.persons_assumed,
            "capacity_persons": self.capacity_persons,
            "overload_ratio": (
                None if self.overload_ratio is None else round(self.overload_ratio, 2)
            ),
            "water_temp_c": self.water_temp_c,
            "survival": self.survival.to_dict(),
            "survival_in_water_min": round(self.survival_in_water_min, 1),
            "rescue_assets": [a.to_dict() for a in self.rescue_assets],
            "nearest_eta_min": (
                None if self.nearest_eta_min is None else round(self.nearest_eta_min, 1)
            ),
            "time_left_min": None if self.time_left_min is None else round(self.time_left_min, 1),
        }


def _with_eta(asset: RescueAsset, assumptions: list[str]) -> RescueAsset:
    """The asset with an ETA: a station with no published boat speed is taken as slow."""
    if asset.eta_min is not None:
        return asset
    assumptions.append(f"{asset.name}: boat speed unknown, taken as {ASSUMED_RESCUE_SPEED_KN:g} kn")
    return replace(asset, eta_min=60.0 * asset.distance_nm / ASSUMED_RESCUE_SPEED_KN)


def _num(x: float) -> str:
    return f"{x:g}" if x == int(x) else f"{x:.1f}"


def _weather_text(env: Environment) -> str:
    parts = []
    if env.wind_kn is not None:
        parts.append(f"wind {_num(env.wind_kn)} kn (force {int(beaufort(env.wind_kn))})")
    if env.wave_m is not None:
        parts.append(f"waves {_num(env.wave_m)} m")
    return ", ".join(parts)


def assess(
    boat: BoatFacts,
    env: Environment,
    place: Place,
    *,
    time: datetime,
    request_for_assistance: bool | None = None,
) -> Assessment:
    """Assess one boat: the SAR phase, its factors, survival in the water and the time left."""
    unix_seconds(time)  # refuses naive datetimes
    factors: list[Factor] = []
    assumptions: list[str] = list(place.notes)

    def add(code: str, text: str, raises: DistressPhase, basis: str, agg: bool = False) -> None:
        factors.append(Factor(code, text, raises, basis, agg))

    at_sea = place.on_land is not True
    kind = boat.kind
    if kind is BoatKind.UNKNOWN:
        kind = BoatKind.INFLATABLE
        assumptions.append("boat kind unknown, taken as an inflatable")

    # Passengers aboard: unknown boarding is taken as passengers aboard.
    if boat.boarding is Boarding.UNKNOWN:
        passengers: bool | None = None
        assumptions.append("whether passengers are aboard is unknown, taken as aboard")
    else:
        passengers = boat.boarding is not Boarding.EMPTY
    with_passengers = passengers is not False or bool(boat.person_in_water)

    persons = boat.persons_aboard
    if persons is None and with_passengers:
        persons = cap.MEAN_PERSONS_PER_BOAT
        assumptions.append(
            f"persons aboard unknown, taken as {persons} "
            f"(Home Office mean per boat, {cap.MEAN_PERSONS_YEAR})"
        )
    length = boat.length_m
    if length is None:
        length = cap.ASSUMED_LENGTH_M
        assumptions.append(f"length unknown, taken as {_num(length)} m (a small boat)")

    capacity: int | None = None
    ratio: float | None = None
    if persons is not None:
        capacity = cap.indicative_capacity(kind, length, boat.beam_m)
        ratio = persons / capacity

    # Water and survival.
    water = env.water_temp_c
    if water is None:
        water = assumed_water_temp_c(time)
        assumptions.append(
            f"water temperature unknown, taken as {_num(water)} °C (COADS monthly mean less 2 °C)"
        )
    survival = estimate_survival(water)
    lifejackets = boat.lifejackets
    if lifejackets is Lifejackets.UNKNOWN:
        lifejackets = Lifejackets.NONE
        assumptions.append("lifejackets unknown, taken as none")
    in_water_min = (
        survival.with_lifejacket_min
        if lifejackets is Lifejackets.ALL
        else survival.without_lifejacket_min
    )
    assets = tuple(_with_eta(a, assumptions) for a in place.rescue_assets)
    nearest = min(assets, key=lambda a: a.eta_min or 0.0) if assets else None
    nearest_eta = nearest.eta_min if nearest is not None else None
    time_left = None if nearest_eta is None else in_water_min - nearest_eta

    # --- positive information of danger (distress) ---
    if boat.person_in_water:
        add(
            "person_in_water",
            f"people in the water: survival {describe_minutes(in_water_min)}",
            D,
            f"{_ART}(e)(i)",
        )
    if boat.taking_water:
        add("taking_water", "taking water", D, f"{_ART}(f)(ii), (e)(iii)")
    if boat.medical_emergency:
        add("medical_emergency", "people needing urgent medical help", D, f"{_ART}(f)(vii)")
    if boat.deceased_aboard:
        add("deceased_aboard", "deceased aboard", D, f"{_ART}(f)(viii)")

    # --- impairments (alert; distress when they combine) ---
    overloaded = ratio is not None and ratio > cap.OVERLOADED_RATIO and with_passengers
    gross = overloaded and ratio is not None and ratio >= cap.GROSSLY_OVERLOADED_RATIO
    if overloaded and persons is not None and capacity is not None:
        said = "reported" if boat.persons_aboard is not None else "assumed"
        add(
            "overloaded",
            f"{persons} people {said} on a {_num(length)} m {kind.value}: "
            f"{'grossly ' if gross else ''}overloaded (indicative capacity {capacity})",
            A,
            f"{_ART}(f)(iii)",
        )
    drifting = boat.engine is EngineState.FAILED or boat.fuel is Fuel.NONE
    if boat.engine is EngineState.FAILED:
        add("engine_failed", "engine failed: drifting", A, f"{_ART}(f)(ii)")
    if boat.fuel is Fuel.NONE:
        add("out_of_fuel", "out of fuel: drifting", A, f"{_ART}(f)(iv)")
    elif boat.fuel is Fuel.LOW:
        add("fuel_low", "fuel low: may not reach shore", A, f"{_ART}(f)(iv)")
    state = sea_state(env.wind_kn, env.wave_m)
    if with_passengers and at_sea and state is SeaState.SEVERE:
        add(
            "severe_sea",
            f"{_weather_text(env)}: severe for an open boat",
            D,
            f"{_ART}(f)(x)",
        )
    elif with_passengers and at_sea and state is SeaState.ROUGH:
        add("rough_sea", f"{_weather_text(env)}: rough for an open boat", A, f"{_ART}(f)(x)")
    if boat.children_aboard and with_passengers:
        add("children_aboard", "children aboard", A, f"{_ART}(f)(ix)")
    if boat.pregnant_aboard and with_passengers:
        add("pregnant_aboard", "pregnant women aboard", A, f"{_ART}(f)(ix)")
    if request_for_assistance:
        add("request_for_assistance", "call for help", A, f"{_ART}(f)(i)")

    # --- aggravating conditions ---
    aggravating = 0

    def aggravate(code: str, text: str, basis: str) -> None:
        nonlocal aggravating
        aggravating += 1
        add(code, text, U, basis, True)

    if with_passengers and at_sea:
        if not place.daylight:
            aggravate(
                "darkness",
                f"dark (sun {abs(place.sun_elevation_deg):.0f}° below the horizon)"
                if place.sun_elevation_deg < 0
                else "dark (reported)",
                "darkness: people in the water are hard to find",
            )
        if water < COLD_WATER_C:
            aggravate(
                "cold_water",
                f"water {_num(water)} °C: survival in the water "
                f"{describe_minutes(survival.with_lifejacket_min)} with a lifejacket, "
                f"{describe_minutes(survival.without_lifejacket_min)} without",
                "cold-water survival (Hayward et al. 1975; US SAR Task Force table)",
            )
        if lifejackets is Lifejackets.NONE:
            text = (
                "no lifejackets (unknown, taken as none)"
                if boat.lifejackets is Lifejackets.UNKNOWN
                else "no lifejackets"
            )
            aggravate("no_lifejackets", text, f"{_ART}(f)(vi)")
        elif lifejackets is Lifejackets.SOME:
            aggravate("some_lifejackets", "lifejackets for only some aboard", f"{_ART}(f)(vi)")
        if env.visibility_km is not None and env.visibility_km < POOR_VISIBILITY_KM:
            aggravate(
                "poor_visibility",
                f"visibility {_num(env.visibility_km)} km: hard to find people in the water",
                f"{_ART}(f)(x)",
            )
        if (
            lifejackets is Lifejackets.ALL
            and nearest is not None
            and nearest_eta is not None
            and nearest_eta > in_water_min
        ):
            aggravate(
                "rescue_out_of_reach",
                f"nearest rescue ({nearest.name}) ~{nearest_eta:.0f} min away: longer than "
                f"survival in the water ({describe_minutes(in_water_min)})",
                "cold-water survival against rescue time",
            )
        if boat.qualified_crew is False:
            aggravate("no_qualified_crew", "no qualified skipper", f"{_ART}(f)(v)")
        if boat.communication is False:
            aggravate("no_communication", "no phone or radio aboard", f"{_ART}(f)(vi)")
        if boat.navigation_equipment is False:
            aggravate("no_navigation", "no navigation equipment", f"{_ART}(f)(vi)")

    # --- combinations that make distress likely (Art. 9(2)(e)(iii)) ---
    if drifting and overloaded:
        add(
            "drifting_overloaded",
            "overloaded and drifting: distress likely",
            D,
            f"{_ART}(e)(iii)",
        )
    impaired = overloaded or drifting or state in (SeaState.ROUGH, SeaState.SEVERE)
    if request_for_assistance and impaired:
        add(
            "call_from_impaired_boat",
            "call for help from an impaired boat: distress likely",
            D,
            f"{_ART}(e)(iii), (f)(i)",
        )
    if (gross and aggravating >= AGGRAVATING_FOR_GROSS) or (
        overloaded and aggravating >= AGGRAVATING_FOR_OVERLOADED
    ):
        add(
            "overloaded_aggravated",
            f"{'grossly ' if gross else ''}overloaded with {aggravating} aggravating "
            "conditions: distress likely",
            D,
            f"{_ART}(e)(iii)",
        )

    # --- what is not known (uncertainty) ---
    if with_passengers and at_sea:
        if passengers is None:
            add("occupancy_unknown", "whether passengers are aboard is unknown", U, f"{_ART}(c)")
        else:
            add(
                "passengers_at_sea",
                f"{persons if persons is not None else 'people'} aboard a small boat at sea",
                U,
                f"{_ART}(f)(iii)",
            )
        if boat.engine is EngineState.UNKNOWN:
            add("engine_unknown", "engine state unknown", U, f"{_ART}(f)(ii)")
        if state is SeaState.UNKNOWN:
            add("weather_unknown", "wind and sea unknown: get the forecast", U, f"{_ART}(f)(x)")

    return Assessment(
        time=time,
        lat=place.lat,
        lon=place.lon,
        phase=gravest(f.raises for f in factors),
        factors=tuple(sorted(factors, key=lambda f: -f.raises.rank)),
        assumptions=tuple(assumptions),
        passengers_aboard=passengers,
        persons_reported=boat.persons_aboard,
        persons_assumed=persons,
        capacity_persons=capacity,
        overload_ratio=ratio,
        water_temp_c=water,
        survival=survival,
        survival_in_water_min=in_water_min,
        rescue_assets=assets,
        nearest_eta_min=nearest_eta,
        time_left_min=time_left,
    )
