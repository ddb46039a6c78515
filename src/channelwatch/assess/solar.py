"""The sun's elevation from time and position, and whether it is daylight.

The formulas are NOAA's solar calculator (Global Monitoring Laboratory), which follow Meeus,
*Astronomical Algorithms* (1991): Julian century, the sun's mean longitude and anomaly, the
equation of centre, apparent longitude, obliquity, declination and the equation of time. Their
stated accuracy is about a minute of time for sunrise and sunset between latitudes ±72° for
years 1800–2100. Elevations here are geometric (no refraction) unless asked, as twilight
definitions use the geometric centre of the sun.

Daylight is taken as the sun's centre above -6°, the end of civil twilight: the threshold
within which a boat and people in the water can still be seen without lights.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import numpy as np
import numpy.typing as npt

from channelwatch.assess.errors import AssessInputError

CIVIL_TWILIGHT_DEG = -6.0
SUNRISE_DEG = -0.833  # centre of the sun at sunrise/sunset: refraction 34' plus semi-diameter 16'

_UNIX_EPOCH_JD = 2440587.5  # Julian day of 1970-01-01T00:00Z
_J2000_JD = 2451545.0

FloatArray = npt.NDArray[np.float64]


def unix_seconds(time: datetime) -> float:
    """Seconds since 1970-01-01T00:00Z of a timezone-aware datetime."""
    if time.tzinfo is None or time.utcoffset() is None:
        raise AssessInputError(f"time must be timezone-aware UTC, got {time!r}")
    return time.astimezone(UTC).timestamp()


def _refraction_deg(elevation_deg: FloatArray) -> FloatArray:
    """Atmospheric refraction (degrees) at a geometric elevation, NOAA's piecewise fit."""
    e = elevation_deg
    t = np.tan(np.radians(np.clip(e, -89.0, 89.0)))
    with np.errstate(divide="ignore", invalid="ignore"):
        high = 58.1 / t - 0.07 / t**3 + 0.000086 / t**5
        low = -20.772 / t
    mid = 1735.0 + e * (-518.2 + e * (103.4 + e * (-12.79 + e * 0.711)))
    arcsec = np.where(e > 85.0, 0.0, np.where(e > 5.0, high, np.where(e > -0.575, mid, low)))
    return np.asarray(arcsec / 3600.0, dtype=np.float64)


def sun_elevation_deg(
    unix_s: Any, lat_deg: Any, lon_deg: Any, *, refraction: bool = False
) -> FloatArray:
    """Elevation of the sun's centre above the horizon, degrees (broadcasts over arrays).

    ``unix_s`` is seconds since 1970-01-01T00:00Z; longitudes are east-positive.
    """
    t = np.asarray(unix_s, dtype=np.float64)
    lat = np.radians(np.asarray(lat_deg, dtype=np.float64))
    lon = np.asarray(lon_deg, dtype=np.float64)
    jd = _UNIX_EPOCH_JD + t / 86400.0
    jc = (jd - _J2000_JD) / 36525.0

    mean_long = np.mod(280.46646 + jc * (36000.76983 + jc * 0.0003032), 360.0)
    mean_anom = 357.52911 + jc * (35999.05029 - 0.0001537 * jc)
    ecc = 0.016708634 - jc * (0.000042037 + 0.0000001267 * jc)
    m = np.radians(mean_anom)
    centre = (
        np.sin(m) * (1.914602 - jc * (0.004817 + 0.000014 * jc))
        + np.sin(2 * m) * (0.019993 - 0.000101 * jc)
        + np.sin(3 * m) * 0.000289
    )
    true_long = mean_long + centre
    omega = np.radians(125.04 - 1934.136 * jc)
    app_long = true_long - 0.00569 - 0.00478 * np.sin(omega)
    mean_obliq = 23.0 + (26.0 + (21.448 - jc * (46.815 + jc * (0.00059 - jc * 0.001813))) / 60) / 60
    obliq = np.radians(mean_obliq + 0.00256 * np.cos(omega))
    decl = np.arcsin(np.sin(obliq) * np.sin(np.radians(app_long)))

    y = np.tan(obliq / 2) ** 2
    l0 = np.radians(mean_long)
    eq_time_min = 4.0 * np.degrees(
        y * np.sin(2 * l0)
        - 2 * ecc * np.sin(m)
        + 4 * ecc * y * np.sin(m) * np.cos(2 * l0)
        - 0.5 * y * y * np.sin(4 * l0)
        - 1.25 * ecc * ecc * np.sin(2 * m)
    )
    minutes_utc = np.mod(t, 86400.0) / 60.0
    true_solar_min = np.mod(minutes_utc + eq_time_min + 4.0 * lon, 1440.0)
    hour_angle = np.radians(true_solar_min / 4.0 - 180.0)

    cos_zenith = np.sin(lat) * np.sin(decl) + np.cos(lat) * np.cos(decl) * np.cos(hour_angle)
    elevation = 90.0 - np.degrees(np.arccos(np.clip(cos_zenith, -1.0, 1.0)))
    if refraction:
        elevation = elevation + _refraction_deg(elevation)
    return np.asarray(elevation, dtype=np.float64)


def sun_elevation_at(time: datetime, lat_deg: float, lon_deg: float) -> float:
    """Geometric elevation of the sun's centre (degrees) at one time and place."""
    return float(sun_elevation_deg(unix_seconds(time), lat_deg, lon_deg))


def is_daylight(time: datetime, lat_deg: float, lon_deg: float) -> bool:
    """True between civil dawn and civil dusk (sun's centre above -6°)."""
    return sun_elevation_at(time, lat_deg, lon_deg) > CIVIL_TWILIGHT_DEG
