"""Bilinear interpolation on a regular index grid, vectorised over all particles.

Fields are stored flattened as ``complex64`` with the east (or x) component in the real part and
the north (or y) component in the imaginary part, so one gather of four corners interpolates both
components of a vector at once. Positions are fractional indices ``(fi, fj)`` along the columns
and rows of the field.

Stored fields carry one extra column and row (a copy of the last ones, see :func:`pad`), so the
four corners of any point inside the grid exist without clamping its indices.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
Complex64Array = npt.NDArray[np.complex64]
BoolArray = npt.NDArray[np.bool_]

_NAN_C64 = np.complex64(complex(np.nan, np.nan))


def pad(field: npt.NDArray[np.complex64]) -> Complex64Array:
    """Flattened ``(nrows + 1, ncols + 1)`` copy of a 2-D field, last row and column repeated."""
    out: Complex64Array = np.pad(np.asarray(field, np.complex64), ((0, 1), (0, 1)), mode="edge")
    return out.ravel()


def bilinear(
    field: Complex64Array,
    ncols: int,
    nrows: int,
    fi: npt.NDArray[np.floating[Any]],
    fj: npt.NDArray[np.floating[Any]],
) -> tuple[Complex64Array, BoolArray]:
    """Interpolate a padded (see :func:`pad`) ``nrows × ncols`` field at fractional indices.

    Returns the values and a mask of the points inside the grid (``0 <= fi <= ncols-1`` and
    ``0 <= fj <= nrows-1``; NaN indices are outside). Points outside get NaN. A NaN at any of
    the four corners gives NaN (the caller decides what to do with it).
    """
    inside = fi >= 0.0
    inside &= fi <= ncols - 1
    inside &= fj >= 0.0
    inside &= fj <= nrows - 1
    all_inside = bool(inside.all())
    wx, x0 = np.modf(fi)
    wy, y0 = np.modf(fj)
    if not all_inside:
        out_mask = ~inside
        x0[out_mask] = 0.0
        y0[out_mask] = 0.0
    stride = ncols + 1
    k = y0.astype(np.intp)
    k *= stride
    k += x0.astype(np.intp)
    wx = wx.astype(np.float32, copy=False)
    wy = wy.astype(np.float32, copy=False)
    f00 = field.take(k)
    k += 1
    f01 = field.take(k)
    k += stride
    f11 = field.take(k)
    k -= 1
    f10 = field.take(k)
    f01 -= f00
    f01 *= wx
    f01 += f00  # top edge
    f11 -= f10
    f11 *= wx
    f11 += f10  # bottom edge
    f11 -= f01
    f11 *= wy
    f11 += f01
    if not all_inside:
        f11[out_mask] = _NAN_C64
    return f11, inside


def valid(values: Complex64Array) -> BoolArray:
    """True where both components are finite."""
    out: BoolArray = np.isfinite(values.real)
    out &= np.isfinite(values.imag)
    return out
