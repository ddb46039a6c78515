"""OSPA and GOSPA against values computed by hand, and their metric properties."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from channelwatch.track import TrackInputError
from channelwatch.track.metrics import gospa, metric_series, ospa


def test_ospa_by_hand() -> None:
    assert ospa([], []) == 0.0
    assert ospa([[0, 0]], []) == 100.0
    assert ospa([[0, 0]], [[3, 4]]) == pytest.approx(5.0)
    # one pair at 5 m, one truth without estimate: (5 + 100) / 2
    assert ospa([[0, 0], [1000, 0]], [[3, 4]]) == pytest.approx(52.5)
    # a pair farther than c counts c
    assert ospa([[0, 0]], [[500, 0]], c_m=100.0) == pytest.approx(100.0)
    # p = 2: sqrt((3^2 + 20^2) / 2)
    assert ospa([[0, 0], [10, 0]], [[0, 3]], c_m=20.0, p=2.0) == pytest.approx(math.sqrt(204.5))


def test_ospa_uses_the_best_assignment() -> None:
    truth = [[0, 0], [10, 0]]
    est = [[11, 0], [1, 0]]  # the crossed pairing would cost 2 * 11
    assert ospa(truth, est) == pytest.approx(1.0)


def test_gospa_by_hand() -> None:
    g = gospa([[0, 0], [100, 0]], [[3, 4]], c_m=10.0)
    assert g.distance_m == pytest.approx(5.0 + 10.0 / 2)
    assert (g.n_matched, g.n_missed, g.n_false) == (1, 1, 0)
    assert g.localisation_m == pytest.approx(5.0)
    far = gospa([[0, 0]], [[50, 0]], c_m=10.0)
    assert far.distance_m == pytest.approx(10.0)  # c/2 missed + c/2 false
    assert (far.n_matched, far.n_missed, far.n_false) == (0, 1, 1)
    assert gospa([], []).distance_m == 0.0
    assert gospa([], [[0, 0], [5, 5]], c_m=100.0).distance_m == pytest.approx(100.0)
    p2 = gospa([[0, 0], [100, 0]], [[3, 4]], c_m=10.0, p=2.0)
    assert p2.distance_m == pytest.approx(math.sqrt(25.0 + 100.0 / 2))


def test_bad_parameters_are_refused() -> None:
    with pytest.raises(TrackInputError, match="cut-off"):
        ospa([[0, 0]], [[0, 0]], c_m=0.0)
    with pytest.raises(TrackInputError, match="order"):
        ospa([[0, 0]], [[0, 0]], p=0.5)
    with pytest.raises(TrackInputError, match="alpha"):
        gospa([[0, 0]], [[0, 0]], alpha=3.0)


points = st.lists(st.tuples(st.floats(-200, 200), st.floats(-200, 200)), max_size=5)


@settings(max_examples=100, deadline=None)
@given(a=points, b=points, c=points)
def test_ospa_is_a_bounded_metric(
    a: list[tuple[float, float]], b: list[tuple[float, float]], c: list[tuple[float, float]]
) -> None:
    ab, ba = ospa(a, b), ospa(b, a)
    assert ab == pytest.approx(ba, abs=1e-9)
    assert 0.0 <= ab <= 100.0 + 1e-9
    assert ospa(a, a) == pytest.approx(0.0, abs=1e-9)
    assert ab <= ospa(a, c) + ospa(c, b) + 1e-6
    g = gospa(a, b)
    assert g.distance_m == pytest.approx(gospa(b, a).distance_m, abs=1e-9)
    assert g.n_matched + g.n_missed == len(a) and g.n_matched + g.n_false == len(b)


def test_series_per_scan() -> None:
    truth_scan = [0, 0, 1, 2]
    truth_xy = [[0, 0], [10, 0], [0, 0], [0, 0]]
    est_scan = [0, 0, 2]
    est_xy = [[0, 3], [10, 4], [0, 6]]
    s = metric_series(truth_scan, truth_xy, est_scan, est_xy)
    np.testing.assert_allclose(s.ospa_m, [3.5, 100.0, 6.0])
    np.testing.assert_allclose(s.gospa_m, [7.0, 50.0, 6.0])
    assert s.n_missed.tolist() == [0, 1, 0]
    summary = s.summary()
    assert summary["ospa_mean_m"] == pytest.approx((3.5 + 100.0 + 6.0) / 3)
    assert summary["ospa_second_half_m"] == pytest.approx((100.0 + 6.0) / 2)


def _dense_ospa(a: np.ndarray, b: np.ndarray, c: float, p: float) -> float:
    """OSPA straight from its definition: full assignment of the smaller set."""
    from scipy.optimize import linear_sum_assignment

    if len(a) > len(b):
        a, b = b, a
    if len(b) == 0:
        return 0.0
    if len(a) == 0:
        return c
    d = np.minimum(np.sqrt(((a[:, None] - b[None]) ** 2).sum(-1)), c) ** p
    r, k = linear_sum_assignment(d)
    return float(((d[r, k].sum() + c**p * (len(b) - len(a))) / len(b)) ** (1 / p))


@settings(max_examples=100, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    m=st.integers(0, 25),
    n=st.integers(0, 25),
    p=st.sampled_from([1.0, 2.0]),
)
def test_sparse_matching_equals_dense_definition(seed: int, m: int, n: int, p: float) -> None:
    rng = np.random.default_rng(seed)
    a = rng.uniform(0, 400, (m, 2))
    b = rng.uniform(0, 400, (n, 2))
    assert ospa(a, b, 100.0, p) == pytest.approx(_dense_ospa(a, b, 100.0, p), rel=1e-9, abs=1e-9)
