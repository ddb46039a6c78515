"""The region model: a region pack's data plus the vectorised questions asked of it.

Every method takes latitudes and longitudes (scalars or numpy arrays, degrees WGS84) and answers
element-wise. Points outside the region's box get ``contains == False``, NaN distances, False
flags and None labels: an honest "outside the region", never a guess.
"""

from __future__ import annotations

import logging
import os
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from channelwatch.geo import METRES_PER_NM, haversine_m
from channelwatch.region import cache
from channelwatch.region.coast import CLASS_NEAR, CoastIndex, land_mask, nearest_coast
from channelwatch.region.coastbuild import build_coast_index, build_segments
from channelwatch.region.errors import CoordinateError, RegionDataError
from channelwatch.region.grid import Grid
from channelwatch.region.pack import (
    PackInfo,
    read_beaches,
    read_features,
    read_pack_info,
    read_stations,
    resolve_pack,
    sar_region,
    tss_element,
)
from channelwatch.region.records import Beach, SarRegion, Station, TssElement
from channelwatch.region.zones import NONE, ZoneIndex, build_zone_index, zone_of

log = logging.getLogger(__name__)

F64 = npt.NDArray[np.float64]
B = npt.NDArray[np.bool_]
Obj = npt.NDArray[np.object_]
RESCUE_KINDS = ("lifeboat_station", "state_vessel_base", "sar_aviation_base")


def as_points(lat: Any, lon: Any) -> tuple[F64, F64]:
    """Validate and broadcast coordinates: finite, lat in [-90, 90], lon in [-180, 180]."""
    try:
        la = np.asarray(lat, dtype=np.float64)
        lo = np.asarray(lon, dtype=np.float64)
        la, lo = np.broadcast_arrays(la, lo)
    except (TypeError, ValueError) as exc:
        raise CoordinateError(f"latitude/longitude must be numbers: {exc}") from exc
    for name, arr, lim in (("latitude", la, 90.0), ("longitude", lo, 180.0)):
        bad = ~np.isfinite(arr) | (np.abs(arr) > lim)
        if bad.any():
            i = int(np.flatnonzero(bad.ravel())[0])
            where = f" (point {i})" if arr.size > 1 else ""
            raise CoordinateError(
                f"{name} {float(arr.ravel()[i])!r}{where} is not a number in [-{lim:g}, {lim:g}]"
            )
    return np.ascontiguousarray(la.ravel()), np.ascontiguousarray(lo.ravel())


