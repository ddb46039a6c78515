"""Per-particle coefficients: drawn once, the published perturbation, jibing swaps sides."""

from __future__ import annotations

import numpy as np

from channelwatch.drift import get_leeway_class
from channelwatch.drift.coefficients import draw_coefficients


def test_draw_is_reproducible_and_split_between_sides() -> None:
    cls = get_leeway_class("LIFE-RAFT-NB-1")
    a = draw_coefficients(cls, 20_000, np.random.default_rng(3))
    b = draw_coefficients(cls, 20_000, np.random.default_rng(3))
    assert np.array_equal(a.dw_slope_pct, b.dw_slope_pct)
    assert abs(a.right.mean() - 0.5) < 0.02


def test_perturbation_splits_one_deviate_between_slope_and_offset() -> None:
    cls = get_leeway_class("PIW-4")  # asymmetric sides, non-zero offsets
    c = draw_coefficients(cls, 5000, np.random.default_rng(1))
    dw = cls.downwind
    z_slope = (c.dw_slope_pct - dw.slope_pct) * 20 / dw.std_cms
    z_offset = (c.dw_offset_cms - dw.offset_cms) * 2 / dw.std_cms
    assert np.allclose(z_slope, z_offset, atol=1e-3)
    assert abs(z_slope.mean()) < 0.05 and abs(z_slope.std() - 1) < 0.05
    # the current side's regression is the right one for right-side particles
    r = cls.crosswind_right
    zr = (c.cw_slope_pct[c.right] - r.slope_pct) * 20 / r.std_cms
    assert np.allclose(zr, (c.cw_offset_cms[c.right] - r.offset_cms) * 2 / r.std_cms, atol=1e-3)


def test_downwind_slope_never_negative() -> None:
    cls = get_leeway_class("PIW-1")  # slope 0.96 %, SD 12 cm/s: z < -1.6 would go negative
    c = draw_coefficients(cls, 50_000, np.random.default_rng(7))
    assert (c.dw_slope_pct >= 0).all()


def test_jibe_swaps_sides_keeping_the_deviate() -> None:
    cls = get_leeway_class("PIW-4")
    c = draw_coefficients(cls, 1000, np.random.default_rng(2))
    before = (c.cw_slope_pct.copy(), c.cw_offset_cms.copy(), c.right.copy())
    mask = np.zeros(1000, dtype=bool)
    mask[::3] = True
    c.jibe(mask)
    assert np.array_equal(c.right[mask], ~before[2][mask])
    assert np.array_equal(c.cw_slope_pct[~mask], before[0][~mask])
    # the jibed particles now carry the other side's regression with the same deviate
    z_before = np.where(
        before[2][mask],
        (before[0][mask] - cls.crosswind_right.slope_pct) * 20 / cls.crosswind_right.std_cms,
        (before[0][mask] - cls.crosswind_left.slope_pct) * 20 / cls.crosswind_left.std_cms,
    )
    now_right = c.right[mask]
    z_after = np.where(
        now_right,
        (c.cw_slope_pct[mask] - cls.crosswind_right.slope_pct) * 20 / cls.crosswind_right.std_cms,
        (c.cw_slope_pct[mask] - cls.crosswind_left.slope_pct) * 20 / cls.crosswind_left.std_cms,
    )
    assert np.allclose(z_before, z_after, atol=1e-3)
    c.jibe(mask)
    assert np.array_equal(c.cw_slope_pct, before[0]) and np.array_equal(c.right, before[2])
