"""The search grid: square cells on a local transverse Mercator, and clouds binned onto it.

The grid is regular in metres (x east, y north) around a projection centre, so cell areas are
equal (to the projection's scale error, below 1.3e-4 within 100 km) and rectangles, patterns and
coverage are plain geometry. Arrays over the grid have shape (ny, nx), row = y index.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.ndimage import gaussian_filter

from channelwatch.geo import FloatArray, LocalProjection
from channelwatch.search.errors import SearchInputError

MAX_CELLS_PER_SIDE = 600  # keeps a map under 360k cells (a few MB per array)


@dataclass(frozen=True, slots=True)
class SearchGrid:
    """A regular grid of ``nx`` × ``ny`` square cells of side ``cell_m``; (x0, y0) = SW corner."""

    projection: LocalProjection
    x0_m: float
    y0_m: float
    cell_m: float
    nx: int
    ny: int

    def __post_init__(self) -> None:
        if not (self.cell_m > 0 and math.isfinite(self.cell_m)):
            raise SearchInputError(f"grid cell size must be > 0 m, got {self.cell_m!r}")
        if self.nx < 1 or self.ny < 1:
            raise SearchInputError(f"grid must have at least one cell, got {self.nx}×{self.ny}")

    @property
    def shape(self) -> tuple[int, int]:
        return (self.ny, self.nx)

    @property
    def cell_area_m2(self) -> float:
        return self.cell_m * self.cell_m

    @property
    def area_m2(self) -> float:
        return self.cell_area_m2 * self.nx * self.ny

    def centres_xy(self) -> tuple[FloatArray, FloatArray]:
        """Cell-centre coordinates, two (ny, nx) arrays of metres."""
        xs = self.x0_m + (np.arange(self.nx) + 0.5) * self.cell_m
        ys = self.y0_m + (np.arange(self.ny) + 0.5) * self.cell_m
        gx, gy = np.meshgrid(xs, ys)
        return gx, gy

    def centres_latlon(self) -> tuple[FloatArray, FloatArray]:
        gx, gy = self.centres_xy()
        return self.projection.to_latlon(gx, gy)

    def histogram(self, x_m: FloatArray, y_m: FloatArray, weight: FloatArray) -> FloatArray:
        """Sum of ``weight`` per cell (points outside the grid are dropped)."""
        ix = np.floor((x_m - self.x0_m) / self.cell_m).astype(np.int64)
        iy = np.floor((y_m - self.y0_m) / self.cell_m).astype(np.int64)
        inside = (ix >= 0) & (ix < self.nx) & (iy >= 0) & (iy < self.ny)
        flat = np.bincount(
            iy[inside] * self.nx + ix[inside], weights=weight[inside], minlength=self.nx * self.ny
        )
        return flat.reshape(self.ny, self.nx).astype(float)

    def cell_ring_lonlat(self, ix: int, iy: int) -> list[list[float]]:
        """The closed ring (lon, lat) of one cell, counter-clockwise, for GeoJSON."""
        x = self.x0_m + np.array([ix, ix + 1, ix + 1, ix, ix]) * self.cell_m
        y = self.y0_m + np.array([iy, iy, iy + 1, iy + 1, iy]) * self.cell_m
        lat, lon = self.projection.to_latlon(x, y)
        return [[round(float(a), 6), round(float(b), 6)] for a, b in zip(lon, lat, strict=True)]

    def to_dict(self) -> dict[str, Any]:
        return {
            "projection_centre": {
                "lat": self.projection.lat0_deg,
                "lon": self.projection.lon0_deg,
            },
            "x0_m": self.x0_m,
            "y0_m": self.y0_m,
            "cell_m": self.cell_m,
            "nx": self.nx,
            "ny": self.ny,
        }


def grid_covering(
    projection: LocalProjection,
    x_m: FloatArray,
    y_m: FloatArray,
    *,
    cell_m: float | None = None,
    margin_m: float = 2000.0,
    target_cells_per_side: int = 160,
) -> SearchGrid:
    """A grid over the bounding box of the points plus ``margin_m`` on every side.

    Without ``cell_m`` the cell is sized so the longer side has about ``target_cells_per_side``
    cells (rounded to 10 m, at least 50 m).
    """
    if x_m.size == 0:
        raise SearchInputError("no points to put a grid around")
    xmin, xmax = float(x_m.min()) - margin_m, float(x_m.max()) + margin_m
    ymin, ymax = float(y_m.min()) - margin_m, float(y_m.max()) + margin_m
    span = max(xmax - xmin, ymax - ymin)
    if cell_m is None:
        cell_m = max(50.0, round(span / target_cells_per_side / 10.0) * 10.0)
    if cell_m <= 0:
        raise SearchInputError(f"grid cell size must be > 0 m, got {cell_m!r}")
    nx = max(1, math.ceil((xmax - xmin) / cell_m))
    ny = max(1, math.ceil((ymax - ymin) / cell_m))
    if max(nx, ny) > MAX_CELLS_PER_SIDE:
        raise SearchInputError(
            f"grid of {cell_m:g} m cells would be {nx}×{ny}: above {MAX_CELLS_PER_SIDE} per "
            f"side; use a larger cell (at least {span / MAX_CELLS_PER_SIDE:.0f} m)"
        )
    # Centre the grid on the box so the margin is even on both sides.
    x0 = 0.5 * (xmin + xmax) - 0.5 * nx * cell_m
    y0 = 0.5 * (ymin + ymax) - 0.5 * ny * cell_m
    return SearchGrid(projection, x0, y0, float(cell_m), nx, ny)


def scott_bandwidth_m(sd_major_m: float, sd_minor_m: float, n_effective: float) -> float:
    """Scott's rule for a 2-D Gaussian kernel: h = σ · n^(-1/6), σ the mean axis SD."""
    sigma = math.sqrt(0.5 * (sd_major_m**2 + sd_minor_m**2))
    return sigma * n_effective ** (-1.0 / 6.0) if n_effective > 0 else 0.0


def smoothed_histogram(
    grid: SearchGrid, x_m: FloatArray, y_m: FloatArray, weight: FloatArray, bandwidth_m: float
) -> FloatArray:
    """Weights binned onto the grid, then smoothed by a Gaussian kernel of ``bandwidth_m``.

    Mass the kernel carries past the grid edge is lost (not folded back), so the sum is the
    probability the grid contains.
    """
    hist = grid.histogram(x_m, y_m, weight)
    sigma_cells = bandwidth_m / grid.cell_m
    if sigma_cells < 0.25:  # below a quarter cell the kernel changes nothing visible
        return hist
    out: FloatArray = gaussian_filter(hist, sigma=sigma_cells, mode="constant", truncate=4.0)
    return np.clip(out, 0.0, None)
