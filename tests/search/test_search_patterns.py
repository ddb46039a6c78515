from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from channelwatch.search.geometry import Rectangle, to_frame
from channelwatch.search.patterns import (
    expanding_square,
    expanding_square_legs_for,
    leg_headings_deg,
    leg_lengths_m,
    parallel_sweep,
    sector_search,
    track_count,
    track_length_m,
)


def _turns(wps: np.ndarray) -> np.ndarray:
    h = leg_headings_deg(wps)
    return np.mod(np.diff(h), 360.0)


@given(st.floats(50.0, 5000.0), st.integers(1, 30), st.floats(0.0, 359.0))
def test_expanding_square_legs_and_turns(s: float, n: int, heading: float) -> None:
    wps = expanding_square(1000.0, -500.0, s, n, heading)
    expected = [s * (k // 2 + 1) for k in range(n)]  # S, S, 2S, 2S, 3S, 3S, ...
    assert leg_lengths_m(wps) == pytest.approx(expected)
    assert wps[0] == pytest.approx([1000.0, -500.0])  # starts at the datum
    assert leg_headings_deg(wps)[0] == pytest.approx(heading % 360.0, abs=1e-6)
    if n > 1:
        assert _turns(wps) == pytest.approx(np.full(n - 1, 90.0))  # all to starboard


def test_expanding_square_by_hand() -> None:
    wps = expanding_square(0.0, 0.0, 100.0, 6, 0.0)
    # N 100, E 100, S 200, W 200, N 300, E 300
    assert wps == pytest.approx(
        np.array([[0, 0], [0, 100], [100, 100], [100, -100], [-100, -100], [-100, 200], [200, 200]])
    )


@given(st.floats(10.0, 5e5), st.floats(10.0, 5000.0))
def test_expanding_square_legs_fit(length: float, s: float) -> None:
    n = expanding_square_legs_for(length, s)
    m = n // 2
    assert n % 2 == 0 and n >= 2
    if m > 1:
        assert s * m * (m + 1) <= length * (1 + 1e-12)
    assert s * (m + 1) * (m + 2) > length


@given(st.floats(100.0, 10000.0), st.floats(0.0, 359.0))
def test_sector_search_geometry(r: float, heading: float) -> None:
    wps = sector_search(0.0, 0.0, r, heading)
    assert len(wps) == 10  # nine legs
    assert leg_lengths_m(wps) == pytest.approx(np.full(9, r))
    # 120° to starboard, straight on over the datum after legs 3 and 6.
    assert _turns(wps) == pytest.approx([120, 120, 0, 120, 120, 0, 120, 120], abs=1e-6)
    for k in (3, 6, 9):  # back over the datum after every third leg
        assert np.hypot(*wps[k]) == pytest.approx(0.0, abs=1e-6 * r)
    assert track_length_m(wps) == pytest.approx(9 * r)
    # The legs through the datum lie on six radials 60° apart.
    radials = []
    for k in range(9):
        a, b = wps[k], wps[k + 1]
        for tip in (a, b):
            if np.hypot(*tip) > r / 2:
                radials.append(math.degrees(math.atan2(tip[0], tip[1])) % 360.0)
    unique = sorted({round((x - heading) % 360.0) % 360 for x in radials})
    assert unique == [0, 60, 120, 180, 240, 300]


def test_second_sector_pattern_turned_30() -> None:
    wps = sector_search(0.0, 0.0, 1000.0, 10.0, patterns=2)
    assert len(wps) == 19
    assert leg_headings_deg(wps)[9] == pytest.approx(40.0)
    assert leg_lengths_m(wps) == pytest.approx(np.full(18, 1000.0))


@given(
    st.floats(200.0, 5000.0),
    st.floats(200.0, 5000.0),
    st.floats(0.0, 179.0),
    st.integers(1, 12),
    st.booleans(),
)
def test_parallel_sweep_covers_rectangle(
    hu: float, hv: float, axis: float, n: int, long_legs: bool
) -> None:
    rect = Rectangle(300.0, -200.0, hu, hv, axis)
    wps = parallel_sweep(rect, n, legs_along_long_side=long_legs)
    assert len(wps) == 2 * n
    u, v = to_frame(wps[:, 0], wps[:, 1], rect.cx_m, rect.cy_m, axis)
    assert (np.abs(u) <= hu * (1 + 1e-9)).all() and (np.abs(v) <= hv * (1 + 1e-9)).all()
    along_u = (hu >= hv) == long_legs
    width = 2 * (hv if along_u else hu)
    spacing = width / n
    tracks = np.unique(np.round(v if along_u else u, 6))
    assert len(tracks) == n
    # Every point of the rectangle is within S/2 of a track: outer tracks S/2 inside the edges.
    assert tracks.min() == pytest.approx(-width / 2 + spacing / 2)
    assert tracks.max() == pytest.approx(width / 2 - spacing / 2)
    if n > 1:
        assert np.diff(tracks) == pytest.approx(np.full(n - 1, spacing))
    leg = 2 * (hu if along_u else hv)
    assert track_length_m(wps) == pytest.approx(n * leg + (n - 1) * spacing)


def test_creeping_line_legs_parallel_to_short_side() -> None:
    rect = Rectangle(0.0, 0.0, 5000.0, 1000.0, 0.0)  # long side north-south
    wps = parallel_sweep(rect, 5, legs_along_long_side=False)
    heads = leg_headings_deg(wps)
    assert heads[0] % 180 == pytest.approx(90.0)  # first leg east-west, across the long side
    assert leg_lengths_m(wps)[0] == pytest.approx(2000.0)


def test_track_count_respects_the_track_length() -> None:
    # 2 km wide, legs of 2 km, S = 100 m: 20 tracks need 41.9 km.
    assert track_count(2000.0, 2000.0, 100.0, 41_900.0) == 20
    assert track_count(2000.0, 2000.0, 100.0, 41_899.0) == 19
    assert track_count(2000.0, 2000.0, 100.0, 10.0) == 1
