"""The policies evaluate as their sources say. Each test names the rule it checks."""

from __future__ import annotations

import pytest
from doctrine_builders import DAY, NIGHT, facts_for, loaded_boat, place, taxi_boat

from channelwatch.assess import Environment
from channelwatch.doctrine import (
    PERMITTED,
    PROHIBITED,
    REQUIRED,
    Action,
    Verdict,
    default_library,
    evaluate_action,
)
from channelwatch.doctrine.facts import Facts

STOP = Action.STOP_BEFORE_BOARDING
POLICIES = default_library().names()


def verdict(policy: str, facts: Facts, action: Action) -> Verdict:
    return evaluate_action(default_library().doctrine(policy), facts, action)


def rules(v: Verdict, effect: str | None = None) -> set[str]:
    return {r.rule for r in v.reasons if effect is None or r.effect == effect}


# --- fr-2023-03-taxi-boats ------------------------------------------------------------------


def test_taxi_boat_by_day_close_in_empty_two_aboard_may_be_stopped() -> None:
    """fr-2023-03-taxi-boats:taxi-boat-interception (overrides fr-2022-11:sar-only-at-sea)."""
    v = verdict("fr-2023-03-taxi-boats", facts_for(taxi_boat(), place(DAY)), STOP)
    assert v.verdict == PERMITTED
    assert "fr-2023-03-taxi-boats:taxi-boat-interception" in rules(v, "permit")
    assert "fr-2022-11:sar-only-at-sea" in rules(v, "overridden")


def test_taxi_boat_by_night_may_not_be_stopped() -> None:
    """fr-2023-03-taxi-boats:night."""
    v = verdict("fr-2023-03-taxi-boats", facts_for(taxi_boat(), place(NIGHT), time=NIGHT), STOP)
    assert v.verdict == PROHIBITED
    assert "fr-2023-03-taxi-boats:night" in rules(v, "prohibit")


def test_taxi_boat_reported_dark_in_fog_by_day_is_taken_as_night() -> None:
    """fr-2023-03-taxi-boats:night — a report of darkness is kept (the safe side)."""
    v = verdict(
        "fr-2023-03-taxi-boats", facts_for(taxi_boat(), place(DAY, daylight_reported=False)), STOP
    )
    assert v.verdict == PROHIBITED
    assert "fr-2023-03-taxi-boats:night" in rules(v, "prohibit")


def test_taxi_boat_beyond_200_m_may_not_be_stopped() -> None:
    """fr-2023-03-taxi-boats:beyond-200m."""
    v = verdict(
        "fr-2023-03-taxi-boats",
        facts_for(taxi_boat(), place(DAY, distance_to_coast_m=250.0)),
        STOP,
    )
    assert v.verdict == PROHIBITED
    assert "fr-2023-03-taxi-boats:beyond-200m" in rules(v, "prohibit")


def test_taxi_boat_with_three_aboard_may_not_be_stopped() -> None:
    """fr-2023-03-taxi-boats:three-or-more-aboard."""
    v = verdict("fr-2023-03-taxi-boats", facts_for(taxi_boat(persons_aboard=3), place()), STOP)
    assert v.verdict == PROHIBITED
    assert "fr-2023-03-taxi-boats:three-or-more-aboard" in rules(v, "prohibit")


def test_taxi_boat_once_boarding_has_started_may_not_be_stopped() -> None:
    """fr-2023-03-taxi-boats:boarding-started, and safety-of-life:no-coercion-with-passengers."""
    v = verdict(
        "fr-2023-03-taxi-boats",
        facts_for(taxi_boat(boarding="boarding", persons_aboard=2), place()),
        STOP,
    )
    assert v.verdict == PROHIBITED
    assert {
        "fr-2023-03-taxi-boats:boarding-started",
        "safety-of-life:no-coercion-with-passengers",
    } <= rules(v, "prohibit")


def test_taxi_boat_off_the_belgian_coast_is_outside_the_directive() -> None:
    """fr-2023-03-taxi-boats:not-french-coast."""
    where = place(DAY, 51.12, 2.58, coast_country="BE", territorial_sea="BE", sar_region="FR")
    v = verdict("fr-2023-03-taxi-boats", facts_for(taxi_boat(), where), STOP)
    assert v.verdict == PROHIBITED
    assert "fr-2023-03-taxi-boats:not-french-coast" in rules(v, "prohibit")


