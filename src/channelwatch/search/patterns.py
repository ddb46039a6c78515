"""The IAMSAR search patterns as waypoints in local metres (x east, y north).

* Expanding square (SS): from the datum, legs S, S, 2S, 2S, 3S, 3S, ..., each turn 90° to
  starboard; the first leg on ``first_heading_deg``.
* Sector search (VS): legs of the radius R, turns of 120° to starboard; back over the datum
  after legs 3, 6 and 9, crossing it straight after 3 and 6; nine legs (9R of track) lie on
  six radials 60° apart. A second pattern is turned 30° from the first.
* Parallel track (PS): legs parallel to the long side of a rectangle, spaced S, the first and
  last S/2 inside its edges.
* Creeping line (CS): the same, legs parallel to the short side, working along the long side
  from one end.

Convert with :func:`channelwatch.search.grid.SearchGrid.projection` ``to_latlon``.
"""

from __future__ import annotations

import math

import numpy as np

from channelwatch.geo import FloatArray
from channelwatch.search.errors import SearchInputError
from channelwatch.search.geometry import Rectangle, from_frame


def _step(heading_deg: float, length_m: float) -> tuple[float, float]:
    h = math.radians(heading_deg)
    return length_m * math.sin(h), length_m * math.cos(h)


def _polyline(x0: float, y0: float, legs: list[tuple[float, float]]) -> FloatArray:
    pts = [(x0, y0)]
    for heading, length in legs:
        dx, dy = _step(heading, length)
        pts.append((pts[-1][0] + dx, pts[-1][1] + dy))
    return np.array(pts, float)


def expanding_square(
    cx_m: float, cy_m: float, spacing_m: float, n_legs: int, first_heading_deg: float = 0.0
) -> FloatArray:
    """Waypoints (n_legs + 1, 2) of an expanding square starting at the datum."""
    if spacing_m <= 0 or n_legs < 1:
        raise SearchInputError(f"need spacing > 0 and legs >= 1, got {spacing_m!r}, {n_legs!r}")
    legs = [(first_heading_deg + 90.0 * k, spacing_m * (k // 2 + 1)) for k in range(n_legs)]
    return _polyline(cx_m, cy_m, legs)


def expanding_square_legs_for(track_length_m: float, spacing_m: float) -> int:
    """The most legs (an even number, whole pairs) whose total length fits the track length.

    Pairs of legs k·S, k·S for k = 1..m add up to S·m(m+1).
    """
    if spacing_m <= 0:
        raise SearchInputError(f"spacing must be > 0, got {spacing_m!r}")
    m = int((-1.0 + math.sqrt(1.0 + 4.0 * track_length_m / spacing_m)) / 2.0)
    while spacing_m * (m + 1) * (m + 2) <= track_length_m:  # guard the float root
        m += 1
    return 2 * max(m, 1)


def sector_search(
    cx_m: float, cy_m: float, radius_m: float, first_heading_deg: float = 0.0, patterns: int = 1
) -> FloatArray:
    """Waypoints of one or two sector patterns (9 legs each) starting at the datum."""
    if radius_m <= 0 or patterns not in (1, 2):
        raise SearchInputError(f"need radius > 0 and 1 or 2 patterns, got {radius_m!r}")
    legs: list[tuple[float, float]] = []
    for k in range(patterns):
        # Turn 120° after each leg except over the datum (after legs 3 and 6), which the unit
        # crosses straight: heading steps 0, 1, 2, 2, 3, 4, 4, 5, 6 (× 120°).
        for j in range(9):
            step = j - j // 3
            legs.append((first_heading_deg + 30.0 * k + 120.0 * step, radius_m))
    return _polyline(cx_m, cy_m, legs)


def track_count(width_m: float, leg_m: float, spacing_m: float, track_length_m: float) -> int:
    """Tracks for a parallel sweep: about width/S, but no more than the track length allows."""
    if width_m <= 0 or leg_m <= 0 or spacing_m <= 0:
        raise SearchInputError("width, leg and spacing must be > 0")
    n = max(1, round(width_m / spacing_m))
    while n > 1 and n * leg_m + (n - 1) * width_m / n > track_length_m:
        n -= 1
    return n


def parallel_sweep(
    rect: Rectangle, n_tracks: int, *, legs_along_long_side: bool = True
) -> FloatArray:
    """Waypoints of a parallel sweep of ``rect`` with ``n_tracks`` legs (PS or CS).

    Legs run parallel to the long side (PS) or to the short side (CS), spaced width/n, the
    outer ones half a spacing inside the edges; the sweep starts at a corner (the commence
    search point) and works across.
    """
    if n_tracks < 1:
        raise SearchInputError(f"need at least one track, got {n_tracks!r}")
    along_u = (rect.half_u_m >= rect.half_v_m) == legs_along_long_side
    half_leg, half_width = (
        (rect.half_u_m, rect.half_v_m) if along_u else (rect.half_v_m, rect.half_u_m)
    )
    spacing = 2.0 * half_width / n_tracks
    offsets = -half_width + spacing * (np.arange(n_tracks) + 0.5)
    ends = np.array([-half_leg, half_leg])
    along: list[float] = []
    across: list[float] = []
    for k, off in enumerate(offsets):
        for e in ends if k % 2 == 0 else ends[::-1]:
            along.append(float(e))
            across.append(float(off))
    a = np.array(along)
    c = np.array(across)
    u, v = (a, c) if along_u else (c, a)
    x, y = from_frame(u, v, rect.cx_m, rect.cy_m, rect.axis_deg)
    return np.column_stack([x, y])


def track_length_m(waypoints: FloatArray) -> float:
    """Total length of the polyline through ``waypoints`` (n, 2)."""
    if len(waypoints) < 2:
        return 0.0
    return float(np.hypot(*np.diff(waypoints, axis=0).T).sum())


def leg_lengths_m(waypoints: FloatArray) -> FloatArray:
    out: FloatArray = np.hypot(*np.diff(waypoints, axis=0).T)
    return out


def leg_headings_deg(waypoints: FloatArray) -> FloatArray:
    d = np.diff(waypoints, axis=0)
    out: FloatArray = np.degrees(np.arctan2(d[:, 0], d[:, 1])) % 360.0
    return out
