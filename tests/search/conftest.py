"""Fixtures of the search tests."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import netCDF4
import numpy as np
import pytest


def _write_opendrift_like(path: Path) -> None:
    """A tiny file in the CF trajectory layout OpenDrift writes: (trajectory, time), masked
    after deactivation, status with flag meanings."""
    n, nt = 5, 3
    with netCDF4.Dataset(str(path), "w") as ds:
        ds.createDimension("trajectory", n)
        ds.createDimension("time", nt)
        t = ds.createVariable("time", "f8", ("time",))
        t.units = "seconds since 1970-01-01 00:00:00"
        t.standard_name = "time"
        base = datetime(2024, 9, 3, 4, tzinfo=UTC).timestamp()
        t[:] = base + 3600.0 * np.arange(nt)
        lat = ds.createVariable("lat", "f4", ("trajectory", "time"), fill_value=np.float32(1e36))
        lon = ds.createVariable("lon", "f4", ("trajectory", "time"), fill_value=np.float32(1e36))
        st = ds.createVariable("status", "i4", ("trajectory", "time"), fill_value=-2147483647)
        st.flag_values = np.array([0, 1, 2], dtype=np.int32)
        st.flag_meanings = "active stranded missing_data"
        la = np.ma.masked_all((n, nt))
        lo = np.ma.masked_all((n, nt))
        ss = np.ma.masked_all((n, nt), dtype=np.int32)
        for i in range(n):
            la[i] = 50.9 + 0.01 * i + 0.001 * np.arange(nt)
            lo[i] = 1.5 + 0.01 * i
            ss[i] = 0
        # particle 3 strands at t=1 (then masked); particle 4 leaves the forcing at t=2
        ss[3, 1] = 1
        la[3, 2] = np.ma.masked
        lo[3, 2] = np.ma.masked
        ss[3, 2] = np.ma.masked
        ss[4, 2] = 2
        lat[:] = la
        lon[:] = lo
        st[:] = ss


@pytest.fixture()
def opendrift_like_file(tmp_path: Path) -> Path:
    path = tmp_path / "drift.nc"
    _write_opendrift_like(path)
    return path