def test_taxi_boat_number_aboard_unknown_is_taken_as_three_or_more() -> None:
    """fr-2023-03-taxi-boats:three-or-more-aboard on an unknown number (safe side)."""
    v = verdict("fr-2023-03-taxi-boats", facts_for(taxi_boat(persons_aboard=None), place()), STOP)
    assert v.verdict == PROHIBITED
    reason = next(r for r in v.reasons if r.rule.endswith("three-or-more-aboard"))
    assert reason.unknown is not None and "taken as 3 or more" in reason.text


def test_taxi_boat_directive_permits_only_stopping_not_diverting() -> None:
    """fr-2022-11:sar-only-at-sea still governs divert under fr-2023-03-taxi-boats."""
    v = verdict("fr-2023-03-taxi-boats", facts_for(taxi_boat(), place()), Action.DIVERT)
    assert v.verdict == PROHIBITED
    assert "fr-2022-11:sar-only-at-sea" in rules(v, "prohibit")


# --- fr-2022-11 -------------------------------------------------------------------------------


@pytest.mark.parametrize("distance_m", [100.0, 290.0, 2000.0])
def test_2022_directive_at_sea_is_search_and_rescue_only(distance_m: float) -> None:
    """fr-2022-11:sar-only-at-sea — the 300 m strip included."""
    where = place(DAY, distance_to_coast_m=distance_m)
    for action in (STOP, Action.DIVERT, Action.DISABLE_PROPULSION, Action.TOW):
        v = verdict("fr-2022-11", facts_for(taxi_boat(), where), action)
        assert v.verdict == PROHIBITED
        assert "fr-2022-11:sar-only-at-sea" in rules(v, "prohibit")


def test_2022_directive_permits_search_and_rescue() -> None:
    """fr-2022-11:sar-at-sea."""
    for action in (Action.MONITOR, Action.ESCORT, Action.RESCUE):
        v = verdict("fr-2022-11", facts_for(taxi_boat(), place()), action)
        assert v.verdict == PERMITTED
        assert "fr-2022-11:sar-at-sea" in rules(v, "permit")


# --- fr-2025-11-framework ---------------------------------------------------------------------


def test_2025_framework_may_intercept_before_passengers_board() -> None:
    """fr-2025-11-framework:intercept-before-boarding (overrides fr-2022-11:sar-only-at-sea)."""
    where = place(DAY, distance_to_coast_m=1500.0)  # beyond the strips, in French waters
    v = verdict("fr-2025-11-framework", facts_for(taxi_boat(persons_aboard=3), where), STOP)
    assert v.verdict == PERMITTED
    assert "fr-2025-11-framework:intercept-before-boarding" in rules(v, "permit")


def test_2025_framework_never_intercepts_a_loaded_boat() -> None:
    """fr-2025-11-framework:passengers-aboard, safety-of-life:no-coercion-with-passengers."""
    v = verdict("fr-2025-11-framework", facts_for(loaded_boat(), place()), STOP)
    assert v.verdict == PROHIBITED
    assert {
        "fr-2025-11-framework:passengers-aboard",
        "safety-of-life:no-coercion-with-passengers",
    } <= rules(v, "prohibit")


def test_2025_framework_does_not_envisage_nets() -> None:
    """fr-2025-11-framework:no-nets."""
    v = verdict("fr-2025-11-framework", facts_for(taxi_boat(), place()), Action.DISABLE_PROPULSION)
    assert v.verdict == PROHIBITED
    assert "fr-2025-11-framework:no-nets" in rules(v, "prohibit")


def test_2025_framework_acts_in_french_waters_only() -> None:
    """fr-2025-11-framework:outside-french-waters."""
    where = place(DAY, 51.06, 1.45, coast_country="GB", territorial_sea="GB", sar_region="GB")
    v = verdict("fr-2025-11-framework", facts_for(taxi_boat(), where), STOP)
    assert v.verdict == PROHIBITED
    assert "fr-2025-11-framework:outside-french-waters" in rules(v, "prohibit")


def test_2025_framework_puts_life_first_for_a_boat_in_alert() -> None:
    """fr-2025-11-framework:life-first (engine failed: alert)."""
    facts = facts_for(taxi_boat(engine="failed"), place())
    assert facts["distress_phase"] == "alert"
    v = verdict("fr-2025-11-framework", facts, STOP)
    assert v.verdict == PROHIBITED
    assert "fr-2025-11-framework:life-first" in rules(v, "prohibit")


# --- alliance-2025-position -------------------------------------------------------------------


def test_alliance_no_coercive_intervention_at_sea_even_on_an_empty_boat() -> None:
    """alliance-2025-position:no-coercion-at-sea."""
    for action in (STOP, Action.DIVERT, Action.DISABLE_PROPULSION, Action.TOW):
        v = verdict("alliance-2025-position", facts_for(taxi_boat(), place()), action)
        assert v.verdict == PROHIBITED
        assert "alliance-2025-position:no-coercion-at-sea" in rules(v, "prohibit")


