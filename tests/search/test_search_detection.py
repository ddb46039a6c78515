from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from channelwatch.errors import InputError
from channelwatch.search.detection import (
    coverage_factor,
    coverage_for_pod,
    pod,
    pod_exponential,
    pod_inverse_cube,
)


def test_coverage_factor_by_hand() -> None:
    # W = 1 NM, L = 10 NM over 20 NM²: C = 0.5.
    assert coverage_factor(1852.0, 18520.0, 20 * 1852.0**2) == pytest.approx(0.5)


def test_exponential_by_hand() -> None:
    assert pod_exponential(1.0) == pytest.approx(1 - math.exp(-1))
    assert pod_exponential(0.0) == 0.0
    assert pod_exponential(np.array([0.5, 2.0])) == pytest.approx(
        [1 - math.exp(-0.5), 1 - math.exp(-2.0)]
    )


def test_inverse_cube_by_hand() -> None:
    # erf(√π/2) = 0.7899 at C = 1 (Koopman's ideal sweep beats random search's 0.632).
    assert pod_inverse_cube(1.0) == pytest.approx(math.erf(math.sqrt(math.pi) / 2))
    assert pod_inverse_cube(1.0) == pytest.approx(0.7899, abs=1e-4)
    assert pod_inverse_cube(1.0) > pod_exponential(1.0)


@given(st.floats(0.0, 0.999), st.sampled_from(["exponential", "inverse_cube"]))
def test_coverage_for_pod_inverts_pod(target: float, model: str) -> None:
    c = coverage_for_pod(target, model)  # type: ignore[arg-type]
    assert float(pod(c, model)) == pytest.approx(target, abs=1e-9)  # type: ignore[arg-type]


@given(st.floats(0.0, 20.0), st.floats(0.0, 20.0))
def test_pod_monotone_and_bounded(c1: float, c2: float) -> None:
    lo, hi = sorted((c1, c2))
    for model in ("exponential", "inverse_cube"):
        assert 0.0 <= pod(lo, model) <= pod(hi, model) <= 1.0  # type: ignore[arg-type]


def test_bad_inputs_are_input_errors() -> None:
    with pytest.raises(InputError, match="area"):
        coverage_factor(1.0, 1.0, 0.0)
    with pytest.raises(InputError, match="nonsense"):
        pod(1.0, "nonsense")  # type: ignore[arg-type]
    with pytest.raises(InputError, match=r"1\.5"):
        coverage_for_pod(1.5)
