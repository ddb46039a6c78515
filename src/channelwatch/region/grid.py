"""The regular lon/lat grid on which the region's layers are indexed."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]
B = npt.NDArray[np.bool_]


@dataclass(frozen=True, slots=True)
class Grid:
    lon0: float
    lat0: float
    dlon: float
    dlat: float
    nx: int
    ny: int

    @classmethod
    def over(cls, bbox: tuple[float, float, float, float], cell: tuple[float, float]) -> Grid:
        lon0, lat0, lon1, lat1 = bbox
        nx = int(np.ceil((lon1 - lon0) / cell[0] - 1e-9))
        ny = int(np.ceil((lat1 - lat0) / cell[1] - 1e-9))
        return cls(lon0, lat0, cell[0], cell[1], nx, ny)

    @property
    def size(self) -> int:
        return self.nx * self.ny

    def cell_of(self, lon: F64, lat: F64) -> tuple[I64, B]:
        """Flat cell index of each point, and whether the point lies on the grid at all.

        Points off the grid get index 0 and ``False``; callers mask them."""
        fi = (lon - self.lon0) / self.dlon
        fj = (lat - self.lat0) / self.dlat
        ok = (fi >= 0) & (fj >= 0) & (fi <= self.nx) & (fj <= self.ny)
        i = np.clip(fi.astype(np.int64), 0, self.nx - 1)
        j = np.clip(fj.astype(np.int64), 0, self.ny - 1)
        return np.where(ok, j * self.nx + i, 0), ok

    def cell_bounds(self) -> tuple[F64, F64, F64, F64]:
        """(lon_min, lat_min, lon_max, lat_max) of every cell, flat order."""
        j, i = np.divmod(np.arange(self.size, dtype=np.int64), self.nx)
        x0 = self.lon0 + i * self.dlon
        y0 = self.lat0 + j * self.dlat
        return x0, y0, x0 + self.dlon, y0 + self.dlat

    def nodes(self) -> tuple[F64, F64]:
        """(lon, lat) of the (ny+1) x (nx+1) cell corners, flat order."""
        jj, ii = np.divmod(np.arange((self.nx + 1) * (self.ny + 1), dtype=np.int64), self.nx + 1)
        return self.lon0 + ii * self.dlon, self.lat0 + jj * self.dlat

    def corner_nodes(self) -> I64:
        """Node indices of the four corners of every cell, shape (size, 4)."""
        j, i = np.divmod(np.arange(self.size, dtype=np.int64), self.nx)
        n00 = j * (self.nx + 1) + i
        return np.stack([n00, n00 + 1, n00 + self.nx + 1, n00 + self.nx + 2], axis=1)
