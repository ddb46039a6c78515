"""Reading the CF conventions of a forcing file: which variables, which axes, which level.

Pure functions over an open :class:`~.ncfile.NcFile`: they find the vector components of a
quantity by CF standard name (or by the names the caller maps), the time axis, the horizontal
grid (and its projection from the ``grid_mapping`` attributes, through pyproj), and the index of
the surface level when the field has a vertical dimension (depth, height or sigma coordinates).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import numpy as np
import numpy.typing as npt

from channelwatch.drift.errors import ForcingFormatError
from channelwatch.drift.forcing.grid import (
    CurvilinearLocator,
    Locator,
    LonLatLocator,
    ProjectedLocator,
)
from channelwatch.drift.forcing.ncfile import NcFile, NcVar, decode_times
from channelwatch.drift.forcing.projection import cf_to_proj4
from channelwatch.geo import MS_PER_KN

FloatArray = npt.NDArray[np.float64]


class Quantity(StrEnum):
    """The vector quantities a drift model reads."""

    WIND = "wind"  # 10 m wind, m/s
    CURRENT = "current"  # surface current, m/s


# (x, y, grid_relative): earth-relative pairs first, then grid-relative ones
STANDARD_PAIRS: dict[Quantity, tuple[tuple[str, str, bool], ...]] = {
    Quantity.WIND: (
        ("eastward_wind", "northward_wind", False),
        ("x_wind", "y_wind", True),
    ),
    Quantity.CURRENT: (
        ("eastward_sea_water_velocity", "northward_sea_water_velocity", False),
        ("surface_eastward_sea_water_velocity", "surface_northward_sea_water_velocity", False),
        ("x_sea_water_velocity", "y_sea_water_velocity", True),
        ("sea_water_x_velocity", "sea_water_y_velocity", True),
    ),
}

_LON_NAMES = ("lon", "longitude", "nav_lon", "glamt", "lon_rho")
_LAT_NAMES = ("lat", "latitude", "nav_lat", "gphit", "lat_rho")


@dataclass(frozen=True, slots=True)
class VectorSpec:
    """Where the two components of a quantity are in a file and how to read them."""

    x_name: str
    y_name: str
    grid_relative: bool
    factor: float  # to m/s
    time_dim: str | None
    y_dim: str
    x_dim: str
    select: tuple[tuple[str, int], ...]  # fixed indices of the other dims (surface level)

    def index(self, dims: tuple[str, ...], time_index: int | None) -> tuple[int | slice, ...]:
        """The index tuple reading one (y, x) slice of a variable with dimensions ``dims``."""
        fixed = dict(self.select)
        if self.time_dim is not None and time_index is not None:
            fixed[self.time_dim] = time_index
        return tuple(fixed.get(d, slice(None)) for d in dims)


def find_vector(
    nc: NcFile, quantity: Quantity, variables: Mapping[str, str] | None = None
) -> tuple[str, str, bool] | None:
    """Names of the x/y (or east/north) components of ``quantity`` in ``nc``, if present.

    ``variables`` maps standard names to variable names for files that lack ``standard_name``
    attributes, e.g. ``{"eastward_wind": "UWND", "northward_wind": "VWND"}``.
    """
    by_std: dict[str, str] = {}
    for var in nc.data_vars():
        std = var.attrs.get("standard_name")
        if isinstance(std, str) and std not in by_std:
            by_std[std] = var.name
    for std, name in (variables or {}).items():
        if name not in nc:
            raise ForcingFormatError(f"variable {name!r} (given for {std}) is not in the file")
        by_std[std] = name
    for x_std, y_std, grid_relative in STANDARD_PAIRS[quantity]:
        if x_std in by_std and y_std in by_std:
            return by_std[x_std], by_std[y_std], grid_relative
    return None


def unit_factor(units: object) -> float:
    """Factor from the variable's ``units`` to m/s (m/s when absent)."""
    u = str(units or "").strip().lower().replace(" ", "")
    if u in ("cm/s", "cms-1", "cm.s-1", "centimeter/second", "centimetersecond-1", "cm/sec"):
        return 0.01
    if u in ("kn", "kt", "kts", "knot", "knots"):
        return MS_PER_KN
    return 1.0


