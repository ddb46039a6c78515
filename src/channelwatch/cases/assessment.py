"""An assessor for the case book built on :mod:`channelwatch.assess` (optional, injected).

``make_assessor()`` returns a function ``Case -> dict`` that the case book calls after each new
report: the boat's facts come from the case (the figure of persons, water coming in, the engine,
a call for help), the place from the region model, the weather from an injected function. The
result (``Assessment.to_dict()``) is recorded as ``assessment_attached`` when the phase changes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from channelwatch.cases.correlate import description_tokens
from channelwatch.cases.model import Case, ReportKind
from channelwatch.cases.persons import tally

_IN_WATER = ("in the water", "overboard", "à l'eau", "a l'eau", "dans l'eau")


def make_assessor(
    environment: Callable[[datetime, float, float], Any] | None = None,
    region: Any = None,
) -> Callable[[Case], Mapping[str, Any] | None]:
    """The assessor of :mod:`channelwatch.assess` for cases.

    ``environment(time, lat, lon)`` returns an ``assess.Environment`` (weather and sea at the
    boat); without it the weather is unknown. ``region`` defaults to the region model.
    """
    from channelwatch.assess import (
        Boarding,
        BoatFacts,
        BoatKind,
        EngineState,
        Environment,
        assess,
        locate,
    )

    def run(case: Case) -> Mapping[str, Any] | None:
        fixes = [r for r in case.reports if r.lat is not None and r.lon is not None]
        if not fixes:
            return None
        fix = max(fixes, key=lambda r: r.time)
        assert fix.lat is not None and fix.lon is not None
        latest = max(case.reports, key=lambda r: r.time)
        words: set[str] = set()
        text = ""
        for r in case.reports:
            words |= description_tokens(r.description)
            text += " " + (r.description or "").lower()
        engine = EngineState.UNKNOWN
        if latest.engine in {e.value for e in EngineState}:
            engine = EngineState(latest.engine)
        kind = BoatKind.INFLATABLE if words & {"inflatable", "dinghy"} else BoatKind.UNKNOWN
        boat = BoatFacts(
            kind=kind,
            persons_aboard=tally(case.reports, case.outcomes, case.persons_revision).figure,
            boarding=Boarding.LOADED if case.origin is ReportKind.CALL else Boarding.UNKNOWN,
            taking_water=True if any(r.water_coming_in for r in case.reports) else None,
            person_in_water=True if any(p in text for p in _IN_WATER) else None,
            engine=engine,
        )
        env = environment(fix.time, fix.lat, fix.lon) if environment else Environment()
        place = locate(fix.time, fix.lat, fix.lon, region=region)
        calls = any(r.kind is ReportKind.CALL for r in case.reports)
        result = assess(boat, env, place, time=fix.time, request_for_assistance=calls or None)
        return result.to_dict()

    return run
