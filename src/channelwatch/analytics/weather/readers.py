"""Reading a point wind/wave time series from a CF NetCDF forecast or a CSV (the edges).

NetCDF: variables are found by CF standard name, with fallbacks: ``wind_speed``; or the vector
pairs ``eastward_wind``/``northward_wind`` or ``x_wind``/``y_wind`` (grid-relative components:
the speed does not depend on the grid's rotation); waves ``sea_surface_wave_significant_height``.
The series is taken at the grid cell nearest to the requested point; a point farther than
``max_distance_km`` from every cell is outside the forecast and raises :class:`CoverageError`.

CSV: a header with ``time`` (ISO 8601 with a UTC offset or ``Z``), ``wind_kn`` (or ``wind_ms``)
and optionally ``wave_m``. Unreadable rows are skipped and counted.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from channelwatch.analytics.cells import normalise_header, parse_float
from channelwatch.analytics.errors import AnalyticsInputError, CoverageError
from channelwatch.analytics.weather.windows import HourlyWeather
from channelwatch.geo import MS_PER_KN, haversine_m

_MS_UNITS = {"m/s", "m s-1", "m s**-1", "m.s-1", "meter second-1", "metre second-1", "m/sec"}
_KN_UNITS = {"kn", "knot", "knots", "kt", "kts"}
_WAVE_NAMES = ("hs", "swh", "vhm0", "wave_m", "significant_wave_height")
_TIME_COLS = ("time", "time_utc", "datetime", "valid_time")
_WIND_KN_COLS = ("wind_kn", "wind_speed_kn", "wind_knots")
_WIND_MS_COLS = ("wind_ms", "wind_speed_ms", "wind_m_s", "wind_speed")
_WAVE_COLS = ("wave_m", "hs_m", "significant_wave_height_m", "swh_m", "hs")


# --- CSV ----------------------------------------------------------------------------------


def _utc(text: str) -> np.datetime64:
    value = text.strip()
    if value.endswith(("Z", "z")):
        value = value[:-1] + "+00:00"
    t = datetime.fromisoformat(value)
    if t.tzinfo is None or t.utcoffset() is None:
        raise AnalyticsInputError(
            f"time {text!r} has no UTC offset: write it as e.g. 2024-07-01T03:00Z"
        )
    return np.datetime64(t.astimezone(UTC).replace(tzinfo=None), "s")


def _col(header: Sequence[str], names: Sequence[str]) -> int | None:
    norm = [normalise_header(h).replace(" ", "_") for h in header]
    for n in names:
        if n in norm:
            return norm.index(n)
    return None


def weather_from_csv_rows(rows: Iterable[Sequence[str]], source: str = "CSV") -> HourlyWeather:
    """Parse CSV rows (the first is the header)."""
    it = iter(rows)
    try:
        header = next(it)
    except StopIteration:
        raise AnalyticsInputError(f"{source}: empty file") from None
    t_col = _col(header, _TIME_COLS)
    kn_col = _col(header, _WIND_KN_COLS)
    ms_col = _col(header, _WIND_MS_COLS) if kn_col is None else None
    wave_col = _col(header, _WAVE_COLS)
    if t_col is None or (kn_col is None and ms_col is None):
        raise AnalyticsInputError(
            f"{source}: need columns 'time' and 'wind_kn' (or 'wind_ms'), found {list(header)}"
        )
    times: list[np.datetime64] = []
    wind: list[float] = []
    wave: list[float] = []
    skipped = 0
    for row in it:
        if not any(c.strip() for c in row):
            continue
        try:
            t = _utc(row[t_col])
            w_col = kn_col if kn_col is not None else ms_col
            assert w_col is not None
            w = parse_float(row[w_col]) if w_col < len(row) else None
            h = parse_float(row[wave_col]) if wave_col is not None and wave_col < len(row) else None
        except AnalyticsInputError:
            raise  # a naive time is a file-wide mistake, not one bad row
        except (ValueError, IndexError):
            skipped += 1
            continue
        times.append(t)
        speed = np.nan if w is None else (w if kn_col is not None else w / MS_PER_KN)
        wind.append(speed)
        wave.append(np.nan if h is None else h)
    if not times:
        raise AnalyticsInputError(f"{source}: no readable rows")
    t_arr = np.array(times, dtype="datetime64[s]")
    order = np.argsort(t_arr, kind="stable")
    t_sorted = t_arr[order]
    if t_sorted.size > 1 and np.any(np.diff(t_sorted).astype(np.int64) == 0):
        dup = t_sorted[1:][np.diff(t_sorted).astype(np.int64) == 0][0]
        raise AnalyticsInputError(f"{source}: time {dup} appears twice")
    return HourlyWeather(
        times=t_sorted,
        wind_kn=np.array(wind, dtype=np.float64)[order],
        wave_m=np.array(wave, dtype=np.float64)[order],
        source=source,
        skipped_rows=skipped,
    )


def read_csv(path: Path) -> HourlyWeather:
    if not path.is_file():
        raise AnalyticsInputError(f"no such file: {path}")
    try:
        with path.open(newline="", encoding="utf-8-sig") as f:
            return weather_from_csv_rows(csv.reader(f), source=str(path))
    except UnicodeDecodeError:
        raise AnalyticsInputError(f"{path} is not a UTF-8 text file") from None


# --- CF NetCDF ----------------------------------------------------------------------------


def _standard(var: Any) -> str:
    return str(var.attrs.get("standard_name", "")).lower()


def _by_standard_name(ds: Any, *names: str) -> Any | None:
    for name in names:
        for v in ds.data_vars.values():
            if _standard(v) == name:
                return v
    return None


def _wind_speed_kn(ds: Any, source: str) -> Any:
    """Wind speed in knots as a DataArray, from speed or from a vector pair."""
    speed = _by_standard_name(ds, "wind_speed")
    if speed is None:
        for u_name, v_name in (("eastward_wind", "northward_wind"), ("x_wind", "y_wind")):
            u = _by_standard_name(ds, u_name)
            v = _by_standard_name(ds, v_name)
            if u is not None and v is not None:
                speed = np.hypot(u, v)
                speed.attrs["units"] = u.attrs.get("units", "")
                break
    if speed is None:
        raise AnalyticsInputError(
            f"{source}: no wind (standard names wind_speed, eastward_wind/northward_wind or "
            "x_wind/y_wind)"
        )
    units = str(speed.attrs.get("units", "")).strip().lower()
    if units in _MS_UNITS:
        return speed / MS_PER_KN
    if units in _KN_UNITS:
        return speed
    raise AnalyticsInputError(f"{source}: wind units {units!r} not understood (m/s or knots)")


def _waves_m(ds: Any) -> Any | None:
    wave = _by_standard_name(ds, "sea_surface_wave_significant_height")
    if wave is None:
        for name, v in ds.data_vars.items():
            if str(name).lower() in _WAVE_NAMES:
                return v
    return wave


def _lat_lon(ds: Any, source: str) -> tuple[Any, Any]:
    lat = lon = None
    for v in list(ds.coords.values()) + list(ds.data_vars.values()):
        sn = _standard(v)
        name = str(v.name).lower()
        if lat is None and (sn == "latitude" or name in ("lat", "latitude")):
            lat = v
        if lon is None and (sn == "longitude" or name in ("lon", "longitude")):
            lon = v
    if lat is None or lon is None:
        raise AnalyticsInputError(f"{source}: no latitude/longitude coordinates")
    return lat, lon


def _nearest_cell(lat: Any, lon: Any, at_lat: float, at_lon: float) -> tuple[dict[str, int], float]:
    """Indexers of the grid cell nearest to the point, and its distance in metres."""
    if lat.ndim == 1 and lon.ndim == 1 and lat.dims != lon.dims:
        glat, glon = np.meshgrid(lat.values, lon.values, indexing="ij")
        dims = (lat.dims[0], lon.dims[0])
    elif lat.dims == lon.dims:
        glat, glon = lat.values, lon.values
        dims = tuple(lat.dims)
    else:
        raise AnalyticsInputError("latitude and longitude grids do not match")
    dist = np.asarray(haversine_m(at_lat, at_lon, glat, glon), dtype=np.float64)
    dist = np.where(np.isfinite(dist), dist, np.inf)
    flat = int(np.argmin(dist))
    idx = np.unravel_index(flat, dist.shape)
    return {d: int(i) for d, i in zip(dims, idx, strict=True)}, float(dist.flat[flat])


def _series(var: Any, cell: dict[str, int], time_dim: str, source: str) -> Any:
    sel = var.isel({d: i for d, i in cell.items() if d in var.dims})
    extra = [d for d in sel.dims if d != time_dim]
    for d in extra:
        if sel.sizes[d] != 1:
            raise AnalyticsInputError(
                f"{source}: variable {var.name!r} has an extra dimension {d!r} of size "
                f"{sel.sizes[d]} (choose a level first)"
            )
    return sel.squeeze(extra, drop=True) if extra else sel


def read_netcdf(
    path: Path,
    lat: float,
    lon: float,
    max_distance_km: float = 25.0,
    waves_path: Path | None = None,
) -> HourlyWeather:
    """The wind (and waves) at the grid cell nearest to (lat, lon)."""
    import xarray as xr

    if not path.is_file():
        raise AnalyticsInputError(f"no such file: {path}")
    try:
        ds = xr.open_dataset(path)
    except (OSError, ValueError) as exc:
        raise AnalyticsInputError(f"{path}: not a readable NetCDF ({exc})") from None
    with ds:
        source = str(path)
        wind = _wind_speed_kn(ds, source)
        time_dim = next((d for d in wind.dims if np.issubdtype(ds[d].dtype, np.datetime64)), None)
        if time_dim is None:
            raise AnalyticsInputError(f"{source}: the wind has no decodable time axis")
        glat, glon = _lat_lon(ds, source)
        cell, dist_m = _nearest_cell(glat, glon, lat, lon)
        if dist_m > max_distance_km * 1000.0:
            raise CoverageError(
                f"point {lat:.4f}N {lon:.4f}E is {dist_m / 1000:.0f} km from the nearest cell of "
                f"{source} (limit {max_distance_km:g} km): outside the forecast"
            )
        cell_lat = float(np.asarray(glat.isel({d: cell[d] for d in glat.dims})))
        cell_lon = float(np.asarray(glon.isel({d: cell[d] for d in glon.dims})))
        wind_series = _series(wind, cell, time_dim, source)
        times = ds[time_dim].values.astype("datetime64[s]")
        wind_kn = np.asarray(wind_series.values, dtype=np.float64)
        wave_m = np.full(times.shape, np.nan)
        wave_var = _waves_m(ds)
        if wave_var is not None and time_dim in wave_var.dims:
            wave_m = np.asarray(_series(wave_var, cell, time_dim, source).values, dtype=np.float64)
    if waves_path is not None:
        extra = read_netcdf_waves(waves_path, lat, lon, max_distance_km)
        wave_m = _align(times, extra.times, extra.wave_m)
    return HourlyWeather(
        times=times,
        wind_kn=wind_kn,
        wave_m=wave_m,
        source=source,
        lat=cell_lat,
        lon=cell_lon,
    )


def read_netcdf_waves(path: Path, lat: float, lon: float, max_distance_km: float) -> HourlyWeather:
    """Significant wave height at the nearest cell of a wave forecast (wind left unknown)."""
    import xarray as xr

    if not path.is_file():
        raise AnalyticsInputError(f"no such file: {path}")
    with xr.open_dataset(path) as ds:
        wave = _waves_m(ds)
        if wave is None:
            raise AnalyticsInputError(f"{path}: no sea_surface_wave_significant_height")
        time_dim = next((d for d in wave.dims if np.issubdtype(ds[d].dtype, np.datetime64)), None)
        if time_dim is None:
            raise AnalyticsInputError(f"{path}: the waves have no decodable time axis")
        glat, glon = _lat_lon(ds, str(path))
        cell, dist_m = _nearest_cell(glat, glon, lat, lon)
        if dist_m > max_distance_km * 1000.0:
            raise CoverageError(f"point {lat:.4f}N {lon:.4f}E is outside the wave forecast {path}")
        times = ds[time_dim].values.astype("datetime64[s]")
        values = np.asarray(_series(wave, cell, time_dim, str(path)).values, dtype=np.float64)
    return HourlyWeather(times, np.full(times.shape, np.nan), values, source=str(path))


def _align(times: Any, other_times: Any, values: Any) -> Any:
    """``values`` at ``times`` where the other series has exactly that time, else NaN."""
    out = np.full(times.shape, np.nan)
    pos = np.searchsorted(other_times, times)
    ok = pos < other_times.size
    ok[ok] &= other_times[pos[ok]] == times[ok]
    out[ok] = values[pos[ok]]
    return out


def read_weather(
    path: Path,
    lat: float | None = None,
    lon: float | None = None,
    max_distance_km: float = 25.0,
    waves_path: Path | None = None,
) -> HourlyWeather:
    """A CSV (point series) or a CF NetCDF (needs ``lat`` and ``lon``), by suffix."""
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt"):
        weather = read_csv(path)
        if waves_path is not None:
            extra = read_csv(waves_path)
            weather = HourlyWeather(
                weather.times,
                weather.wind_kn,
                _align(weather.times, extra.times, extra.wave_m),
                weather.source,
                skipped_rows=weather.skipped_rows,
            )
        return weather
    if suffix in (".nc", ".nc4", ".netcdf", ".cdf"):
        if lat is None or lon is None:
            raise AnalyticsInputError(f"{path}: a gridded forecast needs --lat and --lon")
        return read_netcdf(path, lat, lon, max_distance_km, waves_path)
    raise AnalyticsInputError(f"{path}: unsupported forecast format {suffix!r} (.nc or .csv)")
