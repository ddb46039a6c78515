"""The distress phase and its factors, scenario by scenario and as invariants."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from channelwatch.assess import (
    Assessment,
    Boarding,
    BoatFacts,
    BoatKind,
    DistressPhase,
    EngineState,
    Environment,
    Fuel,
    Lifejackets,
    Place,
    RescueAsset,
    assess,
    gravest,
)
from channelwatch.assess.place import daylight_facts

DAY = datetime(2025, 6, 12, 12, 0, tzinfo=UTC)
NIGHT = datetime(2025, 11, 24, 1, 0, tzinfo=UTC)
AT = (51.0, 1.75)
CALM = Environment(wind_kn=6.0, wave_m=0.3, water_temp_c=16.0, visibility_km=10.0)


def place_at(time: datetime, assets: tuple[RescueAsset, ...] = ()) -> Place:
    elevation, daylight, _ = daylight_facts(time, *AT, None)
    return Place(
        lat=AT[0],
        lon=AT[1],
        sun_elevation_deg=elevation,
        daylight=daylight,
        on_land=False,
        distance_to_coast_m=4000.0,
        rescue_assets=assets,
    )


def run(boat: BoatFacts, env: Environment = CALM, time: datetime = DAY, **kw: object) -> Assessment:
    assets = kw.pop("assets", ())
    return assess(boat, env, place_at(time, assets), time=time, **kw)  # type: ignore[arg-type]


def codes(a: Assessment) -> set[str]:
    return {f.code for f in a.factors}


KNOWN_LOADED = BoatFacts(
    kind=BoatKind.INFLATABLE,
    length_m=10.0,
    persons_aboard=12,
    boarding=Boarding.LOADED,
    engine=EngineState.RUNNING,
    lifejackets=Lifejackets.ALL,
    fuel=Fuel.SUFFICIENT,
)


def test_empty_taxi_boat_in_calm_daylight_raises_no_phase() -> None:
    boat = replace(KNOWN_LOADED, boarding=Boarding.EMPTY, persons_aboard=2)
    a = run(boat)
    assert a.phase is DistressPhase.NONE and a.factors == ()


def test_passengers_at_sea_are_at_least_uncertainty() -> None:
    a = run(KNOWN_LOADED)
    assert a.phase is DistressPhase.UNCERTAINTY
    assert codes(a) == {"passengers_at_sea"}
    assert a.summary.startswith("UNCERTAINTY (INCERFA)")


def test_overloaded_inflatable_in_officer_words() -> None:
    a = run(replace(KNOWN_LOADED, persons_aboard=45))
    assert a.phase is DistressPhase.ALERT
    text = next(f.text for f in a.factors if f.code == "overloaded")
    assert (
        text
        == "45 people reported on a 10 m inflatable: grossly overloaded (indicative capacity 17)"
    )
    assert a.capacity_persons == 17 and a.overload_ratio == pytest.approx(45 / 17)


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"person_in_water": True}, "person_in_water"),
        ({"taking_water": True}, "taking_water"),
        ({"medical_emergency": True}, "medical_emergency"),
        ({"deceased_aboard": True}, "deceased_aboard"),
    ],
)
def test_positive_information_of_danger_is_distress(change: dict[str, bool], code: str) -> None:
    a = run(replace(KNOWN_LOADED, **change))
    assert a.phase is DistressPhase.DISTRESS
    assert code in codes(a)


def test_request_for_assistance_alone_is_alert_never_by_itself_distress() -> None:
    a = run(KNOWN_LOADED, request_for_assistance=True)
    assert a.phase is DistressPhase.ALERT and "request_for_assistance" in codes(a)
    b = run(replace(KNOWN_LOADED, persons_aboard=30), request_for_assistance=True)
    assert b.phase is DistressPhase.DISTRESS and "call_from_impaired_boat" in codes(b)


def test_distress_never_requires_a_request_for_assistance() -> None:
    a = run(replace(KNOWN_LOADED, taking_water=True), request_for_assistance=False)
    assert a.phase is DistressPhase.DISTRESS


def test_engine_failure_alone_is_alert_and_on_an_overloaded_boat_distress() -> None:
    assert run(replace(KNOWN_LOADED, engine=EngineState.FAILED)).phase is DistressPhase.ALERT
    a = run(replace(KNOWN_LOADED, engine=EngineState.FAILED, persons_aboard=40))
    assert a.phase is DistressPhase.DISTRESS and "drifting_overloaded" in codes(a)
    b = run(replace(KNOWN_LOADED, fuel=Fuel.NONE, persons_aboard=40))
    assert b.phase is DistressPhase.DISTRESS and "out_of_fuel" in codes(b)


def test_sea_state_for_an_open_boat() -> None:
    rough = Environment(wind_kn=18.0, wave_m=0.8, water_temp_c=16.0)
    severe = Environment(wind_kn=25.0, wave_m=2.5, water_temp_c=16.0)
    assert run(KNOWN_LOADED, rough).phase is DistressPhase.ALERT
    a = run(KNOWN_LOADED, severe)
    assert a.phase is DistressPhase.DISTRESS
    assert any(f.text.startswith("wind 25 kn (force 6), waves 2.5 m") for f in a.factors)


def test_children_and_pregnant_women_aboard_raise_alert() -> None:
    a = run(replace(KNOWN_LOADED, children_aboard=True, pregnant_aboard=True))
    assert a.phase is DistressPhase.ALERT
    assert {"children_aboard", "pregnant_aboard"} <= codes(a)


def test_grossly_overloaded_at_night_in_cold_water_is_distress() -> None:
    """The pattern of 24 November 2021: many aboard, night, cold water, no lifejackets."""
    boat = replace(KNOWN_LOADED, persons_aboard=40, lifejackets=Lifejackets.UNKNOWN)
    a = run(boat, Environment(wind_kn=8, wave_m=0.5, water_temp_c=11.0), NIGHT)
    assert a.phase is DistressPhase.DISTRESS
    assert {"darkness", "cold_water", "no_lifejackets", "overloaded_aggravated"} <= codes(a)
    assert "lifejackets unknown, taken as none" in a.assumptions
    assert any(f.text == "no lifejackets (unknown, taken as none)" for f in a.factors)
    cold = next(f.text for f in a.factors if f.code == "cold_water")
    assert cold.startswith("water 11 °C: survival in the water ~3 h with a lifejacket")


def test_unknowns_are_taken_on_the_safe_side_and_said() -> None:
    a = run(BoatFacts(), Environment(), NIGHT)
    assert a.persons_assumed == 62 and a.persons_reported is None
    said = " | ".join(a.assumptions)
    for phrase in (
        "persons aboard unknown, taken as 62",
        "length unknown, taken as 8 m",
        "boat kind unknown, taken as an inflatable",
        "whether passengers are aboard is unknown, taken as aboard",
        "water temperature unknown, taken as 10.4 °C",
        "lifejackets unknown, taken as none",
    ):
        assert phrase in said
    assert {"occupancy_unknown", "engine_unknown", "weather_unknown"} <= codes(a)
    assert a.phase is DistressPhase.DISTRESS  # 62 on 8 m, dark, cold, no lifejackets


def test_rescue_time_and_time_left() -> None:
    assets = (
        RescueAsset("Far", "GB", "lifeboat_station", 20.0, 48.0),
        RescueAsset("Near", "FR", "lifeboat_station", 3.0, None),
    )
    a = run(replace(KNOWN_LOADED, lifejackets=Lifejackets.ALL), assets=assets)
    near = next(x for x in a.rescue_assets if x.name == "Near")
    assert near.eta_min == pytest.approx(60 * 3.0 / 17.0)
    assert a.nearest_eta_min == pytest.approx(near.eta_min)
    assert any("Near: boat speed unknown, taken as 17 kn" in s for s in a.assumptions)
    assert a.time_left_min == pytest.approx(a.survival.with_lifejacket_min - near.eta_min)
    far_only = run(
        replace(KNOWN_LOADED, persons_aboard=30),
        Environment(water_temp_c=3.0, wind_kn=5, wave_m=0.2),
        assets=(RescueAsset("Very far", "GB", "lifeboat_station", 40.0, 120.0),),
    )
    # 90 min afloat at 3 °C (the band's upper limit) against 120 min to arrive
    assert "rescue_out_of_reach" in codes(far_only)
    assert far_only.time_left_min == pytest.approx(90.0 - 120.0)


def test_assessment_is_json_ready() -> None:
    import json

    d = run(replace(KNOWN_LOADED, persons_aboard=50), request_for_assistance=True).to_dict()
    json.dumps(d)
    assert d["phase"] == "distress" and d["iamsar"] == "DETRESFA"


def test_naive_time_is_refused() -> None:
    from channelwatch.assess import AssessInputError

    with pytest.raises(AssessInputError):
        assess(KNOWN_LOADED, CALM, place_at(DAY), time=datetime(2025, 1, 1))


def test_out_of_range_facts_name_the_field() -> None:
    from channelwatch.assess import AssessInputError

    with pytest.raises(AssessInputError, match=r"boat\.length_m"):
        BoatFacts(length_m=0.1)
    with pytest.raises(AssessInputError, match=r"environment\.wave_m"):
        Environment(wave_m=float("nan"))


# --- invariants -----------------------------------------------------------------------------

opt_bool = st.none() | st.booleans()
boats = st.builds(
    BoatFacts,
    kind=st.sampled_from(BoatKind),
    length_m=st.none() | st.floats(3, 15),
    persons_aboard=st.none() | st.integers(0, 90),
    boarding=st.sampled_from(Boarding),
    children_aboard=opt_bool,
    pregnant_aboard=opt_bool,
    medical_emergency=opt_bool,
    deceased_aboard=opt_bool,
    person_in_water=opt_bool,
    taking_water=opt_bool,
    engine=st.sampled_from(EngineState),
    lifejackets=st.sampled_from(Lifejackets),
    fuel=st.sampled_from(Fuel),
)
envs = st.builds(
    Environment,
    wind_kn=st.none() | st.floats(0, 40),
    wave_m=st.none() | st.floats(0, 4),
    water_temp_c=st.none() | st.floats(4, 20),
    visibility_km=st.none() | st.floats(0, 20),
)
DANGERS = ["person_in_water", "taking_water", "medical_emergency", "deceased_aboard"]


@settings(max_examples=200, deadline=None)
@given(boats, envs, st.sampled_from([DAY, NIGHT]), opt_bool)
def test_phase_is_the_gravest_factor_and_every_factor_is_worded(
    boat: BoatFacts, env: Environment, time: datetime, request: bool | None
) -> None:
    a = run(boat, env, time, request_for_assistance=request)
    assert a.phase is gravest(f.raises for f in a.factors)
    assert all(f.text and f.basis for f in a.factors)
    if a.phase is not DistressPhase.NONE:
        assert a.factors
    assert a.survival_in_water_min > 0


@settings(max_examples=200, deadline=None)
@given(boats, envs, st.sampled_from([DAY, NIGHT]), st.sampled_from(DANGERS))
def test_more_danger_never_lowers_the_phase(
    boat: BoatFacts, env: Environment, time: datetime, danger: str
) -> None:
    before = run(boat, env, time)
    after = run(replace(boat, **{danger: True}), env, time)
    assert after.phase is DistressPhase.DISTRESS
    worse_engine = run(replace(boat, engine=EngineState.FAILED), env, time)
    assert worse_engine.phase.rank >= before.phase.rank
    more_people = run(replace(boat, persons_aboard=(boat.persons_aboard or 0) + 20), env, time)
    if boat.persons_aboard is not None:
        assert more_people.phase.rank >= before.phase.rank


def test_time_left_is_never_said_as_a_negative_number() -> None:
    from dataclasses import replace

    from channelwatch.assess.distress import Assessment

    fields = {f: None for f in Assessment.__dataclass_fields__}
    a = Assessment.__new__(Assessment)
    for k, v in fields.items():
        object.__setattr__(a, k, v)
    assert replace(a, time_left_min=25.0).time_left_text == "time left in the water ~25 min"
    late = replace(a, time_left_min=-19.0).time_left_text
    assert "-" not in late and "19 min after" in late
    assert replace(a, time_left_min=None).time_left_text == "time left unknown"
