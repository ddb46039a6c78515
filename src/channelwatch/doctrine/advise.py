"""The edge that puts it together: locate, assess, evaluate, and hand every step to the record.

``advise`` is what a caller (the SAR cases, the API) uses: it looks up the place's derived facts
from the region model and the sun, assesses the boat, evaluates the proposed action (or every
action) under the chosen policy with safety of life, and appends "assessment" and
"doctrine_verdict" events to the sink it is given.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from channelwatch.assess.distress import Assessment, assess
from channelwatch.assess.place import Place, RegionLike, locate
from channelwatch.doctrine.actions import Action
from channelwatch.doctrine.engine import Verdict, evaluate_action, evaluate_all
from channelwatch.doctrine.errors import SituationError
from channelwatch.doctrine.facts import Facts, build_facts
from channelwatch.doctrine.policy import Doctrine, Library, default_library
from channelwatch.doctrine.record import record_assessment, record_verdict
from channelwatch.doctrine.situation import Situation
from channelwatch.events import EventSink


@dataclass(frozen=True, slots=True)
class Advice:
    """Everything the officer is shown for one situation: place, assessment, verdicts."""

    situation: Situation
    place: Place
    assessment: Assessment
    facts: Facts
    verdicts: Mapping[Action, Verdict]  # the proposed action's, or every action's
    policy_hash: str

    @property
    def verdict(self) -> Verdict:
        """The verdict on the situation's proposed action (the first when several)."""
        action = self.situation.action
        if action is not None and action in self.verdicts:
            return self.verdicts[action]
        return next(iter(self.verdicts.values()))

    def to_dict(self) -> dict[str, Any]:
        return {
            "situation": self.situation.to_dict(),
            "place": self.place.to_dict(),
            "assessment": self.assessment.to_dict(),
            "verdicts": {a.value: v.to_dict() for a, v in self.verdicts.items()},
            "policy_hash": self.policy_hash,
        }


def assess_situation(
    situation: Situation, *, region: RegionLike | None = None
) -> tuple[Place, Assessment]:
    """Locate and assess (no doctrine)."""
    place = locate(
        situation.time,
        situation.lat,
        situation.lon,
        region=region,
        daylight_reported=situation.environment.daylight,
    )
    assessment = assess(
        situation.boat,
        situation.environment,
        place,
        time=situation.time,
        request_for_assistance=situation.request_for_assistance,
    )
    return place, assessment


def advise(
    situation: Situation,
    policy: str | Doctrine,
    *,
    all_actions: bool = False,
    library: Library | None = None,
    region: RegionLike | None = None,
    sink: EventSink | None = None,
    actor: str = "channelwatch",
    time: datetime | None = None,
) -> Advice:
    """Assess the boat and evaluate the proposed action (or all) under ``policy``.

    With a ``sink``, the assessment and each verdict are appended as events by ``actor`` at
    ``time`` (default: the situation's time, so that a replay records the same events).
    """
    doctrine = (
        policy if isinstance(policy, Doctrine) else (library or default_library()).doctrine(policy)
    )
    if situation.action is None and not all_actions:
        raise SituationError(
            "situation: action is missing: give the proposed action "
            f"({', '.join(a.value for a in Action)}) or ask for all actions"
        )
    place, assessment = assess_situation(situation, region=region)
    facts = build_facts(
        situation.boat,
        situation.environment,
        place,
        assessment,
        request_for_assistance=situation.request_for_assistance,
    )
    if all_actions:
        verdicts: Mapping[Action, Verdict] = evaluate_all(doctrine, facts)
    else:
        assert situation.action is not None
        verdicts = {situation.action: evaluate_action(doctrine, facts, situation.action)}
    advice = Advice(situation, place, assessment, facts, verdicts, doctrine.hash)
    if sink is not None:
        when = time or situation.time
        record_assessment(sink, assessment, actor=actor, policy_hash=doctrine.hash, time=when)
        for v in verdicts.values():
            record_verdict(sink, v, time=when, actor=actor)
    return advice
