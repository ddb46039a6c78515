"""CF ``grid_mapping`` attributes to a PROJ string, for the common map projections.

pyproj's own ``CRS.from_cf`` does the same but looks its datum up in the PROJ database, which
takes 0.5-2 s per file; building the PROJ string from the attributes takes microseconds. Grid
mappings not listed here fall back to ``CRS.from_cf`` (see :func:`.cf._crs_from_mapping`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np


def _get(attrs: Mapping[str, Any], *names: str, default: float | None = None) -> float | None:
    for n in names:
        if n in attrs:
            v = np.ravel(np.asarray(attrs[n], dtype=np.float64))
            return float(v[0])
    return default


def _parallels(attrs: Mapping[str, Any]) -> list[float]:
    if "standard_parallel" not in attrs:
        return []
    return [float(v) for v in np.ravel(np.asarray(attrs["standard_parallel"], dtype=np.float64))]


def _earth(attrs: Mapping[str, Any]) -> str:
    r = _get(attrs, "earth_radius")
    if r is not None:
        return f"+R={r:.10g}"
    a = _get(attrs, "semi_major_axis")
    b = _get(attrs, "semi_minor_axis")
    rf = _get(attrs, "inverse_flattening")
    if a is not None and b is not None:
        return f"+a={a:.10g} +b={b:.10g}"
    if a is not None and rf is not None and rf > 0:
        return f"+a={a:.10g} +rf={rf:.12g}"
    if a is not None:
        return f"+R={a:.10g}"
    return "+ellps=WGS84"


def cf_to_proj4(attrs: Mapping[str, Any]) -> str | None:
    """The PROJ string of a CF grid mapping, or None when this function does not know it."""
    name = str(attrs.get("grid_mapping_name", "")).lower()
    x0 = _get(attrs, "false_easting", default=0.0)
    y0 = _get(attrs, "false_northing", default=0.0)
    par = _parallels(attrs)
    lat0 = _get(attrs, "latitude_of_projection_origin", default=0.0)
    if name == "polar_stereographic":
        lon0 = _get(
            attrs, "straight_vertical_longitude_from_pole", "longitude_of_projection_origin"
        )
        if lon0 is None or lat0 is None:
            return None
        k = _get(attrs, "scale_factor_at_projection_origin")
        scale = f"+lat_ts={par[0]:.10g}" if par else f"+k={1.0 if k is None else k:.12g}"
        proj = f"+proj=stere +lat_0={lat0:.10g} +lon_0={lon0:.10g} {scale}"
    elif name == "stereographic":
        lon0 = _get(attrs, "longitude_of_projection_origin")
        k = _get(attrs, "scale_factor_at_projection_origin", default=1.0)
        if lon0 is None:
            return None
        proj = f"+proj=stere +lat_0={lat0:.10g} +lon_0={lon0:.10g} +k={k:.12g}"
    elif name in ("lambert_conformal_conic", "albers_conical_equal_area"):
        lon0 = _get(attrs, "longitude_of_central_meridian")
        if lon0 is None or not par:
            return None
        lat1, lat2 = par[0], par[-1]
        kind = "lcc" if name.startswith("lambert") else "aea"
        proj = (
            f"+proj={kind} +lat_0={lat0:.10g} +lon_0={lon0:.10g} "
            f"+lat_1={lat1:.10g} +lat_2={lat2:.10g}"
        )
    elif name == "mercator":
        lon0 = _get(attrs, "longitude_of_projection_origin", default=0.0)
        k = _get(attrs, "scale_factor_at_projection_origin")
        scale = f"+lat_ts={par[0]:.10g}" if par else f"+k={1.0 if k is None else k:.12g}"
        proj = f"+proj=merc +lon_0={lon0:.10g} {scale}"
    elif name == "transverse_mercator":
        lon0 = _get(attrs, "longitude_of_central_meridian")
        k = _get(attrs, "scale_factor_at_central_meridian", default=1.0)
        if lon0 is None:
            return None
        proj = f"+proj=tmerc +lat_0={lat0:.10g} +lon_0={lon0:.10g} +k={k:.12g}"
    elif name == "lambert_azimuthal_equal_area":
        lon0 = _get(attrs, "longitude_of_projection_origin")
        if lon0 is None:
            return None
        proj = f"+proj=laea +lat_0={lat0:.10g} +lon_0={lon0:.10g}"
    else:
        return None
    return f"{proj} +x_0={x0:.10g} +y_0={y0:.10g} {_earth(attrs)} +units=m +no_defs"
