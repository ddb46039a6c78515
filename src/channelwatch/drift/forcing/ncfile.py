"""A small read-only view of a NetCDF file (netCDF4), shaped for the CF parsing in :mod:`.cf`.

Why not xarray: opening a file with xarray imports pandas, and the first ``isel`` imports
dask.array; together 2-5 s and 50 MB before any data is read, most of a drift run's budget.
netCDF4 (the library xarray itself reads NetCDF with) applies ``_FillValue``, ``scale_factor``
and ``add_offset`` the same way, reads one time slice at a time, and decodes CF times with
cftime. Data come back as float arrays with NaN where the file has fill values.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
import numpy.typing as npt

from channelwatch.drift.errors import ForcingFormatError

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class NcVar:
    """One variable: name, dimensions, attributes; data read on demand."""

    name: str
    dims: tuple[str, ...]
    shape: tuple[int, ...]
    attrs: Mapping[str, Any]
    _var: Any

    @property
    def ndim(self) -> int:
        return len(self.dims)

    def read(self, index: tuple[int | slice, ...] | None = None) -> FloatArray:
        """Values (all, or ``index``) as float64 with NaN for fill values."""
        data = self._var[...] if index is None else self._var[index]
        if np.ma.isMaskedArray(data):
            data = np.ma.filled(data.astype(np.float64), np.nan)
        return np.asarray(data, dtype=np.float64)

    def read_raw(self, index: tuple[int | slice, ...]) -> npt.NDArray[Any]:
        """Values of ``index`` as stored (after scaling), fill values as NaN, any float dtype."""
        data = self._var[index]
        if np.ma.isMaskedArray(data):
            if not np.issubdtype(data.dtype, np.floating):
                data = data.astype(np.float32)
            data = np.ma.filled(data, np.nan)
        return np.asarray(data)


class NcFile:
    """An open NetCDF file: its variables by name, its dimensions and their sizes."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        import netCDF4

        try:
            self._ds = netCDF4.Dataset(str(path), "r")
        except (OSError, RuntimeError, ValueError) as exc:
            raise ForcingFormatError(f"cannot read forcing file {str(path)!r}: {exc}") from None
        self._ds.set_auto_maskandscale(True)
        self.sizes: dict[str, int] = {k: len(v) for k, v in self._ds.dimensions.items()}
        self.variables: dict[str, NcVar] = {}
        for name, var in self._ds.variables.items():
            attrs = {k: var.getncattr(k) for k in var.ncattrs()}
            self.variables[name] = NcVar(
                str(name), tuple(var.dimensions), tuple(var.shape), attrs, var
            )

    def __getitem__(self, name: str) -> NcVar:
        return self.variables[name]

    def __contains__(self, name: object) -> bool:
        return name in self.variables

    def __iter__(self) -> Iterator[NcVar]:
        return iter(self.variables.values())

    def data_vars(self) -> list[NcVar]:
        """Variables that are not coordinate variables (a variable named after its only dim)."""
        return [v for v in self.variables.values() if not (v.ndim == 1 and v.dims[0] == v.name)]

    def close(self) -> None:
        self._ds.close()


def decode_times(var: NcVar) -> FloatArray:
    """Seconds since 1970-01-01T00Z of a CF time variable (``units: <unit> since <date>``)."""
    import netCDF4  # its num2date is cftime's

    units = str(var.attrs.get("units", ""))
    calendar = str(var.attrs.get("calendar", "standard"))
    values = var.read()
    if values.size == 0:
        return values
    try:
        dates = netCDF4.num2date(
            values,
            units,
            calendar=calendar,
            only_use_cftime_datetimes=False,
            only_use_python_datetimes=True,
        )
    except (ValueError, TypeError) as exc:
        raise ForcingFormatError(
            f"time axis {var.name!r} cannot be decoded (units {units!r}, calendar {calendar!r}): "
            f"{exc}"
        ) from None
    out = np.array(
        [
            (d if d.tzinfo else d.replace(tzinfo=UTC)).timestamp()
            for d in np.atleast_1d(np.asarray(dates, dtype=object))
            if isinstance(d, datetime)
        ],
        dtype=np.float64,
    )
    if out.size != values.size:
        raise ForcingFormatError(f"time axis {var.name!r} has gaps or non-dates")
    return out
