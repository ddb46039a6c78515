"""CF details on small synthetic files: surface level, units, axes, errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from channelwatch.drift import ForcingFormatError, GridReader, Quantity
from channelwatch.drift.forcing.cf import surface_index, unit_factor

TIMES = pd.date_range("2024-01-01", periods=3, freq="h")
T0 = pd.Timestamp("2024-01-01", tz="UTC").timestamp()


def _current_ds(levels: np.ndarray, level_attrs: dict[str, str], dim: str = "depth") -> xr.Dataset:
    lat = np.linspace(50.0, 51.0, 5)
    lon = np.linspace(1.0, 2.0, 6)
    # u grows with the level index so the chosen level is visible in the value
    u = np.broadcast_to(
        np.arange(levels.size, dtype=np.float32)[None, :, None, None], (3, levels.size, 5, 6)
    )
    v = np.zeros_like(u)
    return xr.Dataset(
        {
            "u": (
                ("time", dim, "lat", "lon"),
                u.copy(),
                {"standard_name": "eastward_sea_water_velocity"},
            ),
            "v": (
                ("time", dim, "lat", "lon"),
                v,
                {"standard_name": "northward_sea_water_velocity"},
            ),
        },
        coords={
            "time": TIMES,
            dim: (dim, levels, level_attrs),
            "lat": ("lat", lat, {"units": "degrees_north"}),
            "lon": ("lon", lon, {"units": "degrees_east"}),
        },
    )


@pytest.mark.parametrize(
    ("levels", "attrs", "dim", "expected"),
    [
        (np.array([0.0, 10.0, 50.0]), {"positive": "down", "standard_name": "depth"}, "depth", 0),
        (np.array([50.0, 10.0, 1.0]), {"positive": "down"}, "depth", 2),
        (np.array([-50.0, -10.0, -1.0]), {"positive": "up"}, "z", 2),
        (np.array([-0.95, -0.5, -0.05]), {"standard_name": "ocean_s_coordinate_g2"}, "s_rho", 2),
        (np.array([0.0, -0.5, -1.0]), {"standard_name": "ocean_sigma_coordinate"}, "sigma", 0),
    ],
)
def test_surface_level(
    tmp_path: Path, levels: np.ndarray, attrs: dict[str, str], dim: str, expected: int
) -> None:
    path = tmp_path / "c.nc"
    _current_ds(levels, attrs, dim).to_netcdf(path)
    with GridReader(path) as r:
        got = r.sample_strict(Quantity.CURRENT, T0, np.array([50.5]), np.array([1.5]))
    assert got.real[0] == expected


def test_wind_level_nearest_ten_metres() -> None:
    assert (
        surface_index(np.array([2.0, 10.0, 100.0]), {"standard_name": "height"}, Quantity.WIND) == 1
    )
    assert surface_index(np.array([100.0, 12.0]), {"positive": "up"}, Quantity.WIND) == 1


@pytest.mark.parametrize(
    ("units", "factor"),
    [("m/s", 1.0), ("m s-1", 1.0), ("cm/s", 0.01), ("knots", 0.514444), (None, 1.0)],
)
def test_unit_factor(units: str | None, factor: float) -> None:
    assert np.isclose(unit_factor(units), factor, atol=1e-6)


def test_cm_per_second_and_longitude_wrap(tmp_path: Path) -> None:
    lon = np.arange(0.0, 360.0, 1.0)
    lat = np.array([49.0, 50.0, 51.0])
    u = np.full((1, 3, lon.size), 50.0, np.float32)
    ds = xr.Dataset(
        {
            "uw": (("time", "lat", "lon"), u, {"standard_name": "eastward_wind", "units": "cm/s"}),
            "vw": (
                ("time", "lat", "lon"),
                u * 0,
                {"standard_name": "northward_wind", "units": "cm/s"},
            ),
        },
        coords={"time": TIMES[:1], "lat": ("lat", lat, {"units": "degrees_north"}), "lon": lon},
    )
    path = tmp_path / "w.nc"
    ds.to_netcdf(path)
    with GridReader(path) as r:
        got = r.sample_strict(Quantity.WIND, T0, np.array([50.0, 50.0]), np.array([-1.5, 1.5]))
    assert np.allclose(got, 0.5 + 0j)


def test_projected_axes_in_km_with_a_crs_override(tmp_path: Path) -> None:
    import pyproj

    crs = "+proj=tmerc +lat_0=51 +lon_0=1.5 +k=1 +x_0=0 +y_0=0 +ellps=WGS84 +units=m"
    x_km = np.linspace(-20.0, 20.0, 9)
    y_km = np.linspace(-20.0, 20.0, 9)
    # a field that is linear in x: u = x in km / 10
    u = np.broadcast_to((x_km / 10.0).astype(np.float32)[None, None, :], (1, 9, 9)).copy()
    ds = xr.Dataset(
        {
            "u": (("time", "y", "x"), u, {"standard_name": "eastward_sea_water_velocity"}),
            "v": (("time", "y", "x"), u * 0, {"standard_name": "northward_sea_water_velocity"}),
        },
        coords={
            "time": TIMES[:1],
            "x": ("x", x_km, {"units": "km"}),
            "y": ("y", y_km, {"units": "km"}),
        },
    )
    path = tmp_path / "p.nc"
    ds.to_netcdf(path)
    to_ll = pyproj.Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    lon, lat = to_ll.transform(7_500.0, 3_000.0)
    with GridReader(path, coords={"x": "x", "y": "y"}, crs=crs) as r:
        got = r.sample_strict(Quantity.CURRENT, T0, np.array([lat]), np.array([lon]))
    assert np.isclose(got.real[0], 0.75, atol=1e-4)


def test_bad_inputs_are_format_errors(tmp_path: Path) -> None:
    path = tmp_path / "c.nc"
    _current_ds(np.array([0.0, 5.0]), {"positive": "down"}).to_netcdf(path)
    with pytest.raises(ForcingFormatError, match="'nope'"):
        GridReader(path, variables={"eastward_sea_water_velocity": "nope"})
    with pytest.raises(ForcingFormatError, match="fill method"):
        GridReader(path, fill_method="median")  # type: ignore[arg-type]
    with pytest.raises(ForcingFormatError, match="invalid CRS"):
        GridReader(path, coords={"x": "lon", "y": "lat"}, crs="+proj=nonsense")
    junk = tmp_path / "junk.nc"
    junk.write_text("not a netcdf file")
    with pytest.raises(ForcingFormatError, match="cannot read"):
        GridReader(junk)


@pytest.mark.parametrize(
    "attrs",
    [
        {  # NorKyst-800
            "grid_mapping_name": "polar_stereographic",
            "scale_factor_at_projection_origin": 0.9330127018922193,
            "straight_vertical_longitude_from_pole": 70.0,
            "latitude_of_projection_origin": 90.0,
            "earth_radius": 6371000.0,
        },
        {  # AROME MetCoOp
            "grid_mapping_name": "lambert_conformal_conic",
            "standard_parallel": [63.0, 63.0],
            "longitude_of_central_meridian": 15.0,
            "latitude_of_projection_origin": 63.0,
            "earth_radius": 6371000.0,
        },
        {
            "grid_mapping_name": "transverse_mercator",
            "scale_factor_at_central_meridian": 0.9996,
            "longitude_of_central_meridian": 3.0,
            "latitude_of_projection_origin": 0.0,
            "false_easting": 500000.0,
            "semi_major_axis": 6378137.0,
            "inverse_flattening": 298.257223563,
        },
        {
            "grid_mapping_name": "mercator",
            "standard_parallel": 50.0,
            "longitude_of_projection_origin": 0.0,
        },
    ],
)
def test_cf_to_proj4_agrees_with_pyproj_from_cf(attrs: dict[str, object]) -> None:
    import pyproj

    from channelwatch.drift.forcing.projection import cf_to_proj4

    proj4 = cf_to_proj4(attrs)
    assert proj4 is not None
    ours = pyproj.Transformer.from_crs("EPSG:4326", proj4, always_xy=True)
    ref = pyproj.Transformer.from_crs("EPSG:4326", pyproj.CRS.from_cf(attrs), always_xy=True)
    lon = np.array([-2.0, 1.5, 4.5, 7.0])
    lat = np.array([49.0, 51.0, 59.6, 62.0])
    x1, y1 = ours.transform(lon, lat)
    x2, y2 = ref.transform(lon, lat)
    assert np.allclose(x1, x2, atol=1e-3) and np.allclose(y1, y2, atol=1e-3)


def test_unknown_grid_mapping_is_left_to_pyproj() -> None:
    from channelwatch.drift.forcing.projection import cf_to_proj4

    assert cf_to_proj4({"grid_mapping_name": "rotated_latitude_longitude"}) is None