def _is_time(var: NcVar) -> bool:
    units = str(var.attrs.get("units", "")).lower()
    return " since " in units and (
        var.attrs.get("axis") == "T"
        or var.attrs.get("standard_name") == "time"
        or "time" in var.name.lower()
        or var.ndim == 1
    )


def time_axis(nc: NcFile, dims: tuple[str, ...]) -> tuple[str | None, FloatArray]:
    """The time dimension among ``dims`` and its times in seconds since 1970 (UTC)."""
    for d in dims:
        coord = nc.variables.get(d)
        if coord is None:
            # a time variable over this dimension under another name (e.g. ROMS ocean_time)
            coord = next((v for v in nc if v.dims == (d,) and _is_time(v)), None)
        if coord is not None and _is_time(coord):
            secs = decode_times(coord)
            if secs.size > 1 and not np.all(np.diff(secs) > 0):
                raise ForcingFormatError(f"time axis {coord.name!r} is not strictly increasing")
            return d, secs
    return None, np.zeros(0, dtype=np.float64)


def surface_index(values: FloatArray, attrs: Mapping[str, Any], quantity: Quantity) -> int:
    """Index of the level to use: the surface for currents, the one nearest 10 m for wind."""
    std = str(attrs.get("standard_name", "")).lower()
    name = str(attrs.get("long_name", "")).lower()
    positive = str(attrs.get("positive", "")).lower()
    v = np.asarray(values, dtype=np.float64)
    if "sigma" in std or "s_coordinate" in std or "sigma" in name or "s-coordinate" in name:
        return int(np.nanargmax(v))  # sigma runs from -1 (bottom) to 0 (surface)
    if quantity is Quantity.WIND and (positive == "up" or std in ("height", "altitude")):
        return int(np.nanargmin(np.abs(v - 10.0)))
    if positive == "up" and np.nanmax(v) <= 0.0:
        return int(np.nanargmax(v))  # z negative below the surface
    return int(np.nanargmin(np.abs(v)))  # depth positive down, or unlabelled: nearest zero


def _level_coordinate(nc: NcFile, dim: str) -> NcVar | None:
    if dim in nc:
        return nc[dim]
    return next((v for v in nc if v.dims == (dim,)), None)


def vector_spec(
    nc: NcFile,
    quantity: Quantity,
    names: tuple[str, str, bool],
    yx_dims: tuple[str, str],
) -> tuple[VectorSpec, FloatArray]:
    """How to read the components ``names`` as (time, y, x) surface fields, and their times."""
    x_name, y_name, grid_relative = names
    var = nc[x_name]
    if nc[y_name].dims != var.dims:
        raise ForcingFormatError(
            f"components {x_name!r} {var.dims} and {y_name!r} {nc[y_name].dims} differ in shape"
        )
    y_dim, x_dim = yx_dims
    if y_dim not in var.dims or x_dim not in var.dims:
        raise ForcingFormatError(f"variable {x_name!r} {var.dims} lacks the grid dims {yx_dims}")
    tdim, times = time_axis(nc, var.dims)
    select = []
    for d in var.dims:
        if d in (tdim, y_dim, x_dim):
            continue
        size = nc.sizes[d]
        if size == 1:
            select.append((d, 0))
            continue
        coord = _level_coordinate(nc, d)
        if coord is None:
            raise ForcingFormatError(
                f"variable {x_name!r} has a dimension {d!r} of size {size} with no coordinate: "
                "cannot tell which level is the surface"
            )
        select.append((d, surface_index(coord.read(), coord.attrs, quantity)))
    spec = VectorSpec(
        x_name=x_name,
        y_name=y_name,
        grid_relative=grid_relative,
        factor=unit_factor(var.attrs.get("units")),
        time_dim=tdim,
        y_dim=y_dim,
        x_dim=x_dim,
        select=tuple(select),
    )
    return spec, times