def test_alliance_keeps_escort_and_rescue() -> None:
    """alliance-2025-position:rescue-and-escort."""
    v = verdict("alliance-2025-position", facts_for(loaded_boat(), place()), Action.ESCORT)
    assert v.verdict == PERMITTED
    assert "alliance-2025-position:rescue-and-escort" in rules(v, "permit")


# --- safety-of-life, under every policy -------------------------------------------------------


@pytest.mark.parametrize("policy", POLICIES)
def test_loaded_boat_stop_is_prohibited_under_every_policy(policy: str) -> None:
    """safety-of-life:no-coercion-with-passengers."""
    v = verdict(policy, facts_for(loaded_boat(), place()), STOP)
    assert v.verdict == PROHIBITED
    assert "safety-of-life:no-coercion-with-passengers" in rules(v, "prohibit")


@pytest.mark.parametrize("policy", POLICIES)
def test_distress_requires_rescue_under_every_policy(policy: str) -> None:
    """safety-of-life:distress-rescue-required and distress-no-coercion."""
    facts = facts_for(loaded_boat(taking_water=True), place())
    assert facts["distress_phase"] == "distress"
    v = verdict(policy, facts, Action.RESCUE)
    assert v.verdict == REQUIRED
    assert Action.RESCUE in v.required_actions
    assert "safety-of-life:distress-rescue-required" in rules(v, "require")
    tow = verdict(policy, facts, Action.TOW)
    assert tow.verdict == PROHIBITED
    assert "safety-of-life:distress-no-coercion" in rules(tow, "prohibit")


@pytest.mark.parametrize("policy", POLICIES)
def test_unknown_number_aboard_taken_as_passengers_aboard(policy: str) -> None:
    """safety-of-life:no-coercion-with-passengers, taken on the safe side."""
    v = verdict(policy, facts_for(taxi_boat(persons_aboard=None), place()), STOP)
    assert v.verdict == PROHIBITED
    reason = next(r for r in v.reasons if r.rule == "safety-of-life:no-coercion-with-passengers")
    assert "unknown" in reason.text and "taken as passengers aboard" in reason.text


def test_empty_report_with_a_crowd_aboard_is_taken_as_unknown() -> None:
    """safety-of-life:no-coercion-with-passengers on a contradictory report."""
    facts = facts_for(taxi_boat(persons_aboard=12), place())
    assert facts["occupancy"] is None
    v = verdict("fr-2025-11-framework", facts, STOP)
    assert v.verdict == PROHIBITED
    reason = next(r for r in v.reasons if r.rule == "safety-of-life:no-coercion-with-passengers")
    assert "contradictory" in reason.text


def test_people_in_the_water_by_an_empty_taxi_boat_count_as_boarding() -> None:
    """safety-of-life:no-coercion-with-passengers (migrants wading out to a taxi boat)."""
    facts = facts_for(taxi_boat(person_in_water=True), place())
    v = verdict("fr-2023-03-taxi-boats", facts, STOP)
    assert v.verdict == PROHIBITED
    assert "safety-of-life:no-coercion-with-passengers" in rules(v, "prohibit")
    assert Action.RESCUE in v.required_actions


def test_uncertainty_requires_keeping_watch() -> None:
    """safety-of-life:phase-keep-watch."""
    facts = facts_for(
        loaded_boat(persons_aboard=10, lifejackets="all"),
        place(),
        Environment(wind_kn=5, wave_m=0.2, water_temp_c=18.0, visibility_km=10),
    )
    assert facts["distress_phase"] == "uncertainty"
    v = verdict("fr-2022-11", facts, Action.MONITOR)
    assert v.verdict == REQUIRED
    assert "safety-of-life:phase-keep-watch" in rules(v, "require")


def test_rescue_is_always_permitted_when_not_required() -> None:
    """safety-of-life:rescue-always-permitted."""
    v = verdict("fr-2025-11-framework", facts_for(taxi_boat(), place()), Action.RESCUE)
    assert v.verdict == PERMITTED
    assert "safety-of-life:rescue-always-permitted" in rules(v, "permit")


def test_default_coercion_needs_a_provision() -> None:
    """fr-2025-11-framework:default-prohibited for tow on land (no provision permits it)."""
    where = place(DAY, on_land=True, distance_to_coast_m=0.0)
    v = verdict("fr-2025-11-framework", facts_for(taxi_boat(), where), Action.TOW)
    assert v.verdict == PROHIBITED
    assert rules(v, "default") == {"fr-2025-11-framework:default-prohibited"}
