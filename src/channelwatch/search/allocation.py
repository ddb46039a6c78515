"""Optimal allocation of search effort on a map (Koopman; Stone, *Theory of Optimal Search*).

With the exponential detection function, a cell i of area a_i given swept area z_i (sweep width
× track length inside it) has coverage φ_i = z_i / a_i and POD 1 − exp(−φ_i). Maximising
POS = Σ p_i (1 − exp(−φ_i)) under Σ a_i φ_i = Z is a separable concave problem; its optimum
(Stone's) gives effort only where the density d_i = p_i / a_i is above a threshold λ, and there
φ_i = ln(d_i / λ): the same marginal gain p_i e^{−φ_i} / a_i = λ everywhere searched. It is
found exactly by sorting the densities.

In whole quanta of effort, the greedy rule (give each quantum to the cell of largest marginal
gain) is optimal for any separable concave POD, which the exponential is.
"""

from __future__ import annotations

import heapq
import math
from typing import Any

import numpy as np

from channelwatch.geo import FloatArray
from channelwatch.search.detection import DetectionModel, pod
from channelwatch.search.errors import SearchInputError


def optimal_coverage_exponential(p: Any, cell_area_m2: Any, effort_m2: float) -> FloatArray:
    """Stone's optimal coverage per cell for total swept area ``effort_m2`` (same shape as p)."""
    pa = np.asarray(p, float)
    area = np.broadcast_to(np.asarray(cell_area_m2, float), pa.shape)
    if effort_m2 < 0 or not math.isfinite(effort_m2):
        raise SearchInputError(f"effort must be a finite area >= 0, got {effort_m2!r} m²")
    if np.any(area <= 0):
        raise SearchInputError("cell areas must be > 0")
    phi = np.zeros(pa.shape)
    flat_p = pa.ravel()
    flat_a = area.ravel()
    dens_all = flat_p / flat_a
    pos_cells = np.flatnonzero(dens_all > 0)  # (a subnormal p over a large area underflows)
    if effort_m2 == 0 or pos_cells.size == 0:
        return phi
    dens = dens_all[pos_cells]
    order = np.argsort(-dens)
    ld = np.log(dens[order])
    a_sorted = flat_a[pos_cells][order]
    cum_a = np.cumsum(a_sorted)
    cum_ald = np.cumsum(a_sorted * ld)
    # With the k densest cells searched: ln λ_k = (Σ a ln d − Z) / Σ a. The answer is the largest
    # k whose k-th density is still above λ_k (all the others are then below it).
    log_lam = (cum_ald - effort_m2) / cum_a
    ok = ld > log_lam
    k = int(np.flatnonzero(ok)[-1]) + 1
    lam = log_lam[k - 1]
    flat_phi = phi.ravel()
    flat_phi[pos_cells[order[:k]]] = ld[:k] - lam
    return flat_phi.reshape(pa.shape)


def greedy_allocation(
    p: Any,
    cell_area_m2: Any,
    quanta: int,
    quantum_m2: float,
    model: DetectionModel = "exponential",
) -> np.ndarray[Any, np.dtype[np.int64]]:
    """Whole quanta of swept area per cell, each given to the cell of largest marginal gain."""
    pa = np.asarray(p, float).ravel()
    area = np.broadcast_to(np.asarray(cell_area_m2, float), np.asarray(p).shape).ravel()
    if quanta < 0 or quantum_m2 <= 0:
        raise SearchInputError(f"need quanta >= 0 and quantum > 0, got {quanta!r}, {quantum_m2!r}")
    counts = np.zeros(pa.size, dtype=np.int64)

    def gain(i: int, k: int) -> float:
        c0 = k * quantum_m2 / area[i]
        c1 = (k + 1) * quantum_m2 / area[i]
        return float(pa[i] * (pod(c1, model) - pod(c0, model)))

    heap = [(-gain(i, 0), i) for i in range(pa.size) if pa[i] > 0]
    heapq.heapify(heap)
    for _ in range(quanta):
        if not heap:
            break
        _, i = heapq.heappop(heap)
        counts[i] += 1
        heapq.heappush(heap, (-gain(i, int(counts[i])), i))
    return counts.reshape(np.asarray(p).shape)


def pos_of_allocation(
    p: Any, cell_area_m2: Any, swept_m2: Any, model: DetectionModel = "exponential"
) -> float:
    """POS of swept area ``swept_m2`` per cell."""
    pa = np.asarray(p, float)
    cover = np.asarray(swept_m2, float) / np.asarray(cell_area_m2, float)
    return float((pa * pod(cover, model)).sum())
