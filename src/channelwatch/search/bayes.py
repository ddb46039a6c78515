"""Bayesian update of the probability map after a search that found nothing.

p'_i = p_i (1 − POD_i) / (1 − Σ_j p_j POD_j)   (IAMSAR Vol. II; Stone, *Theory of Optimal Search*)

``p`` may sum to less than 1: the rest is the probability the object is outside the map, which
was not searched (POD 0) and is updated the same way, so map + outside still sum to 1.

A searched cell's probability goes down exactly when its POD exceeds the search's overall
POS = Σ p_j POD_j; after a uniform-coverage search (one POD for every searched cell) that holds
for every searched cell. A lightly searched cell beside heavily searched ones can go *up*.
Unsearched cells always go up (unless POS is 0).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from channelwatch.geo import FloatArray
from channelwatch.search.errors import SearchInputError


def probability_of_success(p: Any, pod: Any) -> float:
    """POS = Σ POC_i × POD_i."""
    pa = np.asarray(p, float)
    qa = np.asarray(pod, float)
    return float((pa * qa).sum())


def bayes_update(p: Any, pod: Any) -> tuple[FloatArray, float]:
    """The map after an unsuccessful search with per-cell ``pod``, and that search's POS."""
    pa = np.asarray(p, float)
    qa = np.broadcast_to(np.asarray(pod, float), pa.shape)
    if np.any(pa < 0) or pa.sum() > 1.0 + 1e-9:
        raise SearchInputError(f"probabilities must be >= 0 and sum to <= 1, sum {pa.sum()!r}")
    if np.any((qa < 0) | (qa > 1)):
        raise SearchInputError("POD must be within [0, 1]")
    pos = probability_of_success(pa, qa)
    if pos >= 1.0 - 1e-15:
        raise SearchInputError("POS is 1: the search cannot have been unsuccessful")
    return pa * (1.0 - qa) / (1.0 - pos), pos