def _crs_from_mapping(nc: NcFile, var: NcVar, crs: str | None) -> Any:
    import pyproj

    if crs is not None:
        try:
            return pyproj.CRS.from_user_input(crs)
        except pyproj.exceptions.CRSError as exc:
            raise ForcingFormatError(f"invalid CRS {crs!r}: {exc}") from None
    gm = var.attrs.get("grid_mapping")
    if not gm:
        return None
    gm = str(gm).split(":")[0].strip()
    if gm not in nc:
        raise ForcingFormatError(f"grid_mapping variable {gm!r} is not in the file")
    attrs = {k: (v.tolist() if isinstance(v, np.ndarray) else v) for k, v in nc[gm].attrs.items()}
    proj4 = cf_to_proj4(attrs)
    if proj4 is not None:
        try:
            return pyproj.CRS.from_user_input(proj4)
        except pyproj.exceptions.CRSError as exc:
            raise ForcingFormatError(f"grid_mapping {gm!r} gives an invalid CRS: {exc}") from None
    try:
        return pyproj.CRS.from_cf(attrs)
    except (pyproj.exceptions.CRSError, KeyError, ValueError):
        for key in ("proj4", "proj4_string", "proj4text", "crs_wkt", "spatial_ref"):
            if key in attrs:
                try:
                    return pyproj.CRS.from_user_input(attrs[key])
                except pyproj.exceptions.CRSError:
                    continue
    raise ForcingFormatError(f"grid_mapping {gm!r} is not understood: {attrs}")


def _axis_kind(coord: NcVar) -> str:
    """'lon', 'lat', 'x', 'y' or '' for a coordinate variable."""
    std = str(coord.attrs.get("standard_name", "")).lower()
    units = str(coord.attrs.get("units", "")).lower().replace(" ", "")
    axis = str(coord.attrs.get("axis", "")).upper()
    name = coord.name.lower()
    if std in ("longitude", "grid_longitude") or units in ("degrees_east", "degree_east"):
        return "lon"
    if std in ("latitude", "grid_latitude") or units in ("degrees_north", "degree_north"):
        return "lat"
    if std == "projection_x_coordinate":
        return "x"
    if std == "projection_y_coordinate":
        return "y"
    if name in ("lon", "longitude") or (axis == "X" and units.startswith("deg")):
        return "lon"
    if name in ("lat", "latitude") or (axis == "Y" and units.startswith("deg")):
        return "lat"
    if axis == "X" or name in ("x", "xc"):
        return "x"
    if axis == "Y" or name in ("y", "yc"):
        return "y"
    return ""


def _metres(coord: NcVar) -> FloatArray:
    values = coord.read()
    units = str(coord.attrs.get("units", "m")).lower().strip()
    return values * 1000.0 if units in ("km", "kilometer", "kilometre", "kilometers") else values


