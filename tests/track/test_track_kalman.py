"""Kalman filter functions against their textbook matrix forms."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from channelwatch.track.kalman import (
    inverse_2x2,
    ncv_process_noise,
    ncv_transition,
    position_sigma_m,
    predict,
    update_linear,
    update_position,
)


def _spd(rng: np.random.Generator, n: int) -> np.ndarray:
    a = rng.normal(size=(n, 4, 4))
    return a @ a.transpose(0, 2, 1) + 0.5 * np.eye(4)


@settings(max_examples=50, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), dt=st.floats(0.0, 120.0), q=st.floats(1e-4, 5.0))
def test_predict_equals_f_p_ft_plus_q(seed: int, dt: float, q: float) -> None:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(5, 4))
    p = _spd(rng, 5)
    f = ncv_transition(dt)
    x_new, p_new = predict(x, p, dt, q)
    np.testing.assert_allclose(x_new, x @ f.T, rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(p_new, f @ p @ f.T + ncv_process_noise(dt, q), rtol=1e-10, atol=1e-8)


def test_predict_per_track_steps() -> None:
    rng = np.random.default_rng(1)
    x = rng.normal(size=(3, 4))
    p = _spd(rng, 3)
    dts = np.array([0.0, 2.0, 30.0])
    x_new, p_new = predict(x, p, dts, 0.1)
    for i, dt in enumerate(dts):
        xi, pi = predict(x[i : i + 1], p[i : i + 1], float(dt), 0.1)
        np.testing.assert_allclose(x_new[i], xi[0])
        np.testing.assert_allclose(p_new[i], pi[0])


def test_process_noise_hand_values() -> None:
    q = ncv_process_noise(2.0, 0.05)
    assert q[0, 0] == q[1, 1] == 0.05 * 8 / 3
    assert q[0, 2] == q[2, 0] == 0.05 * 2.0
    assert q[2, 2] == 0.05 * 2.0
    assert q[0, 1] == q[0, 3] == 0.0  # axes independent


@settings(max_examples=50, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), r=st.floats(0.5, 1e4))
def test_position_update_equals_general_update(seed: int, r: float) -> None:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(4, 4)) * 100
    p = _spd(rng, 4) * 10
    z = x[:, :2] + rng.normal(size=(4, 2)) * 20
    h = np.hstack([np.eye(2), np.zeros((2, 2))])
    xa, pa = update_position(x, p, z, np.full(4, r))
    xb, pb = update_linear(x, p, z, h, np.eye(2) * r)
    np.testing.assert_allclose(xa, xb, rtol=1e-8, atol=1e-7)
    np.testing.assert_allclose(pa, pb, rtol=1e-7, atol=1e-7)
    assert np.allclose(pa, pa.transpose(0, 2, 1))
    assert (np.linalg.eigvalsh(pa) > 0).all()
    # an update never makes the position less certain
    assert (
        np.trace(pa[:, :2, :2], axis1=1, axis2=2) <= np.trace(p[:, :2, :2], axis1=1, axis2=2)
    ).all()


def test_scalar_update_by_hand() -> None:
    # prior variance 100 and measurement variance 100 per axis: gain 1/2, posterior variance 50
    x = np.array([[0.0, 0.0, 1.0, 1.0]])
    p = np.diag([100.0, 100.0, 4.0, 4.0])[None]
    x_new, p_new = update_position(x, p, np.array([[10.0, -20.0]]), np.array([100.0]))
    np.testing.assert_allclose(x_new[0], [5.0, -10.0, 1.0, 1.0])
    np.testing.assert_allclose(np.diag(p_new[0]), [50.0, 50.0, 4.0, 4.0])


def test_inverse_and_sigma() -> None:
    s = np.array([[[4.0, 1.0], [1.0, 3.0]]])
    inv, det = inverse_2x2(s)
    np.testing.assert_allclose(inv[0] @ s[0], np.eye(2), atol=1e-12)
    assert det[0] == 11.0
    p = np.zeros((1, 4, 4))
    p[0, :2, :2] = [[9.0, 0.0], [0.0, 4.0]]
    assert position_sigma_m(p)[0] == 3.0
