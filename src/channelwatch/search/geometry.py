"""Search areas in local metres: a rectangle turned to a bearing, and a disc.

A rectangle's frame has u along its major axis (true bearing ``axis_deg``) and v across it
(90° to the right of the major axis); x is east and y north.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from channelwatch.geo import FloatArray


def to_frame(
    x_m: Any, y_m: Any, cx_m: float, cy_m: float, axis_deg: float
) -> tuple[FloatArray, FloatArray]:
    """(u, v): along and across the axis of true bearing ``axis_deg`` through (cx, cy)."""
    s, c = math.sin(math.radians(axis_deg)), math.cos(math.radians(axis_deg))
    dx = np.asarray(x_m, float) - cx_m
    dy = np.asarray(y_m, float) - cy_m
    return dx * s + dy * c, dx * c - dy * s


def from_frame(
    u_m: Any, v_m: Any, cx_m: float, cy_m: float, axis_deg: float
) -> tuple[FloatArray, FloatArray]:
    """The inverse of :func:`to_frame`."""
    s, c = math.sin(math.radians(axis_deg)), math.cos(math.radians(axis_deg))
    u = np.asarray(u_m, float)
    v = np.asarray(v_m, float)
    return cx_m + u * s + v * c, cy_m + u * c - v * s


@dataclass(frozen=True, slots=True)
class Rectangle:
    """A rectangle of half sizes (half_u, half_v) along and across ``axis_deg``."""

    cx_m: float
    cy_m: float
    half_u_m: float
    half_v_m: float
    axis_deg: float

    @property
    def area_m2(self) -> float:
        return 4.0 * self.half_u_m * self.half_v_m

    def contains(self, x_m: Any, y_m: Any) -> Any:
        u, v = to_frame(x_m, y_m, self.cx_m, self.cy_m, self.axis_deg)
        return (np.abs(u) <= self.half_u_m) & (np.abs(v) <= self.half_v_m)

    def ring_xy(self) -> FloatArray:
        """Closed ring of the corners, shape (5, 2)."""
        u = np.array([-1, 1, 1, -1, -1]) * self.half_u_m
        v = np.array([-1, -1, 1, 1, -1]) * self.half_v_m
        x, y = from_frame(u, v, self.cx_m, self.cy_m, self.axis_deg)
        return np.column_stack([x, y])


@dataclass(frozen=True, slots=True)
class Disc:
    cx_m: float
    cy_m: float
    radius_m: float

    @property
    def area_m2(self) -> float:
        return math.pi * self.radius_m**2

    def contains(self, x_m: Any, y_m: Any) -> Any:
        return np.hypot(np.asarray(x_m) - self.cx_m, np.asarray(y_m) - self.cy_m) <= self.radius_m

    def ring_xy(self, n: int = 64) -> FloatArray:
        t = np.linspace(0.0, 2.0 * math.pi, n + 1)
        return np.column_stack(
            [self.cx_m + self.radius_m * np.sin(t), self.cy_m + self.radius_m * np.cos(t)]
        )


Area = Rectangle | Disc