class Region:
    """A loaded region pack. Use :func:`channelwatch.region.load_region` to get one."""

    def __init__(
        self,
        info: PackInfo,
        coast: CoastIndex,
        zones: dict[str, ZoneIndex],
        codes: tuple[str, ...],
        ts_codes: tuple[str, ...],
        sar_regions: tuple[SarRegion, ...],
        tss_elements: tuple[TssElement, ...],
    ) -> None:
        self.info = info
        self._coast = coast
        self._zones = zones
        self.coast_codes = codes
        self.ts_codes = ts_codes
        self.sar_regions = sar_regions
        self.tss_elements = tss_elements
        self.stations: tuple[Station, ...] = read_stations(info.path("stations"))
        self.beaches: tuple[Beach, ...] = read_beaches(info.path("beaches"))

    # -- identity -------------------------------------------------------------------------
    @property
    def name(self) -> str:
        return self.info.name

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        return self.info.bbox

    def sar_centre(self, code: str) -> str:
        return self.info.sar_centres.get(code, code)

    # -- vectorised questions -------------------------------------------------------------
    def _cells(self, lat: Any, lon: Any) -> tuple[F64, F64, npt.NDArray[np.int64], B]:
        la, lo = as_points(lat, lon)
        lon0, lat0, lon1, lat1 = self.info.bbox
        inside = (lo >= lon0) & (lo <= lon1) & (la >= lat0) & (la <= lat1)
        cell, ok = self._coast.grid.cell_of(lo, la)
        return la, lo, cell, inside & ok

    def contains(self, lat: Any, lon: Any) -> B:
        """Inside the region's box?"""
        return self._cells(lat, lon)[3]

    def on_land(self, lat: Any, lon: Any) -> B:
        la, lo, cell, inside = self._cells(lat, lon)
        out = np.zeros(la.shape, dtype=bool)
        idx = np.flatnonzero(inside)
        out[idx] = land_mask(self._coast, lo[idx], la[idx], cell[idx])
        return out

    def _nearest(self, lat: Any, lon: Any) -> tuple[F64, npt.NDArray[np.int64], B, B]:
        la, lo, cell, inside = self._cells(lat, lon)
        dist = np.full(la.shape, np.nan)
        seg = np.full(la.shape, -1, dtype=np.int64)
        land = np.zeros(la.shape, dtype=bool)
        idx = np.flatnonzero(inside)
        if idx.size:
            ans = nearest_coast(self._coast, lo[idx], la[idx], cell[idx])
            dist[idx] = ans.distance_m
            seg[idx] = ans.segment
            land[idx] = ans.on_land
        return dist, seg, land, inside

    def distance_to_coast_m(self, lat: Any, lon: Any) -> F64:
        """Distance in metres to the nearest coast (from sea or from land); NaN outside."""
        return self._nearest(lat, lon)[0]

    def coast_country(self, lat: Any, lon: Any) -> Obj:
        """Country code of the nearest coast ("FR", "GB", "BE", ...); None outside."""
        _, seg, _, inside = self._nearest(lat, lon)
        codes = np.array([*self.coast_codes], dtype=object)
        out = np.full(seg.shape, None, dtype=object)
        out[inside] = codes[self._coast.segments.country[seg[inside]]]
        return out

    def in_strip(self, lat: Any, lon: Any, width_m: float) -> B:
        """At sea within ``width_m`` of the coast of a strip country (France, Belgium)."""
        la, lo, cell, inside = self._cells(lat, lon)
        out = np.zeros(la.shape, dtype=bool)
        # only cells near the coast can hold strip points
        idx = np.flatnonzero(inside & (self._coast.cell_class[cell] == CLASS_NEAR))
        if idx.size:
            ans = nearest_coast(self._coast, lo[idx], la[idx], cell[idx])
            strip_codes = [self.coast_codes.index(c) for c in self.info.strip_countries]
            country = self._coast.segments.country[ans.segment]
            out[idx] = (~ans.on_land) & (ans.distance_m <= width_m) & np.isin(country, strip_codes)
        return out

    def _zone(self, name: str, lat: Any, lon: Any) -> tuple[npt.NDArray[np.int16], B]:
        la, lo, cell, inside = self._cells(lat, lon)
        lab = np.full(la.shape, NONE, dtype=np.int16)
        idx = np.flatnonzero(inside)
        lab[idx] = zone_of(self._zones[name], lo[idx], la[idx], cell[idx])
        return lab, inside

    def territorial_sea(self, lat: Any, lon: Any) -> Obj:
        """Whose territorial sea ("FR", "GB", "BE", ...) or None (land, beyond it, outside)."""
        lab, _ = self._zone("territorial_sea", lat, lon)
        land = self.on_land(lat, lon)
        codes = np.array([*self.ts_codes, None], dtype=object)
        out: Obj = codes[np.where(lab >= 0, lab, len(self.ts_codes))]
        out[land] = None
        return out

    def sar_region(self, lat: Any, lon: Any) -> Obj:
        """SAR region code ("FR" or "GB"), None outside the region."""
        lab, _ = self._zone("sar", lat, lon)
        codes = np.array([*(r.code for r in self.sar_regions), None], dtype=object)
        return codes[np.where(lab >= 0, lab, len(self.sar_regions))]

    def tss_index(self, lat: Any, lon: Any) -> npt.NDArray[np.int16]:
        """Index into ``tss_elements`` of the TSS polygon holding each point, or -1."""
        return self._zone("tss", lat, lon)[0]

    def classify(self, lat: Any, lon: Any) -> dict[str, Any]:
        """All the per-point layers at once, sharing one cell lookup and one coast search:
        ``inside``, ``on_land``, ``distance_to_coast_m``, ``coast_country``,
        ``in_strip_<w>m`` for each strip width, ``territorial_sea``, ``sar_region``."""
        la, lo, cell, inside = self._cells(lat, lon)
        n = la.shape[0]
        idx = np.flatnonzero(inside)
        dist = np.full(n, np.nan)
        land = np.zeros(n, dtype=bool)
        country = np.full(n, -1, dtype=np.int64)
        if idx.size:
            ans = nearest_coast(self._coast, lo[idx], la[idx], cell[idx])
            cls = self._coast.cell_class[cell[idx]]
            dist[idx] = ans.distance_m
            # far from the coast the cell's class is the authority on land / sea
            land[idx] = np.where(cls == CLASS_NEAR, ans.on_land, cls == 1)
            country[idx] = self._coast.segments.country[ans.segment]
        codes = np.array([*self.coast_codes, None], dtype=object)
        out: dict[str, Any] = {
            "inside": inside,
            "on_land": land,
            "distance_to_coast_m": dist,
            "coast_country": codes[country],
        }
        strip_codes = [self.coast_codes.index(c) for c in self.info.strip_countries]
        at_sea_strip = inside & ~land & np.isin(country, strip_codes)
        for w in self.info.strip_widths_m:
            out[f"in_strip_{w:g}m"] = at_sea_strip & (dist <= w)
        lab = np.full(n, NONE, dtype=np.int16)
        lab[idx] = zone_of(self._zones["territorial_sea"], lo[idx], la[idx], cell[idx])
        ts = np.array([*self.ts_codes, None], dtype=object)[
            np.where(lab >= 0, lab, len(self.ts_codes))
        ]
        ts[land] = None
        out["territorial_sea"] = ts
        lab[idx] = zone_of(self._zones["sar"], lo[idx], la[idx], cell[idx])
        out["sar_region"] = np.array([*(r.code for r in self.sar_regions), None], dtype=object)[
            np.where(lab >= 0, lab, len(self.sar_regions))
        ]
        return out

    # -- nearest places ---------------------------------------------------------------------
    def nearest_beach(self, lat: float, lon: float) -> tuple[Beach, float]:
        d = haversine_m(lat, lon, [b.lat for b in self.beaches], [b.lon for b in self.beaches])
        i = int(np.argmin(d))
        return self.beaches[i], float(d[i])

    def nearest_stations(
        self, lat: float, lon: float, k: int = 3, kinds: tuple[str, ...] = RESCUE_KINDS
    ) -> list[tuple[Station, float, float | None]]:
        """The k nearest rescue stations/bases: (station, straight-line distance in nm, ETA in
        minutes at its fastest boat's published speed, or None when no speed is known)."""
        cands = [s for s in self.stations if s.kind in kinds]
        d_nm = haversine_m(lat, lon, [s.lat for s in cands], [s.lon for s in cands]) / (
            METRES_PER_NM
        )
        out = []
        for i in np.argsort(d_nm)[:k]:
            st = cands[int(i)]
            v = st.max_speed_kn
            out.append((st, float(d_nm[i]), float(d_nm[i] / v * 60.0) if v else None))
        return out

    # -- geometries for maps and other packages --------------------------------------------------
    @cached_property
    def land(self) -> BaseGeometry:
        """Land as one shapely (Multi)Polygon in lon/lat."""
        return shapely.MultiPolygon(
            [shape(f["geometry"]) for f in read_features(self.info.path("land"))]
        )

    @cached_property
    def sar_line(self) -> BaseGeometry:
        """The SAR demarcation line used (published part plus our extension), lon/lat."""
        for f in read_features(self.info.path("sar")):
            if f["properties"].get("element") == "sar_boundary_line":
                return shape(f["geometry"])
        raise RegionDataError(f"{self.info.path('sar')}: no sar_boundary_line feature")

    def layer_path(self, layer: str) -> Path:
        return self.info.path(layer)

    def where(self, lat: float, lon: float) -> Any:
        from channelwatch.region.where import where

        return where(self, lat, lon)


