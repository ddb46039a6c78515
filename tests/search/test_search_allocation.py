from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from channelwatch.search.allocation import (
    greedy_allocation,
    optimal_coverage_exponential,
    pos_of_allocation,
)


def _brute_force(p: np.ndarray, area: float, quanta: int, q: float) -> float:
    best = 0.0
    for combo in itertools.product(range(quanta + 1), repeat=p.size):
        if sum(combo) != quanta:
            continue
        best = max(best, pos_of_allocation(p, area, np.array(combo) * q))
    return best


@pytest.mark.parametrize("seed", range(6))
def test_greedy_equals_brute_force_on_tiny_grid(seed: int) -> None:
    rng = np.random.default_rng(seed)
    p = rng.dirichlet(np.ones(4))
    area, q, quanta = 1.0e6, 4.0e5, 7
    counts = greedy_allocation(p, area, quanta, q)
    assert counts.sum() == quanta
    greedy = pos_of_allocation(p, area, counts * q)
    assert greedy == pytest.approx(_brute_force(p, area, quanta, q), rel=1e-12)


def test_greedy_equals_brute_force_inverse_cube() -> None:
    p = np.array([0.5, 0.3, 0.15, 0.05])
    area, q, quanta = 1.0e6, 5.0e5, 6
    counts = greedy_allocation(p, area, quanta, q, "inverse_cube")
    best = 0.0
    for combo in itertools.product(range(quanta + 1), repeat=4):
        if sum(combo) == quanta:
            best = max(best, pos_of_allocation(p, area, np.array(combo) * q, "inverse_cube"))
    assert pos_of_allocation(p, area, counts * q, "inverse_cube") == pytest.approx(best)


def test_stone_by_hand_two_cells() -> None:
    # Densities d1 = 0.8, d2 = 0.2 (unit areas), effort Z = 2: both searched when
    # Z > ln(d1/d2) = 1.386; then φ_i = ln(d_i/λ) with 2 ln λ = ln 0.16 − 2.
    p = np.array([0.8, 0.2])
    phi = optimal_coverage_exponential(p, 1.0, 2.0)
    lam = math.exp((math.log(0.8) + math.log(0.2) - 2.0) / 2.0)
    assert phi == pytest.approx([math.log(0.8 / lam), math.log(0.2 / lam)])
    assert phi.sum() == pytest.approx(2.0)
    # With Z = 1 < 1.386 only the denser cell is searched.
    phi1 = optimal_coverage_exponential(p, 1.0, 1.0)
    assert phi1 == pytest.approx([1.0, 0.0])


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.floats(0.0, 1.0), min_size=2, max_size=30).filter(lambda v: sum(v) > 0),
    st.floats(1e3, 1e8),
)
def test_stone_satisfies_kkt_and_beats_random(ps: list[float], effort: float) -> None:
    p = np.array(ps) / sum(ps)
    area = 1.0e6
    phi = optimal_coverage_exponential(p, area, effort)
    assert (phi >= 0).all()
    assert (phi * area).sum() == pytest.approx(effort, rel=1e-9)
    searched = phi > 0
    # Equal marginal gain p e^{-φ}/a where searched, and no more than it elsewhere.
    gain = p * np.exp(-phi) / area
    lam = gain[searched].max()
    assert gain[searched] == pytest.approx(np.full(searched.sum(), lam), rel=1e-6)
    assert (gain[~searched] <= lam * (1 + 1e-9)).all()
    best = pos_of_allocation(p, area, phi * area)
    rng = np.random.default_rng(len(ps))
    for _ in range(20):
        other = rng.dirichlet(np.ones(p.size)) * effort
        assert pos_of_allocation(p, area, other) <= best + 1e-12


def test_greedy_approaches_stone_with_small_quanta() -> None:
    rng = np.random.default_rng(3)
    p = rng.dirichlet(np.ones(50))
    area, effort = 1.0e6, 3.0e7
    stone = pos_of_allocation(p, area, optimal_coverage_exponential(p, area, effort) * area)
    counts = greedy_allocation(p, area, 3000, effort / 3000)
    greedy = pos_of_allocation(p, area, counts * effort / 3000)
    assert greedy <= stone + 1e-12
    assert greedy == pytest.approx(stone, abs=1e-4)
