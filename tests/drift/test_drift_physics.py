"""Leeway equations, crosswind sign convention, jibing probability, position update."""

from __future__ import annotations

import numpy as np
import pyproj
from hypothesis import given, settings
from hypothesis import strategies as st

from channelwatch.drift.physics import advance, jibe_probability_per_step, leeway_velocity


def _one(x: float) -> np.ndarray:
    return np.array([x], dtype=np.float32)


def test_pure_wind_crosswind_is_right_of_downwind() -> None:
    # wind blowing towards north at 10 m/s; right of downwind is east
    wind = np.array([0 + 10j], dtype=np.complex64)
    v = leeway_velocity(wind, _one(3.0), _one(0.0), _one(2.0), _one(0.0))
    assert np.isclose(v.imag[0], 0.30, atol=1e-6)  # 3 % downwind, north
    assert np.isclose(v.real[0], 0.20, atol=1e-6)  # 2 % crosswind, east = right
    # a negative (left-side) crosswind goes west
    v = leeway_velocity(wind, _one(3.0), _one(0.0), _one(-2.0), _one(0.0))
    assert np.isclose(v.real[0], -0.20, atol=1e-6)
    # wind towards east: right of downwind is south
    v = leeway_velocity(
        np.array([10 + 0j], np.complex64), _one(3.0), _one(0.0), _one(2.0), _one(0.0)
    )
    assert np.isclose(v.real[0], 0.30, atol=1e-6) and np.isclose(v.imag[0], -0.20, atol=1e-6)


def test_offsets_in_cm_per_second_and_calm_air() -> None:
    wind = np.array([0 + 0j], dtype=np.complex64)
    v = leeway_velocity(wind, _one(3.0), _one(5.0), _one(1.0), _one(2.0))
    # calm: direction taken as north; 5 cm/s downwind (north), 2 cm/s to the right (east)
    assert np.isclose(v.imag[0], 0.05, atol=1e-7) and np.isclose(v.real[0], 0.02, atol=1e-7)


@settings(max_examples=50, deadline=None)
@given(
    speed=st.floats(0.5, 30.0),
    angle=st.floats(0.0, 360.0),
    dw=st.floats(0.0, 7.0),
    cw=st.floats(-3.0, 3.0),
    off=st.floats(-10.0, 10.0),
)
def test_leeway_turns_with_the_wind(
    speed: float, angle: float, dw: float, cw: float, off: float
) -> None:
    north = np.array([speed * 1j], dtype=np.complex64)
    turn = np.complex64(np.exp(-1j * np.radians(angle)))  # clockwise by `angle`
    args = (_one(dw), _one(off), _one(cw), _one(off))
    v0 = leeway_velocity(north, *args)
    v1 = leeway_velocity((north * turn).astype(np.complex64), *args)
    assert np.allclose(v1, v0 * turn, atol=1e-5)


def test_jibe_probability_composes_over_steps() -> None:
    p_step = jibe_probability_per_step(0.04, 900.0)
    assert np.isclose(1 - (1 - p_step) ** 4, 0.04)
    assert jibe_probability_per_step(0.04, -900.0) == p_step  # backward runs too
    assert jibe_probability_per_step(0.0, 900.0) == 0.0


@settings(max_examples=60, deadline=None)
@given(
    lat=st.floats(-75.0, 75.0),
    lon=st.floats(-179.0, 179.0),
    bearing=st.floats(0.0, 360.0),
    speed=st.floats(0.0, 5.0),
)
def test_advance_matches_the_wgs84_geodesic(
    lat: float, lon: float, bearing: float, speed: float
) -> None:
    dt = 900.0
    b = np.radians(bearing)
    vel = np.array([speed * np.sin(b) + 1j * speed * np.cos(b)], dtype=np.complex64)
    la, lo = advance(np.array([lat]), np.array([lon]), vel, dt)
    lo2, la2, _ = pyproj.Geod(ellps="WGS84").fwd(lon, lat, bearing, speed * dt)
    _, _, miss = pyproj.Geod(ellps="WGS84").inv(lo[0], la[0], lo2, la2)
    # a step along constant east/north components (a rhumb line) leaves the geodesic of the
    # same initial bearing by at most d²·tan(lat)/(2R): 3 cm for 450 m at 60N
    d = speed * dt
    assert miss < 0.01 + d * d * np.tan(np.radians(abs(lat))) / 6.371e6


def test_advance_backward_undoes_forward() -> None:
    lat = np.array([51.0, 60.0])
    lon = np.array([1.5, 4.5])
    vel = np.array([0.3 + 0.4j, -1.0 + 0.2j], dtype=np.complex64)
    la, lo = advance(lat, lon, vel, 900.0)
    la, lo = advance(la, lo, vel, -900.0)
    assert np.allclose(la, lat, atol=1e-7) and np.allclose(lo, lon, atol=1e-7)
