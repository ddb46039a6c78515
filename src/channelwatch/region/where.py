"""``where``: everything the region model knows about one point, as one record."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from channelwatch.region.model import as_points

if TYPE_CHECKING:
    from channelwatch.region.model import Region


@dataclass(frozen=True, slots=True)
class WhereResult:
    lat: float
    lon: float
    region: str
    inside_region: bool
    on_land: bool | None = None
    distance_to_coast_m: float | None = None
    coast_country: str | None = None
    strips: dict[str, bool] = field(default_factory=dict)  # "in_strip_200m": True, ...
    territorial_sea: str | None = None
    sar_region: str | None = None
    sar_centre: str | None = None
    sar_region_published_edge: bool | None = None
    tss: dict[str, Any] | None = None
    nearest_beach: dict[str, Any] | None = None
    nearest_stations: list[dict[str, Any]] = field(default_factory=list)
    message: str | None = None

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        strips = d.pop("strips")
        d.update(strips)
        return d


def where(region: Region, lat: float, lon: float) -> WhereResult:
    la, lo = as_points(lat, lon)
    if la.size != 1:
        raise ValueError("where() takes one point; use the vectorised methods for arrays")
    lat_f, lon_f = float(la[0]), float(lo[0])
    if not bool(region.contains(lat_f, lon_f)[0]):
        b = region.bbox
        return WhereResult(
            lat=lat_f,
            lon=lon_f,
            region=region.name,
            inside_region=False,
            strips={f"in_strip_{w:g}m": False for w in region.info.strip_widths_m},
            message=(
                f"({lat_f:g}, {lon_f:g}) is outside the region {region.name} "
                f"(lat {b[1]:g}..{b[3]:g}, lon {b[0]:g}..{b[2]:g}): nothing is known there"
            ),
        )
    dist = float(region.distance_to_coast_m(lat_f, lon_f)[0])
    on_land = bool(region.on_land(lat_f, lon_f)[0])
    strips = {
        f"in_strip_{w:g}m": bool(region.in_strip(lat_f, lon_f, w)[0])
        for w in region.info.strip_widths_m
    }
    sar = region.sar_region(lat_f, lon_f)[0]
    sar_info = next((r for r in region.sar_regions if r.code == sar), None)
    t = int(region.tss_index(lat_f, lon_f)[0])
    tss = None
    if t >= 0:
        el = region.tss_elements[t]
        tss = {
            "element": el.element,
            "name": el.name,
            "approximate": el.approximate,
            "official": el.official,
        }
        if el.direction_deg is not None:
            tss["direction_deg"] = el.direction_deg
    beach, beach_m = region.nearest_beach(lat_f, lon_f)
    stations = [
        {
            "name": st.name,
            "kind": st.kind,
            "country": st.country,
            "distance_nm": round(d_nm, 2),
            "eta_min": None if eta is None else round(eta, 1),
            "max_speed_kn": st.max_speed_kn,
            "verified": st.verified,
        }
        for st, d_nm, eta in region.nearest_stations(lat_f, lon_f)
    ]
    return WhereResult(
        lat=lat_f,
        lon=lon_f,
        region=region.name,
        inside_region=True,
        on_land=on_land,
        distance_to_coast_m=round(dist, 1) if np.isfinite(dist) else None,
        coast_country=region.coast_country(lat_f, lon_f)[0],
        strips=strips,
        territorial_sea=region.territorial_sea(lat_f, lon_f)[0],
        sar_region=sar,
        sar_centre=region.sar_centre(sar) if sar else None,
        sar_region_published_edge=None if sar_info is None else sar_info.published,
        tss=tss,
        nearest_beach={
            "name": beach.name,
            "role": beach.role,
            "country": beach.country,
            "distance_m": round(beach_m, 1),
        },
        nearest_stations=stations,
    )
