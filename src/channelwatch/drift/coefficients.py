"""Per-particle leeway coefficients, drawn once per particle as the published method does.

Following Allen (2005) and Breivik & Allen (2008, J. Mar. Syst. 69:99-113), each particle gets
one standard normal deviate ``z`` downwind and one crosswind at release. A regression with
standard deviation ``σ`` (cm/s) is perturbed as

    slope  = slope_pct  + z · σ / 20
    offset = offset_cms + z · σ / 2

so that at 10 m/s of wind the perturbation is ``z · σ`` (half in the slope, half in the offset;
20 m/s is the reference wind of the split). Downwind deviates that would make the slope negative
are drawn again (objects do not drift upwind). Each particle starts on the right or the left of
downwind with equal chance; when it jibes it takes the other side's regression, keeping its
crosswind deviate.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from channelwatch.drift.leeway import LeewayClass, SideCoefficients

Float32Array = npt.NDArray[np.float32]
BoolArray = npt.NDArray[np.bool_]

_MAX_REDRAWS = 1000


@dataclass(frozen=True, slots=True)
class ParticleCoefficients:
    """Perturbed coefficients of each particle, for its current side and for the other side."""

    dw_slope_pct: Float32Array
    dw_offset_cms: Float32Array
    cw_slope_pct: Float32Array  # side the particle is on now
    cw_offset_cms: Float32Array
    cw_slope_other_pct: Float32Array  # side it would jibe to
    cw_offset_other_cms: Float32Array
    right: BoolArray  # True when now on the right of downwind

    def __len__(self) -> int:
        return int(self.right.size)

    def subset(self, keep: npt.NDArray[np.bool_] | npt.NDArray[np.intp]) -> ParticleCoefficients:
        return ParticleCoefficients(
            self.dw_slope_pct[keep],
            self.dw_offset_cms[keep],
            self.cw_slope_pct[keep],
            self.cw_offset_cms[keep],
            self.cw_slope_other_pct[keep],
            self.cw_offset_other_cms[keep],
            self.right[keep],
        )

    def jibe(self, mask: BoolArray) -> None:
        """Swap sides of the particles in ``mask`` (in place)."""
        idx = np.flatnonzero(mask)
        if idx.size == 0:
            return
        for a, b in (
            (self.cw_slope_pct, self.cw_slope_other_pct),
            (self.cw_offset_cms, self.cw_offset_other_cms),
        ):
            tmp = a[idx]
            a[idx] = b[idx]
            b[idx] = tmp
        self.right[idx] = ~self.right[idx]


def _perturb(
    side: SideCoefficients, z: npt.NDArray[np.float64]
) -> tuple[Float32Array, Float32Array]:
    slope = (side.slope_pct + z * side.std_cms / 20.0).astype(np.float32)
    offset = (side.offset_cms + z * side.std_cms / 2.0).astype(np.float32)
    return slope, offset


def draw_coefficients(cls: LeewayClass, n: int, rng: np.random.Generator) -> ParticleCoefficients:
    """Draw ``n`` particles' coefficients for object class ``cls``."""
    z_dw = rng.standard_normal(n)
    for _ in range(_MAX_REDRAWS):
        bad = cls.downwind.slope_pct + z_dw * cls.downwind.std_cms / 20.0 < 0.0
        if not bad.any():
            break
        z_dw[bad] = rng.standard_normal(int(bad.sum()))
    z_cw = rng.standard_normal(n)
    right = rng.random(n) < 0.5
    dw_slope, dw_offset = _perturb(cls.downwind, z_dw)
    r_slope, r_offset = _perturb(cls.crosswind_right, z_cw)
    l_slope, l_offset = _perturb(cls.crosswind_left, z_cw)
    return ParticleCoefficients(
        dw_slope_pct=dw_slope,
        dw_offset_cms=dw_offset,
        cw_slope_pct=np.where(right, r_slope, l_slope),
        cw_offset_cms=np.where(right, r_offset, l_offset),
        cw_slope_other_pct=np.where(right, l_slope, r_slope),
        cw_offset_other_cms=np.where(right, l_offset, r_offset),
        right=right,
    )
