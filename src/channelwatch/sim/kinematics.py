"""Scalar motion helpers for the simulation loop (plain math: called millions of times)."""

from __future__ import annotations

import math

from channelwatch.geo import EARTH_RADIUS_M, MS_PER_KN

_M_PER_DEG = math.pi * EARTH_RADIUS_M / 180.0


def step(lat: float, lon: float, ve_ms: float, vn_ms: float, dt_s: float) -> tuple[float, float]:
    """Position after moving at (east, north) velocity for ``dt_s`` (flat over one step)."""
    lat2 = lat + vn_ms * dt_s / _M_PER_DEG
    lon2 = lon + ve_ms * dt_s / (_M_PER_DEG * math.cos(math.radians(lat)))
    return lat2, lon2


def velocity(course_deg: float, speed_kn: float) -> tuple[float, float]:
    """(east, north) m/s of a course over ground and a speed."""
    c = math.radians(course_deg)
    v = speed_kn * MS_PER_KN
    return v * math.sin(c), v * math.cos(c)


def course_speed(ve_ms: float, vn_ms: float) -> tuple[float, float]:
    """Course over ground (deg) and speed (kn) of an (east, north) velocity."""
    return math.degrees(math.atan2(ve_ms, vn_ms)) % 360.0, math.hypot(ve_ms, vn_ms) / MS_PER_KN


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Short-range distance (equirectangular at the mean latitude)."""
    k = math.cos(math.radians(0.5 * (lat1 + lat2)))
    return _M_PER_DEG * math.hypot((lon2 - lon1) * k, lat2 - lat1)


def bearing(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Short-range bearing from point 1 to point 2, degrees true."""
    k = math.cos(math.radians(0.5 * (lat1 + lat2)))
    return math.degrees(math.atan2((lon2 - lon1) * k, lat2 - lat1)) % 360.0


def offset(lat: float, lon: float, bearing_deg: float, dist_m: float) -> tuple[float, float]:
    """Point ``dist_m`` from (lat, lon) on ``bearing_deg`` (short range)."""
    ve, vn = math.sin(math.radians(bearing_deg)), math.cos(math.radians(bearing_deg))
    return step(lat, lon, ve * dist_m, vn * dist_m, 1.0)
