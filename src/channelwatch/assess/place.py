"""Where the boat is and what that implies: the facts the caller must not supply.

Distance to the coast, coastal strips, territorial sea and SAR region come from the region model
(``channelwatch.region``); daylight from the sun's position; the nearest rescue assets and their
time to arrive from the region's stations. :func:`locate` is the thin edge that looks these up;
everything downstream takes the resulting :class:`Place` as plain values.
"""

from __future__ import annotations

import importlib
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

import numpy as np

from channelwatch.assess.errors import AssessInputError
from channelwatch.assess.solar import CIVIL_TWILIGHT_DEG, sun_elevation_at


class RegionLike(Protocol):
    """What :func:`locate` needs of ``channelwatch.region.Region``."""

    def on_land(self, lat: Any, lon: Any) -> Any: ...
    def distance_to_coast_m(self, lat: Any, lon: Any) -> Any: ...
    def coast_country(self, lat: Any, lon: Any) -> Any: ...
    def in_strip(self, lat: Any, lon: Any, width_m: float) -> Any: ...
    def territorial_sea(self, lat: Any, lon: Any) -> Any: ...
    def sar_region(self, lat: Any, lon: Any) -> Any: ...
    def contains(self, lat: Any, lon: Any) -> Any: ...
    def nearest_stations(self, lat: float, lon: float, k: int) -> Sequence[Any]: ...


@dataclass(frozen=True, slots=True)
class RescueAsset:
    """A rescue station near the boat and the time its fastest boat needs to reach it."""

    name: str
    country: str
    kind: str
    distance_nm: float
    eta_min: float | None  # None when no boat speed is known for the station

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "country": self.country,
            "kind": self.kind,
            "distance_nm": round(self.distance_nm, 2),
            "eta_min": None if self.eta_min is None else round(self.eta_min, 1),
        }


@dataclass(frozen=True, slots=True)
class Place:
    """Derived facts of a position at a time. ``None`` means the region model could not say.

    ``territorial_sea`` is "FR", "GB", "BE", or "none" outside every territorial sea.
    """

    lat: float
    lon: float
    sun_elevation_deg: float
    daylight: bool
    on_land: bool | None = None
    in_region: bool | None = None
    distance_to_coast_m: float | None = None
    coast_country: str | None = None
    in_strip_200m: bool | None = None
    in_strip_300m: bool | None = None
    territorial_sea: str | None = None
    sar_region: str | None = None
    rescue_assets: tuple[RescueAsset, ...] = ()
    notes: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        return {
            "lat": self.lat,
            "lon": self.lon,
            "sun_elevation_deg": round(self.sun_elevation_deg, 2),
            "daylight": self.daylight,
            "on_land": self.on_land,
            "in_region": self.in_region,
            "distance_to_coast_m": (
                None if self.distance_to_coast_m is None else round(self.distance_to_coast_m, 1)
            ),
            "coast_country": self.coast_country,
            "in_strip_200m": self.in_strip_200m,
            "in_strip_300m": self.in_strip_300m,
            "territorial_sea": self.territorial_sea,
            "sar_region": self.sar_region,
            "rescue_assets": [a.to_dict() for a in self.rescue_assets],
            "notes": list(self.notes),
        }


def check_position(lat: float, lon: float) -> None:
    if not (math.isfinite(lat) and -90.0 <= lat <= 90.0):
        raise AssessInputError(f"position.lat must be between -90 and 90, got {lat!r}")
    if not (math.isfinite(lon) and -180.0 <= lon <= 180.0):
        raise AssessInputError(f"position.lon must be between -180 and 180, got {lon!r}")


