"""Forcing readers: gridded CF NetCDF files and constants, answering "vector at (t, lat, lon)".

A :class:`GridReader` opens one file (with netCDF4, see :mod:`.ncfile`) and serves the
quantities it holds (10 m wind, surface current) as east/north components in m/s, interpolated
linearly in space (bilinear on the grid) and in time (between the two bracketing time slices).
Only the time slices in use are read; each is read once, extended a few cells into masked land
(see :mod:`.fill`), turned to east/north if its components are grid-relative, and kept as
``complex64``.

A :class:`ConstantReader` gives one vector everywhere and always: the fallback of last resort.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np
import numpy.typing as npt

from channelwatch.drift.errors import (
    ForcingFormatError,
    OutsidePositionCoverageError,
    OutsideTimeCoverageError,
)
from channelwatch.drift.forcing.cf import (
    Quantity,
    VectorSpec,
    find_vector,
    horizontal_grid,
    vector_spec,
)
from channelwatch.drift.forcing.fill import DEFAULT_FILL_RINGS, FillMethod, FillPlan, nan_mask
from channelwatch.drift.forcing.grid import Locator
from channelwatch.drift.forcing.interp import bilinear, pad, valid
from channelwatch.drift.forcing.ncfile import NcFile

FloatArray = npt.NDArray[np.float64]
Complex64Array = npt.NDArray[np.complex64]
BoolArray = npt.NDArray[np.bool_]

_CACHED_SLICES = 3
# values beyond this are fill values that escaped the file's _FillValue (m/s)
_IMPLAUSIBLE_MS = 1.0e3


class Reader(Protocol):
    """What the drift model asks of any forcing source."""

    @property
    def name(self) -> str: ...

    @property
    def quantities(self) -> frozenset[Quantity]: ...

    def time_span(self, quantity: Quantity) -> tuple[float, float]:
        """First and last time covered, seconds since 1970 (±inf when always valid)."""
        ...

    def covers_time(self, quantity: Quantity, t_s: float) -> bool: ...

    def sample(
        self, quantity: Quantity, t_s: float, lat: FloatArray, lon: FloatArray
    ) -> tuple[Complex64Array, BoolArray]:
        """East + 1j·north in m/s at the positions, and where that value is valid."""
        ...


@dataclass(frozen=True, slots=True)
class ConstantReader:
    """One (east, north) vector per quantity, everywhere and at all times."""

    values: Mapping[Quantity, tuple[float, float]]
    name: str = "constant"

    @property
    def quantities(self) -> frozenset[Quantity]:
        return frozenset(self.values)

    def time_span(self, quantity: Quantity) -> tuple[float, float]:
        return (-np.inf, np.inf)

    def covers_time(self, quantity: Quantity, t_s: float) -> bool:
        return quantity in self.values

    def sample(
        self, quantity: Quantity, t_s: float, lat: FloatArray, lon: FloatArray
    ) -> tuple[Complex64Array, BoolArray]:
        e, n = self.values[quantity]
        out = np.full(np.shape(lat), np.complex64(complex(e, n)), dtype=np.complex64)
        return out, np.ones(np.shape(lat), dtype=bool)


class GridReader:
    """One gridded NetCDF forcing file (CF conventions), read one time slice at a time.

    Parameters:
        path: the NetCDF file.
        variables: standard name → variable name, for files without ``standard_name`` attributes
            (e.g. ``{"eastward_wind": "UWND", "northward_wind": "VWND"}``). Components named
            ``x_…``/``y_…`` are grid-relative and are turned to east/north.
        coords: names of the horizontal coordinates when the file does not make them clear:
            ``{"lon": "glamt", "lat": "gphit"}`` (2-D) or ``{"x": "X", "y": "Y"}`` (1-D).
        crs: the projection of 1-D ``x``/``y`` axes when the file has no ``grid_mapping``.
        fill_rings: how many cells masked (land) values are extended by.
        fill_method: ``"mean"`` of the valid neighbours, or ``"max"`` (OpenDrift's way).
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        variables: Mapping[str, str] | None = None,
        coords: Mapping[str, str] | None = None,
        crs: str | None = None,
        fill_rings: int = DEFAULT_FILL_RINGS,
        fill_method: FillMethod = "mean",
        name: str | None = None,
    ) -> None:
        self.path = Path(path)
        self.name = name or self.path.name
        self._fill_rings = int(fill_rings)
        if fill_method not in ("mean", "max"):
            raise ForcingFormatError(f"unknown fill method {fill_method!r}: use 'mean' or 'max'")
        self._fill_method: FillMethod = fill_method
        self._fill_plans: dict[Quantity, FillPlan] = {}
        if not self.path.is_file():
            raise ForcingFormatError(f"forcing file not found: {str(self.path)!r}")
        self._ds = NcFile(self.path)
        try:
            self._init(variables, coords, crs)
        except BaseException:
            self._ds.close()
            raise

    def _init(
        self,
        variables: Mapping[str, str] | None,
        coords: Mapping[str, str] | None,
        crs: str | None,
    ) -> None:
        self._specs: dict[Quantity, VectorSpec] = {}
        self._times: dict[Quantity, FloatArray] = {}
        self._locators: dict[Quantity, Locator] = {}
        self._rotation: dict[Quantity, tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]] = {}
        grids: dict[tuple[str, str], tuple[Locator, tuple[str, str]]] = {}
        for q in Quantity:
            names = find_vector(self._ds, q, variables)
            if names is None:
                continue
            dims = self._ds[names[0]].dims
            key = (dims[-2], dims[-1]) if len(dims) >= 2 else (dims[0], dims[0])
            if key not in grids:
                grids[key] = horizontal_grid(self._ds, names[0], coords, crs)
            locator, yx = grids[key]
            spec, times = vector_spec(self._ds, q, names, yx)
            self._specs[q] = spec
            self._times[q] = times
            self._locators[q] = locator
            if spec.grid_relative:
                bearing = np.radians(locator.y_axis_bearing_deg())
                self._rotation[q] = (
                    np.cos(bearing).astype(np.float32),
                    np.sin(bearing).astype(np.float32),
                )
        if not self._specs:
            found = sorted(
                f"{v.name} ({v.attrs.get('standard_name', 'no standard_name')})"
                for v in self._ds.data_vars()
            )
            raise ForcingFormatError(
                f"{str(self.path)!r} holds no wind (eastward_wind/northward_wind or x_wind/y_wind) "
                f"nor current (eastward_/x_sea_water_velocity ...) by standard name; variables: "
                f"{', '.join(found)}; map them with variables={{standard_name: name}}"
            )
        self._slices: dict[Quantity, dict[int, Complex64Array]] = {q: {} for q in self._specs}
        self._blend: dict[Quantity, tuple[float, Complex64Array]] = {}

    # -- description ------------------------------------------------------------------------
    @property
    def quantities(self) -> frozenset[Quantity]:
        return frozenset(self._specs)

    def spec(self, quantity: Quantity) -> VectorSpec:
        return self._specs[quantity]

    def locator(self, quantity: Quantity) -> Locator:
        return self._locators[quantity]

    def times_s(self, quantity: Quantity) -> FloatArray:
        return self._times[quantity]

    def time_span(self, quantity: Quantity) -> tuple[float, float]:
        t = self._times[quantity]
        if t.size == 0:
            return (-np.inf, np.inf)
        return (float(t[0]), float(t[-1]))

    def covers_time(self, quantity: Quantity, t_s: float) -> bool:
        if quantity not in self._specs:
            return False
        t0, t1 = self.time_span(quantity)
        return t0 <= t_s <= t1

    # -- data ------------------------------------------------------------------------------
    def _read_slice(self, quantity: Quantity, index_t: int | None) -> Complex64Array:
        spec = self._specs[quantity]

        def component(name: str) -> npt.NDArray[np.float32]:
            var = self._ds[name]
            index = spec.index(var.dims, index_t)
            arr = np.asarray(var.read_raw(index), dtype=np.float32)
            kept = [d for d, i in zip(var.dims, index, strict=True) if isinstance(i, slice)]
            if kept == [spec.x_dim, spec.y_dim]:
                arr = arr.T
            with np.errstate(invalid="ignore"):
                arr = np.where(np.abs(arr) < _IMPLAUSIBLE_MS, arr, np.float32(np.nan))
            return (arr * np.float32(spec.factor)).astype(np.float32)

        raw = (component(spec.x_name) + 1j * component(spec.y_name)).astype(np.complex64)
        if self._fill_rings > 0:
            # fill the components as stored (grid-relative), as OpenDrift does, then turn them
            mask = nan_mask(raw)
            plan = self._fill_plans.get(quantity)
            if plan is None or not np.array_equal(plan.mask, mask):
                plan = FillPlan.build(mask, self._fill_rings)
                self._fill_plans[quantity] = plan
            raw = plan.apply(raw, self._fill_method)
        if spec.grid_relative:
            cos_b, sin_b = self._rotation[quantity]
            gx, gy = raw.real, raw.imag
            # y axis at bearing b: east = gx·cos b + gy·sin b, north = gy·cos b - gx·sin b
            field = ((gx * cos_b + gy * sin_b) + 1j * (gy * cos_b - gx * sin_b)).astype(
                np.complex64
            )
        else:
            field = raw
        return pad(field)

    def _slice(self, quantity: Quantity, index: int, keep: set[int]) -> Complex64Array:
        cache = self._slices[quantity]
        field = cache.pop(index, None)
        if field is None:
            field = self._read_slice(quantity, index)
        cache[index] = field  # most recently used last
        # the bracketing slices and, memory allowing, one more (a second-order step samples the
        # next bracket too); the least recently used go first
        for old in [k for k in cache if k not in keep][: max(len(cache) - _CACHED_SLICES, 0)]:
            del cache[old]
        return field

    def field_at(self, quantity: Quantity, t_s: float) -> Complex64Array:
        """The flattened east+1j·north field at time ``t_s``, linear in time between slices."""
        cached = self._blend.get(quantity)
        if cached is not None and cached[0] == t_s:
            return cached[1]
        times = self._times[quantity]
        if times.size == 0:
            field = self._static(quantity)
        else:
            if not (times[0] <= t_s <= times[-1]):
                raise OutsideTimeCoverageError(
                    f"time {_iso(t_s)} is outside {self.name!r} ({_iso(times[0])} to "
                    f"{_iso(times[-1])})"
                )
            i = int(np.searchsorted(times, t_s, side="right")) - 1
            i = min(max(i, 0), max(times.size - 2, 0))
            if times.size == 1 or t_s == times[i]:
                field = self._slice(quantity, i, {i, i + 1})
            else:
                w = np.float32((t_s - times[i]) / (times[i + 1] - times[i]))
                a = self._slice(quantity, i, {i, i + 1})
                b = self._slice(quantity, i + 1, {i, i + 1})
                field = (a + w * (b - a)).astype(np.complex64)
        self._blend[quantity] = (t_s, field)
        return field

    def _static(self, quantity: Quantity) -> Complex64Array:
        cache = self._slices[quantity]
        if 0 not in cache:
            cache[0] = self._read_slice(quantity, None)
        return cache[0]

    def sample(
        self, quantity: Quantity, t_s: float, lat: FloatArray, lon: FloatArray
    ) -> tuple[Complex64Array, BoolArray]:
        field = self.field_at(quantity, t_s)
        locator = self._locators[quantity]
        nrows, ncols = locator.shape
        fi, fj = locator.locate(np.asarray(lat, np.float64), np.asarray(lon, np.float64))
        values, _inside = bilinear(field, ncols, nrows, fi, fj)
        return values, valid(values)

    def sample_strict(
        self, quantity: Quantity, t_s: float, lat: FloatArray, lon: FloatArray
    ) -> Complex64Array:
        """Like :meth:`sample`, but a position without a value raises an error naming it."""
        values, ok = self.sample(quantity, t_s, lat, lon)
        if not ok.all():
            k = int(np.flatnonzero(~ok)[0])
            raise OutsidePositionCoverageError(
                f"position lat={float(np.ravel(lat)[k]):.5f} lon={float(np.ravel(lon)[k]):.5f} "
                f"has no {quantity.value} in {self.name!r} (outside the grid or on land)"
            )
        return values

    def close(self) -> None:
        self._ds.close()

    def __enter__(self) -> GridReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"GridReader({self.name!r}, {sorted(q.value for q in self.quantities)})"


def _iso(t_s: float) -> str:
    from datetime import UTC, datetime

    return datetime.fromtimestamp(float(t_s), UTC).isoformat().replace("+00:00", "Z")
