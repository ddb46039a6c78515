"""Forcing readers on the real files: NorKyst-800 (polar stereographic currents), AROME (Lambert
conformal winds) and the metocean files (curvilinear NEMO, regular lon/lat Navy winds)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from channelwatch.drift import (
    ConstantReader,
    Forcing,
    ForcingFormatError,
    GridReader,
    OutsidePositionCoverageError,
    OutsideTimeCoverageError,
    Quantity,
)
from channelwatch.drift.forcing.grid import CurvilinearLocator, LonLatLocator, ProjectedLocator
from channelwatch.errors import InputError
from channelwatch.geo import bearing_deg

T0 = datetime(2015, 11, 16, tzinfo=UTC).timestamp()


@pytest.fixture(scope="module")
def norway(shared_data: Path) -> Path:
    return shared_data / "drift" / "norkyst_arome_16nov2015"


@pytest.fixture(scope="module")
def norkyst(norway: Path) -> GridReader:
    return GridReader(norway / "norkyst800_subset_16Nov2015.nc")


@pytest.fixture(scope="module")
def arome(norway: Path) -> GridReader:
    return GridReader(norway / "arome_subset_16Nov2015.nc")


def test_readers_find_quantities_projections_and_times(
    norkyst: GridReader, arome: GridReader
) -> None:
    assert norkyst.quantities == {Quantity.CURRENT}
    assert arome.quantities == {Quantity.WIND}
    assert norkyst.spec(Quantity.CURRENT).grid_relative
    assert arome.spec(Quantity.WIND).grid_relative
    loc_c = norkyst.locator(Quantity.CURRENT)
    loc_w = arome.locator(Quantity.WIND)
    assert isinstance(loc_c, ProjectedLocator) and isinstance(loc_w, ProjectedLocator)
    assert "+proj=stere" in loc_c.crs.srs and "+proj=lcc" in loc_w.crs.srs
    assert loc_c.shape == (201, 301) and loc_w.shape == (151, 81)
    for r, q in ((norkyst, Quantity.CURRENT), (arome, Quantity.WIND)):
        t0, t1 = r.time_span(q)
        assert t0 == T0 and (t1 - t0) == 66 * 3600


def test_index_table_matches_pyproj(norkyst: GridReader, arome: GridReader) -> None:
    rng = np.random.default_rng(0)
    lat = rng.uniform(59.5, 61.5, 5000)
    lon = rng.uniform(3.0, 6.5, 5000)
    for r, q in ((norkyst, Quantity.CURRENT), (arome, Quantity.WIND)):
        loc = r.locator(q)
        assert isinstance(loc, ProjectedLocator)
        fi, fj = loc.locate(lat, lon)
        ei, ej = loc.locate_exact(lat, lon)
        nrows, ncols = loc.shape
        inside = (ei >= 0) & (ei <= ncols - 1) & (ej >= 0) & (ej <= nrows - 1)
        assert inside.sum() > 1000
        # a thousandth of a cell: under a metre on these grids
        assert np.abs(fi[inside] - ei[inside]).max() < 1e-3
        assert np.abs(fj[inside] - ej[inside]).max() < 1e-3


def test_arome_projection_agrees_with_the_files_own_coordinates(
    norway: Path, arome: GridReader
) -> None:
    with xr.open_dataset(norway / "arome_subset_16Nov2015.nc") as ds:
        lat2 = ds["latitude"].values
        lon2 = ds["longitude"].values
    loc = arome.locator(Quantity.WIND)
    jj, ii = np.mgrid[0:151:10, 0:81:10]
    fi, fj = loc.locate(lat2[jj, ii].ravel(), lon2[jj, ii].ravel())
    assert np.allclose(fi, ii.ravel(), atol=2e-3) and np.allclose(fj, jj.ravel(), atol=2e-3)
    # the grid's y axis, from the file's own coordinates, is where the rotation says it is
    brg = loc.y_axis_bearing_deg()
    ref = bearing_deg(lat2[:-1, :], lon2[:-1, :], lat2[1:, :], lon2[1:, :])
    diff = (brg[:-1, :] - ref + 180.0) % 360.0 - 180.0
    assert np.abs(diff).max() < 0.05  # degrees (finite difference over a 2.5 km cell)


def test_polar_stereographic_rotation_is_the_longitude_difference(norkyst: GridReader) -> None:
    # on a north polar stereographic grid the y axis points to bearing (lon - lon_0)
    loc = norkyst.locator(Quantity.CURRENT)
    assert isinstance(loc, ProjectedLocator)
    gx, gy = np.meshgrid(loc.x_axis[::50], loc.y_axis[::50])
    lon, _lat = loc._to_lonlat.transform(gx, gy)
    expected = np.mod(lon - 70.0, 360.0)
    got = loc.y_axis_bearing_deg()[::50, ::50]
    assert np.abs((got - expected + 180) % 360 - 180).max() < 1e-3


def test_values_at_nodes_are_the_files_vectors_turned(norway: Path, norkyst: GridReader) -> None:
    reader = GridReader(norway / "norkyst800_subset_16Nov2015.nc", fill_rings=0)
    loc = reader.locator(Quantity.CURRENT)
    assert isinstance(loc, ProjectedLocator)
    with xr.open_dataset(norway / "norkyst800_subset_16Nov2015.nc") as ds:
        u = ds["u"].isel(time=5, depth=0).values
        v = ds["v"].isel(time=5, depth=0).values
    j, i = 120, 100
    assert np.isfinite(u[j, i])
    lon, lat = loc._to_lonlat.transform(loc.x_axis[i], loc.y_axis[j])
    b = np.radians(lon - 70.0)
    east = u[j, i] * np.cos(b) + v[j, i] * np.sin(b)
    north = -u[j, i] * np.sin(b) + v[j, i] * np.cos(b)
    got = reader.sample_strict(Quantity.CURRENT, T0 + 5 * 3600, np.array([lat]), np.array([lon]))
    assert np.isclose(got.real[0], east, atol=1e-4) and np.isclose(got.imag[0], north, atol=1e-4)
    # linear in time: half-way between two hours is the mean of the two
    a = reader.sample_strict(Quantity.CURRENT, T0 + 5 * 3600, np.array([lat]), np.array([lon]))
    c = reader.sample_strict(Quantity.CURRENT, T0 + 6 * 3600, np.array([lat]), np.array([lon]))
    m = reader.sample_strict(Quantity.CURRENT, T0 + 5.5 * 3600, np.array([lat]), np.array([lon]))
    assert np.allclose(m, (a + c) / 2, atol=1e-5)


def test_land_cells_are_filled_near_the_coast_only(norway: Path) -> None:
    with xr.open_dataset(norway / "norkyst800_subset_16Nov2015.nc") as ds:
        # a cell is masked when either component is (u and v masks differ on ROMS grids)
        land = np.isnan(ds["u"].isel(time=0, depth=0).values)
        land |= np.isnan(ds["v"].isel(time=0, depth=0).values)
    raw = GridReader(norway / "norkyst800_subset_16Nov2015.nc", fill_rings=0)
    filled = GridReader(norway / "norkyst800_subset_16Nov2015.nc", fill_rings=3)
    loc = raw.locator(Quantity.CURRENT)
    assert isinstance(loc, ProjectedLocator)
    from scipy.ndimage import distance_transform_cdt

    depth = distance_transform_cdt(land, metric="chessboard")  # cells to the nearest wet cell
    from scipy.ndimage import maximum_filter

    # land nodes 2 cells inland whose neighbours are all within the 3 filled rings (a node's
    # interpolation may touch its neighbours by rounding), away from the grid's edge
    interior = np.zeros_like(land)
    interior[1:-1, 1:-1] = True
    jj, ii = np.nonzero((depth == 2) & (maximum_filter(depth, size=3) <= 3) & interior)
    far_j, far_i = np.nonzero(depth >= 6)
    lon, lat = loc._to_lonlat.transform(loc.x_axis[ii[:50]], loc.y_axis[jj[:50]])
    flon, flat = loc._to_lonlat.transform(loc.x_axis[far_i[:50]], loc.y_axis[far_j[:50]])
    _, ok_raw = raw.sample(Quantity.CURRENT, T0, lat, lon)
    _, ok_fill = filled.sample(Quantity.CURRENT, T0, lat, lon)
    _, ok_far = filled.sample(Quantity.CURRENT, T0, flat, flon)
    assert not ok_raw.any() and ok_fill.all() and not ok_far.any()


def test_outside_coverage_is_typed(norkyst: GridReader) -> None:
    lat = np.array([60.0, 50.0])
    lon = np.array([4.0, 1.0])  # the second is far outside the grid
    values, ok = norkyst.sample(Quantity.CURRENT, T0, lat, lon)
    assert ok.tolist() == [True, False] and np.isnan(values[1])
    with pytest.raises(OutsidePositionCoverageError, match=r"lat=50\.00000"):
        norkyst.sample_strict(Quantity.CURRENT, T0, lat, lon)
    with pytest.raises(OutsideTimeCoverageError, match="2015-11-15T23:00:00Z") as info:
        norkyst.sample(Quantity.CURRENT, T0 - 3600, lat, lon)
    assert isinstance(info.value, InputError)


def test_priority_and_fallback(norkyst: GridReader) -> None:
    lat = np.array([60.0, 50.0])
    lon = np.array([4.0, 1.0])
    forcing = Forcing.build(current=[norkyst], current_fallback_ms=(0.5, -0.25))
    values, ok = forcing.sample(Quantity.CURRENT, T0, lat, lon)
    direct, _ = norkyst.sample(Quantity.CURRENT, T0, lat[:1], lon[:1])
    assert ok.all()
    assert values[0] == direct[0] and values[1] == np.complex64(0.5 - 0.25j)
    # a constant reader first takes everything
    first = Forcing.build(current=[ConstantReader({Quantity.CURRENT: (1.0, 0.0)}), norkyst])
    assert np.all(first.sample(Quantity.CURRENT, T0, lat, lon)[0] == np.complex64(1.0))
    # no wind reader at all: the time check names the quantity
    with pytest.raises(OutsideTimeCoverageError, match="wind"):
        forcing.sample(Quantity.WIND, T0, lat, lon)


def test_nemo_curvilinear_currents(shared_data: Path) -> None:
    path = shared_data / "metocean" / "nemo_orca025_n006_surface_jan2000_channel.nc"
    with pytest.raises(ForcingFormatError, match="uos"):
        GridReader(path)  # no standard names: the error lists what is there
    r = GridReader(
        path,
        variables={"x_sea_water_velocity": "uos", "y_sea_water_velocity": "vos"},
        coords={"lon": "glamt", "lat": "gphit"},
    )
    loc = r.locator(Quantity.CURRENT)
    assert isinstance(loc, CurvilinearLocator)
    with xr.open_dataset(path) as ds:
        lat2 = ds["gphit"].values
        lon2 = ds["glamt"].values
        t_mid = ds["time_counter"].values[2].astype("datetime64[s]").astype(float)
    jj, ii = np.mgrid[2:29:4, 2:28:4]
    fi, fj = loc.locate(lat2[jj, ii].ravel(), lon2[jj, ii].ravel())
    assert np.allclose(fi, ii.ravel(), atol=0.02) and np.allclose(fj, jj.ravel(), atol=0.02)
    # Dover Strait, mid-channel: a finite surface current of sensible size
    v, ok = r.sample(Quantity.CURRENT, float(t_mid), np.array([51.0]), np.array([1.45]))
    assert ok[0] and 0.0 < abs(v[0]) < 1.5


def test_navy_winds_regular_lonlat(shared_data: Path) -> None:
    path = shared_data / "metocean" / "monthly_navy_winds_channel_coarse.nc"
    r = GridReader(path, variables={"eastward_wind": "UWND", "northward_wind": "VWND"})
    assert isinstance(r.locator(Quantity.WIND), LonLatLocator)
    assert not r.spec(Quantity.WIND).grid_relative
    with xr.open_dataset(path) as ds:
        t = float(ds["TIME"].values[7].astype("datetime64[s]").astype(float))
        expected = ds["UWND"].values[7, 1, 2] + 1j * ds["VWND"].values[7, 1, 2]
        lat, lon = float(ds["FNOCY"].values[1]), float(ds["FNOCX"].values[2])
    got = r.sample_strict(Quantity.WIND, t, np.array([lat]), np.array([lon]))
    assert np.isclose(got[0], expected, atol=1e-5)


def test_undecodable_time_is_a_format_error(shared_data: Path) -> None:
    path = shared_data / "metocean" / "coads_climatology_channel_coarse.nc"
    with pytest.raises(ForcingFormatError) as info:
        GridReader(path, variables={"eastward_wind": "UWND", "northward_wind": "VWND"})
    assert isinstance(info.value, InputError)


def test_missing_file_is_a_format_error(tmp_path: Path) -> None:
    with pytest.raises(ForcingFormatError, match="not found"):
        GridReader(tmp_path / "nope.nc")
