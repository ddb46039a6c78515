"""Invariants of the doctrine, under hypothesis, across every policy and generated situations.

* no policy permits (or requires) a coercive action when passengers are aboard or boarding or
  occupancy is unknown;
* distress puts "rescue" in required_actions and prohibits every coercive action;
* "rescue" is never prohibited;
* every reason carries a citation, and a verdict always has a reason;
* an unknown fact is taken on the safe side and the reason says so;
* safety of life's "prohibited" and "required" are never weakened by a policy;
* every verdict matches the published verdict schema.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jsonschema
from doctrine_builders import facts_for, place
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from channelwatch.assess import BoatFacts, Environment, Place
from channelwatch.assess.facts import Boarding, BoatKind, Fuel, Lifejackets
from channelwatch.doctrine import (
    COERCIVE,
    PERMITTED,
    PROHIBITED,
    REQUIRED,
    Action,
    Library,
    default_library,
    evaluate_all,
    schema,
)
from channelwatch.doctrine.facts import Facts
from channelwatch.doctrine.policy import builtin_policies, parse_policy
from channelwatch.ingest.observation import EngineState

# A policy that permits every coercive action everywhere: a careless or hostile doctrine file.
# It does not name safety of life, so it loads; the invariants must hold for it too.
PERMISSIVE = b"""
id: permit-everything
version: "0.0.1"
title: Permits every action (test)
status: position
sources:
  - id: nobody
    document: a test
rules:
  - id: anything-goes
    effect: permit
    actions: [stop_before_boarding, divert, disable_propulsion, tow, monitor, escort, rescue]
    text: Everything is permitted.
    cite: [nobody]
