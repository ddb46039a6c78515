"""Extend a field into its masked (land or missing) cells, ring by ring.

Ocean models mask land; a particle between the last wet node and the coast would otherwise get
no current at all, because bilinear interpolation needs four valid corners. Each pass gives every
masked cell that touches a valid one (of its 8 neighbours) a value from its valid neighbours, so
after ``rings`` passes the field reaches ``rings`` cells inland. Cells further inland stay NaN: a
particle there has no forcing and is deactivated as out of coverage.

Two ways of combining the neighbours:

* ``"mean"`` (default): their mean, unbiased;
* ``"max"``: their maximum, component by component. This is what OpenDrift's interpolator does
  (``grey_dilation``, up to 10 passes); offered to reproduce its runs, not because it is better.

The masked cells are the same in every time slice of a model, so the passes are planned once
from the mask (which cells, which neighbours) and replayed on each slice as a few gathers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

DEFAULT_FILL_RINGS = 10
FillMethod = Literal["mean", "max"]

Complex64Grid = npt.NDArray[np.complex64]
BoolGrid = npt.NDArray[np.bool_]

_OFFSETS = [(dj, di) for dj in (-1, 0, 1) for di in (-1, 0, 1) if (dj, di) != (0, 0)]


@dataclass(frozen=True, slots=True)
class _Ring:
    targets: npt.NDArray[np.intp]  # flat indices of the cells filled in this pass
    neighbours: npt.NDArray[np.intp]  # (m, 8) flat indices (clipped at the edges)
    usable: BoolGrid  # (m, 8) neighbour inside the grid and valid before this pass


@dataclass(frozen=True, slots=True)
class FillPlan:
    """The passes that extend a field with NaN mask ``mask`` by up to ``rings`` cells."""

    mask: BoolGrid
    rings: tuple[_Ring, ...]

    @classmethod
    def build(cls, mask: BoolGrid, rings: int) -> FillPlan:
        nrows, ncols = mask.shape
        good = ~mask
        out: list[_Ring] = []
        jj, ii = np.divmod(np.arange(nrows * ncols), ncols)
        for _ in range(max(rings, 0)):
            bad = ~good
            if not bad.any() or not good.any():
                break
            padded = np.pad(good, 1)
            touches = np.zeros_like(good)
            for dj, di in _OFFSETS:
                touches |= padded[1 + dj : 1 + dj + nrows, 1 + di : 1 + di + ncols]
            targets = np.flatnonzero(bad & touches)
            if targets.size == 0:
                break
            tj, ti = jj[targets], ii[targets]
            nbr = np.empty((targets.size, 8), dtype=np.intp)
            usable = np.empty((targets.size, 8), dtype=bool)
            flat_good = good.ravel()
            for c, (dj, di) in enumerate(_OFFSETS):
                nj, ni = tj + dj, ti + di
                inside = (nj >= 0) & (nj < nrows) & (ni >= 0) & (ni < ncols)
                idx = np.clip(nj, 0, nrows - 1) * ncols + np.clip(ni, 0, ncols - 1)
                nbr[:, c] = idx
                usable[:, c] = inside & flat_good[idx]
            out.append(_Ring(targets, nbr, usable))
            good = good.copy()
            good.ravel()[targets] = True
        return cls(mask.copy(), tuple(out))

    def apply(self, field: Complex64Grid, method: FillMethod = "mean") -> Complex64Grid:
        """A filled copy of the 2-D ``field`` (whose NaN mask must be this plan's)."""
        flat = np.array(field, dtype=np.complex64, copy=True).ravel()
        for ring in self.rings:
            vals = flat[ring.neighbours]
            if method == "max":
                re = np.where(ring.usable, vals.real, -np.inf).max(axis=1)
                im = np.where(ring.usable, vals.imag, -np.inf).max(axis=1)
                flat[ring.targets] = (re + 1j * im).astype(np.complex64)
            else:
                w = ring.usable.astype(np.float32)
                total = np.where(ring.usable, vals, np.complex64(0)).sum(axis=1)
                flat[ring.targets] = (total / w.sum(axis=1)).astype(np.complex64)
        return flat.reshape(field.shape)


def nan_mask(field: Complex64Grid) -> BoolGrid:
    """True where either component is NaN."""
    out: BoolGrid = np.isnan(field.real) | np.isnan(field.imag)
    return out


def fill_rings(
    field: Complex64Grid, rings: int = DEFAULT_FILL_RINGS, method: FillMethod = "mean"
) -> Complex64Grid:
    """A copy of the 2-D ``field`` with NaN cells filled up to ``rings`` cells deep."""
    return FillPlan.build(nan_mask(field), rings).apply(field, method)
