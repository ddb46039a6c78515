"""Bilinear interpolation and the extension of fields onto land: invariants."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from channelwatch.drift.forcing.fill import FillPlan, fill_rings, nan_mask
from channelwatch.drift.forcing.interp import bilinear, pad


@settings(max_examples=50, deadline=None)
@given(
    a=st.floats(-5, 5),
    b=st.floats(-1, 1),
    c=st.floats(-1, 1),
    d=st.floats(-1, 1),
    seed=st.integers(0, 1000),
)
def test_bilinear_is_exact_on_linear_fields(
    a: float, b: float, c: float, d: float, seed: int
) -> None:
    nrows, ncols = 7, 11
    jj, ii = np.mgrid[0:nrows, 0:ncols]
    field = (a + b * ii + c * jj + 1j * (d * ii - a * jj)).astype(np.complex64)
    rng = np.random.default_rng(seed)
    fi = rng.uniform(0, ncols - 1, 200)
    fj = rng.uniform(0, nrows - 1, 200)
    fi[:2] = [0.0, ncols - 1]  # the edges are inside
    fj[:2] = [nrows - 1, 0.0]
    got, inside = bilinear(pad(field), ncols, nrows, fi, fj)
    assert inside.all()
    expect = a + b * fi + c * fj + 1j * (d * fi - a * fj)
    assert np.allclose(got, expect, atol=1e-4)


def test_bilinear_outside_and_nan() -> None:
    field = np.ones((3, 4), np.complex64)
    field[1, 1] = np.nan
    fi = np.array([-0.1, 3.1, np.nan, 1.5, 2.5])
    fj = np.array([1.0, 1.0, 1.0, 1.5, 0.5])
    got, inside = bilinear(pad(field), 4, 3, fi, fj)
    assert inside.tolist() == [False, False, False, True, True]
    assert np.isnan(got[:4]).all() and got[4] == 1.0  # NaN corner spoils its cells only


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 10_000), rings=st.integers(0, 4), method=st.sampled_from(["mean", "max"])
)
def test_fill_keeps_valid_cells_and_stays_within_their_range(
    seed: int, rings: int, method: str
) -> None:
    rng = np.random.default_rng(seed)
    field = (rng.normal(size=(12, 9)) + 1j * rng.normal(size=(12, 9))).astype(np.complex64)
    field[rng.random((12, 9)) < 0.4] = np.nan
    out = fill_rings(field, rings, method)  # type: ignore[arg-type]
    ok = ~nan_mask(field)
    assert np.array_equal(out[ok], field[ok])
    new = ~nan_mask(out) & ~ok
    if new.any():
        for part in (np.real, np.imag):
            assert part(out[new]).min() >= part(field[ok]).min() - 1e-6
            assert part(out[new]).max() <= part(field[ok]).max() + 1e-6


def test_fill_reaches_exactly_the_requested_rings() -> None:
    field = np.full((1, 10), np.nan, np.complex64)
    field[0, 0] = 2 + 1j
    for rings in (1, 3):
        out = fill_rings(field, rings)
        assert (~nan_mask(out)).sum() == 1 + rings
        assert np.all(out[0, : rings + 1] == np.complex64(2 + 1j))


def test_mean_and_max() -> None:
    field = np.array([[1 + 0j, np.nan, 3 + 5j]], dtype=np.complex64)
    assert fill_rings(field, 1, "mean")[0, 1] == np.complex64(2 + 2.5j)
    assert fill_rings(field, 1, "max")[0, 1] == np.complex64(3 + 5j)


def test_plan_is_reusable_for_the_same_mask() -> None:
    rng = np.random.default_rng(0)
    mask = rng.random((20, 20)) < 0.3
    plan = FillPlan.build(mask, 5)
    for _ in range(3):
        field = (rng.normal(size=(20, 20)) + 0j).astype(np.complex64)
        field[mask] = np.nan
        assert np.array_equal(plan.apply(field), fill_rings(field, 5), equal_nan=True)
