from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from channelwatch.errors import InputError
from channelwatch.search.bayes import bayes_update

probs = arrays(np.float64, 12, elements=st.floats(0.0, 1.0)).filter(lambda a: a.sum() > 0)
pods = arrays(np.float64, 12, elements=st.floats(0.0, 0.99))


@given(probs, pods, st.floats(0.5, 1.0))
def test_total_probability_is_preserved(raw: np.ndarray, pod: np.ndarray, mass: float) -> None:
    p = raw / raw.sum() * mass  # the rest (1 - mass) is outside the map, unsearched
    after, pos = bayes_update(p, pod)
    outside_after = (1.0 - mass) / (1.0 - pos)
    assert after.sum() + outside_after == pytest.approx(1.0)
    if mass == 1.0:
        assert after.sum() == pytest.approx(1.0)


@given(probs, st.floats(0.01, 0.99), arrays(np.bool_, 12))
def test_uniform_search_never_raises_searched_and_raises_unsearched(
    raw: np.ndarray, pod_value: float, searched: np.ndarray
) -> None:
    p = raw / raw.sum()
    pod = np.where(searched, pod_value, 0.0)
    after, pos = bayes_update(p, pod)
    assert (after[searched] <= p[searched] + 1e-15).all()
    if pos > 1e-12:  # (a POS that rounds to nothing moves nothing in floating point)
        grew = ~searched & (p > 1e-12)
        assert (after[grew] > p[grew]).all()


@given(probs, pods)
def test_cells_searched_at_least_as_well_as_pos_never_rise(
    raw: np.ndarray, pod: np.ndarray
) -> None:
    p = raw / raw.sum()
    after, pos = bayes_update(p, pod)
    well = pod >= pos
    assert (after[well] <= p[well] + 1e-15).all()


def test_lightly_searched_cell_can_rise() -> None:
    # Two cells, the first swept hard (POD 0.9), the second lightly (0.1): POS = 0.5; the light
    # cell's probability goes up — the invariant is POD_i >= POS, not "searched".
    after, pos = bayes_update(np.array([0.5, 0.5]), np.array([0.9, 0.1]))
    assert pos == pytest.approx(0.5)
    assert after == pytest.approx([0.1, 0.9])


def test_by_hand() -> None:
    after, pos = bayes_update(np.array([0.6, 0.3, 0.1]), np.array([0.5, 0.0, 0.0]))
    assert pos == pytest.approx(0.3)
    assert after == pytest.approx([0.3 / 0.7, 0.3 / 0.7, 0.1 / 0.7])


def test_bad_input() -> None:
    with pytest.raises(InputError):
        bayes_update(np.array([0.7, 0.7]), np.array([0.1, 0.1]))
    with pytest.raises(InputError):
        bayes_update(np.array([0.5, 0.5]), np.array([1.5, 0.1]))
    with pytest.raises(InputError, match="POS is 1"):
        bayes_update(np.array([1.0]), np.array([1.0]))