def horizontal_grid(
    nc: NcFile,
    var_name: str,
    coords: Mapping[str, str] | None = None,
    crs: str | None = None,
) -> tuple[Locator, tuple[str, str]]:
    """The locator of ``var_name``'s horizontal grid and its (y, x) dimension names.

    ``coords`` may name the coordinates when the file does not say: ``{"x": .., "y": ..}`` for
    1-D axes (with ``crs`` for projected ones) or ``{"lon": .., "lat": ..}`` for 2-D arrays.
    """
    coords = dict(coords or {})
    var = nc[var_name]
    for key, name in coords.items():
        if name not in nc:
            raise ForcingFormatError(f"coordinate {name!r} (given as {key}) is not in the file")
    if "lon" in coords and "lat" in coords:
        lon, lat = nc[coords["lon"]], nc[coords["lat"]]
        if lon.ndim == 2:
            return _curvilinear(lon, lat)
        return LonLatLocator(_as_axis(lon), _as_axis(lat)), (lat.dims[0], lon.dims[0])
    if "x" in coords and "y" in coords:
        xc, yc = nc[coords["x"]], nc[coords["y"]]
        projection = _crs_from_mapping(nc, var, crs)
        yx = (yc.dims[0], xc.dims[0])
        if projection is None:
            return LonLatLocator(_as_axis(xc), _as_axis(yc)), yx
        return _projected(xc, yc, projection), yx
    if var.ndim < 2:
        raise ForcingFormatError(f"variable {var_name!r} has no horizontal grid: dims {var.dims}")
    y_dim, x_dim = var.dims[-2], var.dims[-1]
    x_axis = nc.variables.get(x_dim)
    y_axis = nc.variables.get(y_dim)
    projection = _crs_from_mapping(nc, var, crs)
    if x_axis is not None and y_axis is not None and x_axis.ndim == 1 and y_axis.ndim == 1:
        xc, yc = x_axis, y_axis
        kx, ky = _axis_kind(xc), _axis_kind(yc)
        geographic_mapping = projection is not None and projection.is_geographic
        if projection is not None and not (geographic_mapping and kx == "lon"):
            return _projected(xc, yc, projection), (y_dim, x_dim)
        if kx in ("lon", "x", "") and ky in ("lat", "y", "") and _looks_like_degrees(xc, yc):
            return LonLatLocator(_as_axis(xc), _as_axis(yc)), (y_dim, x_dim)
    lon2d, lat2d = _find_2d_lonlat(nc, var, (y_dim, x_dim))
    if lon2d is None or lat2d is None:
        raise ForcingFormatError(
            f"cannot find the horizontal coordinates of {var_name!r} (dims {var.dims}); "
            "name them with coords={'lon': ..., 'lat': ...} or {'x': ..., 'y': ...}"
        )
    return _curvilinear(lon2d, lat2d)


def _as_axis(coord: NcVar) -> FloatArray:
    values = coord.read()
    if values.ndim != 1 or values.size < 1:
        raise ForcingFormatError(f"coordinate {coord.name!r} is not a 1-D axis")
    if values.size > 1 and not (np.all(np.diff(values) > 0) or np.all(np.diff(values) < 0)):
        raise ForcingFormatError(f"coordinate {coord.name!r} is not monotonic")
    return values


def _looks_like_degrees(xc: NcVar, yc: NcVar) -> bool:
    x, y = xc.read(), yc.read()
    return bool(np.nanmin(x) >= -360 and np.nanmax(x) <= 360 and np.nanmax(np.abs(y)) <= 90)


def _projected(xc: NcVar, yc: NcVar, projection: Any) -> ProjectedLocator:
    if projection.is_geographic:
        x, y = xc.read(), yc.read()
    else:
        x, y = _metres(xc), _metres(yc)
    for name, axis in ((xc.name, x), (yc.name, y)):
        steps = np.diff(axis)
        if axis.ndim != 1 or not (np.all(steps > 0) or np.all(steps < 0)):
            raise ForcingFormatError(f"projection coordinate {name!r} is not a monotonic axis")
    return ProjectedLocator(x, y, projection)


def _curvilinear(lon: NcVar, lat: NcVar) -> tuple[Locator, tuple[str, str]]:
    if lon.dims != lat.dims or lon.ndim != 2:
        raise ForcingFormatError(
            f"2-D longitude {lon.name!r} {lon.dims} and latitude {lat.name!r} {lat.dims} differ"
        )
    lon_v, lat_v = lon.read(), lat.read()
    if not (np.isfinite(lon_v).all() and np.isfinite(lat_v).all()):
        raise ForcingFormatError(f"2-D coordinates {lon.name!r}/{lat.name!r} contain gaps")
    return CurvilinearLocator(lon_v, lat_v), (lon.dims[0], lon.dims[1])


def _find_2d_lonlat(
    nc: NcFile, var: NcVar, yx: tuple[str, str]
) -> tuple[NcVar | None, NcVar | None]:
    listed = [nc[c] for c in str(var.attrs.get("coordinates", "")).split() if c in nc]
    lon: NcVar | None = None
    lat: NcVar | None = None
    for c in [*listed, *nc]:
        if c.dims != yx:
            continue
        kind = _axis_kind(c)
        name = c.name.lower()
        if lon is None and (kind == "lon" or name in _LON_NAMES):
            lon = c
        elif lat is None and (kind == "lat" or name in _LAT_NAMES):
            lat = c
    return lon, lat