def _geoms(path: Path, keep: Any = None) -> list[tuple[dict[str, Any], BaseGeometry]]:
    out = []
    for f in read_features(path):
        if keep is None or keep(f["properties"]):
            out.append((f["properties"], shapely.make_valid(shape(f["geometry"]))))
    return out


def build_region(root: Path, use_cache: bool = True) -> Region:
    """Load a pack and its indexes, building (and caching) them when needed."""
    info = read_pack_info(root)
    countries = [(str(p["country"]), g) for p, g in _geoms(info.path("countries"))]
    codes = tuple(sorted({c for c, _ in countries}))
    ts = _geoms(info.path("territorial_sea"))
    ts_codes = tuple(str(p["country"]) for p, _ in ts)
    sar = _geoms(info.path("sar"), lambda p: p.get("element") == "sar_region")
    sar_regions = tuple(sar_region(p, info.sar_centres) for p, _ in sar)
    tss = _geoms(info.path("tss"), lambda p: p.get("element") != "separation_line")
    tss = [(p, g) for p, g in tss if g.geom_type in ("Polygon", "MultiPolygon")]
    tss_elements = tuple(tss_element(p) for p, _ in tss)

    path = cache.cache_path(info.name, info.digest()) if use_cache else None
    if path is not None and path.is_file():
        try:
            coast, zones = cache.load(path, ["territorial_sea", "sar", "tss"])
            return Region(info, coast, zones, codes, ts_codes, sar_regions, tss_elements)
        except (OSError, KeyError, ValueError) as exc:
            log.warning("region cache %s unreadable (%s): rebuilding", path, exc)
    grid = Grid.over(info.bbox, info.cell_deg)
    land = [g for _, g in _geoms(info.path("land"))]
    seg, prev, nxt = build_segments(land, info.bbox, countries, codes)
    coast = build_coast_index(grid, seg, prev, nxt, info.near_coast_m)
    far_counts = np.diff(coast.far.offsets)[coast.cell_class != CLASS_NEAR]
    if (far_counts.size and int(far_counts.min()) == 0) or int(
        np.diff(coast.near.offsets).min()
    ) == 0:
        raise RegionDataError(f"{root}: coast index has a cell without candidate segments")
    zones = {
        "territorial_sea": build_zone_index(grid, [g for _, g in ts]),
        "sar": build_zone_index(grid, [g for _, g in sar]),
        "tss": build_zone_index(grid, [g for _, g in tss]),
    }
    if path is not None:
        try:
            cache.save(path, coast, zones)
        except OSError as exc:  # a read-only home must not stop the answer
            log.warning("could not write region cache %s: %s", path, exc)
    return Region(info, coast, zones, codes, ts_codes, sar_regions, tss_elements)


_LOADED: dict[str, Region] = {}


def load_region(name_or_path: str | os.PathLike[str] | None = None) -> Region:
    """The region pack by name (default ``dover_strait``) or path, loaded once per process."""
    root = resolve_pack(name_or_path).resolve()
    key = str(root)
    if key not in _LOADED:
        _LOADED[key] = build_region(root)
    return _LOADED[key]
