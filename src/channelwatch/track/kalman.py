"""Batched Kalman filtering for the nearly-constant-velocity (NCV) model in a local metric plane.

State per track is ``[x, y, vx, vy]`` (metres, metres per second); ``x`` has shape (n, 4) and the
covariances ``P`` shape (n, 4, 4). Every function works on all tracks at once: the tracker never
loops over tracks in Python. The process noise is the continuous white-noise-acceleration model
with spectral density ``q_m2s3`` per axis, i.e. per axis ``q * [[dt^3/3, dt^2/2], [dt^2/2, dt]]``.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]


def ncv_transition(dt_s: float) -> FloatArray:
    """The 4x4 NCV transition matrix for a time step of ``dt_s`` seconds."""
    f = np.eye(4)
    f[0, 2] = f[1, 3] = dt_s
    return f


def ncv_process_noise(dt_s: float, q_m2s3: float) -> FloatArray:
    """The 4x4 NCV process-noise covariance for a step of ``dt_s`` seconds."""
    q = np.zeros((4, 4))
    q[0, 0] = q[1, 1] = q_m2s3 * dt_s**3 / 3.0
    q[0, 2] = q[2, 0] = q[1, 3] = q[3, 1] = q_m2s3 * dt_s**2 / 2.0
    q[2, 2] = q[3, 3] = q_m2s3 * dt_s
    return q


def predict(
    x: FloatArray, p: FloatArray, dt_s: float | FloatArray, q_m2s3: float
) -> tuple[FloatArray, FloatArray]:
    """Predict states and covariances ``dt_s`` ahead (a scalar, or one step per track).

    Written on the 2x2 blocks of P (position A, cross B, velocity C) rather than as F P F':
    the same result with a third of the arithmetic, and a per-track ``dt_s`` broadcasts.
    """
    dt = np.asarray(dt_s, dtype=np.float64)
    dtv = dt[..., None] if dt.ndim else dt
    x_new = x.copy()
    x_new[:, :2] += dtv * x[:, 2:]
    dtm = dt[..., None, None] if dt.ndim else dt
    a = p[:, :2, :2]
    b = p[:, :2, 2:]
    c = p[:, 2:, 2:]
    eye = np.eye(2)
    a_new = a + dtm * (b + b.transpose(0, 2, 1)) + dtm * dtm * c + (q_m2s3 * dtm**3 / 3.0) * eye
    b_new = b + dtm * c + (q_m2s3 * dtm**2 / 2.0) * eye
    c_new = c + (q_m2s3 * dtm) * eye
    p_new = np.empty_like(p)
    p_new[:, :2, :2] = a_new
    p_new[:, :2, 2:] = b_new
    p_new[:, 2:, :2] = b_new.transpose(0, 2, 1)
    p_new[:, 2:, 2:] = c_new
    return x_new, p_new


def inverse_2x2(s: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Inverses and determinants of a stack (n, 2, 2) of symmetric positive-definite matrices."""
    det = s[:, 0, 0] * s[:, 1, 1] - s[:, 0, 1] * s[:, 1, 0]
    inv = np.empty_like(s)
    inv[:, 0, 0] = s[:, 1, 1] / det
    inv[:, 1, 1] = s[:, 0, 0] / det
    inv[:, 0, 1] = -s[:, 0, 1] / det
    inv[:, 1, 0] = -s[:, 1, 0] / det
    return inv, det


def innovation_covariance(p_pos: FloatArray, r_var_m2: FloatArray) -> FloatArray:
    """S = H P H' + r I for position-only measurements with isotropic variance ``r_var_m2``."""
    s = p_pos.copy()
    s[:, 0, 0] += r_var_m2
    s[:, 1, 1] += r_var_m2
    return s


def update_position(
    x: FloatArray, p: FloatArray, z: FloatArray, r_var_m2: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Update n tracks with one position measurement each (z: (n, 2); r_var_m2: (n,) m^2)."""
    s = innovation_covariance(p[:, :2, :2], r_var_m2)
    s_inv, _ = inverse_2x2(s)
    k = p[:, :, :2] @ s_inv  # (n, 4, 2): P H' S^-1, and H P = P[:, :2, :]
    nu = z - x[:, :2]
    x_new = x + (k @ nu[:, :, None])[:, :, 0]
    p_new = p - k @ p[:, :2, :]
    # keep P symmetric against rounding, so that gates and Cholesky-free inverses stay valid
    p_new = 0.5 * (p_new + p_new.transpose(0, 2, 1))
    return x_new, p_new


def update_linear(
    x: FloatArray, p: FloatArray, z: FloatArray, h: FloatArray, r: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """General linear update: z (n, k), h (k, 4), r (n, k, k) or (k, k). Joseph form."""
    hp = h @ p  # (n, k, 4)
    s = hp @ h.T + r
    k_gain = np.linalg.solve(s, hp).transpose(0, 2, 1)  # (n, 4, k), since S and P symmetric
    nu = z - x @ h.T
    x_new = x + (k_gain @ nu[:, :, None])[:, :, 0]
    i_kh = np.eye(4) - k_gain @ h
    p_new = i_kh @ p @ i_kh.transpose(0, 2, 1) + k_gain @ np.broadcast_to(
        r, s.shape
    ) @ k_gain.transpose(0, 2, 1)
    return x_new, 0.5 * (p_new + p_new.transpose(0, 2, 1))


def position_sigma_m(p: FloatArray) -> FloatArray:
    """1-sigma position error along the major axis of each track's error ellipse (metres)."""
    a = p[:, 0, 0]
    d = p[:, 1, 1]
    b = p[:, 0, 1]
    lam_max = 0.5 * (a + d) + np.sqrt(0.25 * (a - d) ** 2 + b * b)
    return np.sqrt(np.maximum(lam_max, 0.0))