def daylight_facts(
    time: datetime, lat: float, lon: float, reported: bool | None
) -> tuple[float, bool, tuple[str, ...]]:
    """Sun elevation and daylight; a report of darkness (fog, cloud) is kept, one of light is not.

    The computed value is authoritative; the caller's value can only make it darker, which is
    the safe side both for the assessment (darkness raises risk) and for the doctrine (coercive
    actions by day only).
    """
    elevation = sun_elevation_at(time, lat, lon)
    computed = elevation > CIVIL_TWILIGHT_DEG
    notes: tuple[str, ...] = ()
    if reported is not None and reported != computed:
        if computed:
            notes = ("reported dark although the sun is up: taken as dark",)
        else:
            notes = (
                f"reported daylight, but the sun is {elevation:.1f}° (below civil twilight): "
                "taken as dark",
            )
    return elevation, computed and reported is not False, notes


def _scalar(values: Any) -> Any:
    arr = np.asarray(values)
    return arr.reshape(-1)[0] if arr.size else None


def _bool_or_none(value: Any) -> bool | None:
    return None if value is None else bool(value)


def _str_or_none(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return str(value)


def _station_asset(entry: Sequence[Any]) -> RescueAsset:
    station, distance_nm, eta = entry[0], float(entry[1]), entry[2]
    eta_min = None if eta is None or not math.isfinite(float(eta)) else float(eta)
    return RescueAsset(
        name=str(getattr(station, "name", station)),
        country=str(getattr(station, "country", "")),
        kind=str(getattr(station, "kind", "")),
        distance_nm=distance_nm,
        eta_min=eta_min,
    )


def _region_loader() -> Any:
    """``channelwatch.region.load_region`` if the region model is installed, else None."""
    try:
        # Imported by name: the region package is optional at this layer, and heavy.
        module = importlib.import_module("channelwatch.region")
    except ImportError:
        return None
    return getattr(module, "load_region", None)


def locate(
    time: datetime,
    lat: float,
    lon: float,
    *,
    region: RegionLike | None = None,
    daylight_reported: bool | None = None,
    stations: int = 3,
) -> Place:
    """Look up the derived facts of (lat, lon) at ``time`` from the region model and the sun.

    With no region model (``region`` None and ``channelwatch.region`` not importable) only the
    sun's facts are filled; the rest stay unknown and a note says so.
    """
    check_position(lat, lon)
    elevation, daylight, notes = daylight_facts(time, lat, lon, daylight_reported)
    if region is None:
        load_region = _region_loader()
        if load_region is None:
            return Place(
                lat=lat,
                lon=lon,
                sun_elevation_deg=elevation,
                daylight=daylight,
                notes=(*notes, "region model not available: coast, strips and waters unknown"),
            )
        region = load_region()

    la = np.array([lat])
    lo = np.array([lon])
    assets = tuple(
        sorted(
            (_station_asset(e) for e in region.nearest_stations(lat, lon, stations)),
            key=lambda a: (a.eta_min is None, a.eta_min or 0.0, a.distance_nm),
        )
    )
    if not bool(_scalar(region.contains(la, lo))):
        return Place(
            lat=lat,
            lon=lon,
            sun_elevation_deg=elevation,
            daylight=daylight,
            in_region=False,
            rescue_assets=assets,
            notes=(*notes, "position outside the region model: coast, strips and waters unknown"),
        )
    distance = float(_scalar(region.distance_to_coast_m(la, lo)))
    territorial = _str_or_none(_scalar(region.territorial_sea(la, lo)))
    return Place(
        lat=lat,
        lon=lon,
        sun_elevation_deg=elevation,
        daylight=daylight,
        on_land=_bool_or_none(_scalar(region.on_land(la, lo))),
        in_region=True,
        distance_to_coast_m=distance if math.isfinite(distance) else None,
        coast_country=_str_or_none(_scalar(region.coast_country(la, lo))),
        in_strip_200m=_bool_or_none(_scalar(region.in_strip(la, lo, 200.0))),
        in_strip_300m=_bool_or_none(_scalar(region.in_strip(la, lo, 300.0))),
        territorial_sea=territorial if territorial is not None else "none",
        sar_region=_str_or_none(_scalar(region.sar_region(la, lo))),
        rescue_assets=assets,
        notes=notes,
    )
