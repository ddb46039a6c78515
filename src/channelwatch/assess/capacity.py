"""How many people a small boat can carry, to judge overloading.

There is no certified figure for the boats of the crossings. The indicative capacity is the US
Coast Guard's rule of thumb for monohull boats under 20 ft without a capacity plate:
persons = length (ft) x beam (ft) / 15, for calm water. It is used beyond its length range here,
as an order of magnitude: a 10 m x 2.5 m inflatable gives 17 people, against the 53 people per
boat the Home Office counted on average in 2024 and 62 in 2025.

Unknown facts are taken on the safe side: an unknown length as a small boat, an unknown beam
from the kind's usual proportions, an unknown number aboard a loaded boat as the latest yearly
mean per boat from the Home Office series.
"""

from __future__ import annotations

import math

from channelwatch.assess.facts import BoatKind

FT_PER_M = 1.0 / 0.3048
USCG_FT2_PER_PERSON = 15.0

ASSUMED_LENGTH_M = 8.0  # unknown length: a small boat, so overloading is not missed
# Beam as a fraction of length when the beam is not reported (typical proportions).
BEAM_RATIO = {
    BoatKind.INFLATABLE: 0.25,
    BoatKind.RIB: 0.38,
    BoatKind.RIGID: 0.35,
    BoatKind.KAYAK: 0.15,
    BoatKind.OTHER: 0.3,
    BoatKind.UNKNOWN: 0.25,
}
# Home Office "Migrants detected crossing the English Channel in small boats", SB_01:
# 41,472 people in 672 boats in 2025 (checked against the data in the tests).
MEAN_PERSONS_PER_BOAT = 62
MEAN_PERSONS_YEAR = 2025
OVERLOADED_RATIO = 1.0
GROSSLY_OVERLOADED_RATIO = 2.0


def indicative_capacity(kind: BoatKind, length_m: float, beam_m: float | None = None) -> int:
    """Indicative number of people the boat can carry in calm water (at least 1)."""
    beam = beam_m if beam_m is not None else BEAM_RATIO[kind] * length_m
    persons = (length_m * FT_PER_M) * (beam * FT_PER_M) / USCG_FT2_PER_PERSON
    return max(1, math.floor(persons))
