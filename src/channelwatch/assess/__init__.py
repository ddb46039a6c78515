"""Distress assessment: the SAR phase of a small boat and the factors that raised it.

``assess(boat, environment, place, time=...)`` is the pure core; ``locate(time, lat, lon)`` fills
the place's derived facts (coast, strips, waters, daylight, nearest rescue) from the region model
and the sun. See docs/doctrine.md.
"""

from channelwatch.assess.distress import Assessment, Factor, assess
from channelwatch.assess.errors import AssessError, AssessInputError
from channelwatch.assess.facts import (
    Boarding,
    BoatFacts,
    BoatKind,
    EngineState,
    Environment,
    Fuel,
    Lifejackets,
)
from channelwatch.assess.phase import DistressPhase, gravest
from channelwatch.assess.place import Place, RescueAsset, locate
from channelwatch.assess.solar import is_daylight, sun_elevation_at, sun_elevation_deg
from channelwatch.assess.survival import SurvivalEstimate, estimate_survival, survival_min

__all__ = [
    "AssessError",
    "AssessInputError",
    "Assessment",
    "Boarding",
    "BoatFacts",
    "BoatKind",
    "DistressPhase",
    "EngineState",
    "Environment",
    "Factor",
    "Fuel",
    "Lifejackets",
    "Place",
    "RescueAsset",
    "SurvivalEstimate",
    "assess",
    "estimate_survival",
    "gravest",
    "is_daylight",
    "locate",
    "sun_elevation_at",
    "sun_elevation_deg",
    "survival_min",
]