"""
LIBRARY = Library([*builtin_policies(), parse_policy(PERMISSIVE, "permissive.yaml")])
POLICIES = LIBRARY.names()
VERDICT_VALIDATOR = jsonschema.Draft202012Validator(schema("verdict"))

opt_bool = st.none() | st.booleans()
# Danger facts are mostly absent, so that the calmer cases (and permits) are reached too.
rare_bool = st.sampled_from([None, False, False, False, True])


@st.composite
def any_boat(draw: st.DrawFn) -> BoatFacts:
    return BoatFacts(
        kind=draw(st.sampled_from(BoatKind)),
        length_m=draw(st.none() | st.floats(3.0, 15.0)),
        beam_m=draw(st.none() | st.floats(1.0, 4.0)),
        persons_aboard=draw(st.none() | st.integers(0, 90)),
        boarding=draw(st.sampled_from(Boarding)),
        children_aboard=draw(opt_bool),
        pregnant_aboard=draw(opt_bool),
        medical_emergency=draw(rare_bool),
        deceased_aboard=draw(rare_bool),
        person_in_water=draw(rare_bool),
        taking_water=draw(rare_bool),
        engine=draw(st.sampled_from(EngineState)),
        lifejackets=draw(st.sampled_from(Lifejackets)),
        fuel=draw(st.sampled_from(Fuel)),
        qualified_crew=draw(opt_bool),
        communication=draw(opt_bool),
        navigation_equipment=draw(opt_bool),
    )


@st.composite
def taxi_boats(draw: st.DrawFn) -> BoatFacts:
    """Mostly empty taxi boats close in: where the policies may permit a stop."""
    return BoatFacts(
        kind=BoatKind.INFLATABLE,
        length_m=draw(st.floats(6.0, 12.0)),
        persons_aboard=draw(st.integers(0, 6) | st.integers(0, 3) | st.none()),
        boarding=draw(st.sampled_from([Boarding.EMPTY] * 4 + list(Boarding))),
        person_in_water=draw(rare_bool),
        taking_water=draw(rare_bool),
        engine=draw(st.sampled_from([EngineState.RUNNING] * 4 + list(EngineState))),
        lifejackets=draw(st.sampled_from(Lifejackets)),
    )


def boats() -> st.SearchStrategy[BoatFacts]:
    return any_boat() | taxi_boats() | taxi_boats()


environments = st.builds(
    Environment,
    wind_kn=st.none() | st.floats(0, 15) | st.floats(0, 45),
    wave_m=st.none() | st.floats(0, 0.8) | st.floats(0, 4),
    water_temp_c=st.none() | st.floats(4, 20),
    visibility_km=st.none() | st.floats(0, 20),
    daylight=opt_bool,
)
times = st.integers(0, 3 * 365 * 24 * 60).map(
    lambda m: datetime(2023, 1, 1, tzinfo=UTC) + timedelta(minutes=m)
)
# Late morning UTC on the Opal Coast: daylight all year.
daytimes = st.integers(0, 3 * 365).map(
    lambda d: datetime(2023, 1, 1, 10, 30, tzinfo=UTC) + timedelta(days=d)
)
countries = st.none() | st.sampled_from(["FR", "GB", "BE"])


@st.composite
def any_place(draw: st.DrawFn, time: datetime) -> Place:
    distance = draw(st.none() | st.floats(0.0, 400.0) | st.floats(0.0, 30000.0))
    return place(
        time,
        draw(st.floats(50.6, 51.4)),
        draw(st.floats(1.0, 2.6)),
        on_land=draw(st.sampled_from([None, True, False, False, False])),
        distance_to_coast_m=distance,
        coast_country=draw(countries),
        territorial_sea=draw(st.none() | st.sampled_from(["FR", "GB", "BE", "none"])),
        sar_region=draw(st.none() | st.sampled_from(["FR", "GB"])),
        daylight_reported=draw(opt_bool),
    )


@st.composite
def french_inshore(draw: st.DrawFn, time: datetime) -> Place:
    """Off the French coast, in the strips: where interception may be permitted."""
    return place(
        time,
        draw(st.floats(50.7, 51.1)),
        draw(st.floats(1.55, 2.5)),
        distance_to_coast_m=draw(st.floats(0.0, 400.0)),
        daylight_reported=draw(st.sampled_from([None, None, False])),
    )


@st.composite
def cases(draw: st.DrawFn) -> tuple[BoatFacts, Facts]:
    time = draw(times | daytimes)
    boat = draw(boats())
    facts = facts_for(
        boat,
        draw(any_place(time) | french_inshore(time)),
        draw(environments),
        time=time,
        request_for_assistance=draw(rare_bool),
    )
    return boat, facts


def occupied_or_unknown(boat: BoatFacts) -> bool:
    return (
        boat.boarding in (Boarding.BOARDING, Boarding.LOADED, Boarding.UNKNOWN)
        or boat.persons_aboard is None
        or bool(boat.person_in_water)
    )


SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(cases(), st.sampled_from(POLICIES))
def test_invariants_hold_for_every_policy(case: tuple[BoatFacts, Facts], policy: str) -> None:
    boat, facts = case
    doctrine = LIBRARY.doctrine(policy)
    verdicts = evaluate_all(doctrine, facts)
    alone = evaluate_all(LIBRARY.doctrine("safety-of-life"), facts)
    phase = facts["distress_phase"]
    for action, v in verdicts.items():
        # Every reason carries a citation; a verdict always has a reason.
        assert v.reasons
        assert all(r.citation.strip() and r.text.strip() for r in v.reasons)
        # An unknown fact is taken on the safe side, and the reason says so.
        for r in v.reasons:
            if r.unknown is not None:
                assert "taken as" in r.unknown and r.unknown in r.text
        # Rescue is never prohibited.
        if action is Action.RESCUE:
            assert v.verdict != PROHIBITED
        if action in COERCIVE:
            # Coercion never permitted (nor required) with passengers or unknown occupancy.
            if occupied_or_unknown(boat):
                assert v.verdict == PROHIBITED
            # Distress prohibits every coercive action.
            if phase == "distress":
                assert v.verdict == PROHIBITED
        # Safety of life's own prohibitions and requirements are never weakened.
        sol_effects = {
            r.effect
            for r in alone[action].reasons
            if r.policy == "safety-of-life" and r.action == action.value
        }
        if "require" in sol_effects:
            assert v.verdict == REQUIRED
        elif "prohibit" in sol_effects:
            assert v.verdict == PROHIBITED
        VERDICT_VALIDATOR.validate(v.to_dict())
    # Distress puts rescue in the required actions.
    if phase == "distress":
        assert all(Action.RESCUE in v.required_actions for v in verdicts.values())
        assert verdicts[Action.RESCUE].verdict == REQUIRED


@SETTINGS
@given(cases())
def test_unknown_occupancy_reason_says_how_it_was_taken(case: tuple[BoatFacts, Facts]) -> None:
    _, facts = case
    if facts["occupancy"] is not None:
        return
    for policy in POLICIES:
        v = evaluate_all(LIBRARY.doctrine(policy), facts)[Action.STOP_BEFORE_BOARDING]
        assert v.verdict == PROHIBITED
        texts = [r.text for r in v.reasons if r.rule.startswith("safety-of-life:")]
        assert any("unknown" in t and "taken as passengers aboard" in t for t in texts) or (
            facts["distress_phase"] == "distress"
        )


@SETTINGS
@given(cases())
def test_permit_needs_every_condition_known(case: tuple[BoatFacts, Facts]) -> None:
    """A permitted coercive action never rests on an unknown fact."""
    _, facts = case
    for policy in POLICIES:
        for action, v in evaluate_all(LIBRARY.doctrine(policy), facts).items():
            if action in COERCIVE and v.verdict == PERMITTED:
                assert facts["occupancy"] == "empty"
                assert all(r.unknown is None for r in v.reasons if r.effect == "permit")


def test_builtin_library_is_the_default() -> None:
    assert default_library().names() == [n for n in POLICIES if n != "permit-everything"]
