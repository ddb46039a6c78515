"""GNN assignment against brute force on small problems."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from channelwatch.track import assign
from channelwatch.track.assign import gnn_assign


def _brute_force(rows: np.ndarray, cols: np.ndarray, cost: np.ndarray) -> float:
    """Minimum total cost over all matchings of the negative-cost pairs (enumerated)."""
    edges = [(int(r), int(c), float(w)) for r, c, w in zip(rows, cols, cost, strict=True) if w < 0]
    best = 0.0
    for k in range(1, len(edges) + 1):
        for subset in itertools.combinations(edges, k):
            rs = {e[0] for e in subset}
            cs = {e[1] for e in subset}
            if len(rs) == k and len(cs) == k:
                best = min(best, sum(e[2] for e in subset))
    return best


@st.composite
def problems(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, np.ndarray, int, int]:
    n_rows = draw(st.integers(1, 5))
    n_cols = draw(st.integers(1, 5))
    cells = [(r, c) for r in range(n_rows) for c in range(n_cols)]
    chosen = draw(st.lists(st.sampled_from(cells), unique=True, max_size=9))
    costs = draw(st.lists(st.floats(-10.0, 3.0), min_size=len(chosen), max_size=len(chosen)))
    rows = np.array([c[0] for c in chosen], dtype=np.intp)
    cols = np.array([c[1] for c in chosen], dtype=np.intp)
    return rows, cols, np.array(costs, dtype=float), n_rows, n_cols


def _check(problem: tuple[np.ndarray, np.ndarray, np.ndarray, int, int]) -> None:
    rows, cols, cost, n_rows, n_cols = problem
    r_sel, c_sel = gnn_assign(rows, cols, cost, n_rows, n_cols)
    # a matching: no row or column twice, only real pairs of negative cost
    assert len(set(r_sel.tolist())) == r_sel.size
    assert len(set(c_sel.tolist())) == c_sel.size
    lookup = {(int(r), int(c)): float(w) for r, c, w in zip(rows, cols, cost, strict=True)}
    chosen = [lookup[(int(r), int(c))] for r, c in zip(r_sel, c_sel, strict=True)]
    assert all(w < 0 for w in chosen)
    assert sum(chosen) == pytest.approx(_brute_force(rows, cols, cost), abs=1e-9)


@settings(max_examples=200, deadline=None)
@given(problems())
def test_gnn_is_optimal_dense_path(
    problem: tuple[np.ndarray, np.ndarray, np.ndarray, int, int],
) -> None:
    _check(problem)


@settings(max_examples=100, deadline=None)
@given(problems())
def test_gnn_is_optimal_component_path(
    problem: tuple[np.ndarray, np.ndarray, np.ndarray, int, int],
) -> None:
    old = assign.DENSE_LIMIT
    assign.DENSE_LIMIT = 0  # force the connected-components solver
    try:
        _check(problem)
    finally:
        assign.DENSE_LIMIT = old


def test_crossing_pair_by_hand() -> None:
    # two tracks each closest to the same detection: GNN gives the global optimum, not greedy
    rows = np.array([0, 0, 1])
    cols = np.array([0, 1, 0])
    cost = np.array([-10.0, -9.0, -8.0])
    r, c = gnn_assign(rows, cols, cost, 2, 2)
    assert list(zip(r.tolist(), c.tolist(), strict=True)) == [(0, 1), (1, 0)]  # -17 beats -10


def test_positive_costs_never_assigned() -> None:
    r, c = gnn_assign(np.array([0, 1]), np.array([0, 1]), np.array([0.5, 0.0]), 2, 2)
    assert r.size == 0 and c.size == 0
