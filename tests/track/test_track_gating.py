"""Gating: kd-tree candidates against brute force, costs against their formula."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from channelwatch.track.gating import (
    NEIGHBOURS,
    candidate_pairs,
    chi2_gate_2dof,
    gate_radius_m,
    pair_costs,
)


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(0, 30),
    m=st.integers(0, 60),
    spread=st.sampled_from([50.0, 1000.0]),
)
def test_candidates_equal_brute_force(seed: int, n: int, m: int, spread: float) -> None:
    rng = np.random.default_rng(seed)
    tracks = rng.uniform(0, spread, (n, 2))
    dets = rng.uniform(0, spread, (m, 2))
    radius = rng.uniform(5.0, 200.0, n)
    rows, cols = candidate_pairs(tracks, radius, dets)
    got = set(zip(rows.tolist(), cols.tolist(), strict=True))
    d = np.sqrt(((tracks[:, None] - dets[None]) ** 2).sum(-1)) if n and m else np.zeros((n, m))
    want = {(i, j) for i in range(n) for j in range(m) if d[i, j] <= radius[i]}
    assert got == want


def test_crowded_gate_returns_every_point() -> None:
    # more points inside one gate than the k-nearest query asks for
    dets = np.column_stack([np.arange(3 * NEIGHBOURS, dtype=float), np.zeros(3 * NEIGHBOURS)])
    rows, cols = candidate_pairs(np.array([[0.0, 0.0]]), np.array([1000.0]), dets)
    assert sorted(cols.tolist()) == list(range(3 * NEIGHBOURS))
    assert set(rows.tolist()) == {0}


def test_chi2_gate_values() -> None:
    assert math.isclose(chi2_gate_2dof(0.99), 9.2103, rel_tol=1e-4)
    assert math.isclose(chi2_gate_2dof(0.999), 13.8155, rel_tol=1e-4)


def test_radius_bounds_the_gate_ellipse() -> None:
    p_pos = np.array([[[400.0, 0.0], [0.0, 100.0]]])
    r = gate_radius_m(p_pos, 100.0, 9.0)
    assert math.isclose(r[0], 3.0 * math.sqrt(500.0))


def test_pair_cost_formula() -> None:
    x_pos = np.array([[0.0, 0.0]])
    p_pos = np.array([[[50.0, 0.0], [0.0, 50.0]]])
    z = np.array([[30.0, 40.0]])
    r = np.array([50.0])
    d2, cost = pair_costs(x_pos, p_pos, z, r, np.array([0]), np.array([0]), -15.0)
    assert math.isclose(d2[0], 2500.0 / 100.0)
    want = 0.5 * 25.0 + 0.5 * math.log(100.0 * 100.0) + math.log(2 * math.pi) - 15.0
    assert math.isclose(cost[0], want)
