"""The probability map: probability of containment (POC) per cell for a weighted mixture of
scenarios. Each scenario's cloud is binned and kernel-smoothed onto the grid on its own, land
cells (if a sea mask is given) are emptied and their mass handed back to the scenario's sea
cells, then the scenarios are mixed by weight. The map's sum is the probability the grid holds:
what the kernel carried past the edge is reported, not hidden.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from channelwatch.geo import FloatArray, LocalProjection
from channelwatch.search.datum import CloudSummary, principal_axes, summarise_cloud
from channelwatch.search.errors import SearchInputError
from channelwatch.search.grid import SearchGrid, scott_bandwidth_m, smoothed_histogram
from channelwatch.search.scenario import Cloud


@dataclass(frozen=True, slots=True, eq=False)
class ProbabilityMap:
    grid: SearchGrid
    p: FloatArray  # mixture POC per cell, shape (ny, nx)
    scenario_ids: tuple[str, ...]
    scenario_weights: tuple[float, ...]  # normalised to sum 1
    scenario_p: tuple[FloatArray, ...]  # each scenario's own POC map
    bandwidths_m: tuple[float, ...]
    land_mass_moved: float  # mixture mass the kernel had put on land, moved back to sea

    @property
    def contained(self) -> float:
        """Probability the grid contains the object (1 − what fell past the edge)."""
        return float(self.p.sum())


def mixture_weights(clouds: Sequence[Cloud]) -> FloatArray:
    w = np.array([c.weight for c in clouds], float)
    if w.size == 0 or not np.all(w > 0):
        raise SearchInputError("scenario weights must all be > 0")
    out: FloatArray = w / w.sum()
    return out


def cloud_xy(cloud: Cloud, projection: LocalProjection) -> tuple[FloatArray, FloatArray]:
    return projection.to_xy(cloud.lat, cloud.lon)


def build_probability_map(
    grid: SearchGrid,
    clouds: Sequence[Cloud],
    *,
    sea_mask: FloatArray | None = None,
    bandwidths_m: Sequence[float] | None = None,
) -> ProbabilityMap:
    """POC per cell of the weighted mixture of ``clouds``.

    ``sea_mask`` (shape (ny, nx), 1 at sea, 0 on land) empties land cells; ``bandwidths_m``
    overrides Scott's rule per scenario (0 = plain binning).
    """
    weights = mixture_weights(clouds)
    if sea_mask is not None and sea_mask.shape != grid.shape:
        raise SearchInputError(f"sea mask shape {sea_mask.shape} is not the grid's {grid.shape}")
    if bandwidths_m is not None and len(bandwidths_m) != len(clouds):
        raise SearchInputError("one bandwidth per scenario is needed")
    maps: list[FloatArray] = []
    bws: list[float] = []
    land_moved = 0.0
    for k, cloud in enumerate(clouds):
        x, y = cloud_xy(cloud, grid.projection)
        w = cloud.particle_weight / cloud.particle_weight.sum()
        if bandwidths_m is None:
            _, _, sd1, sd2, _ = principal_axes(x, y, w)
            n_eff = 1.0 / float((w * w).sum())
            bw = scott_bandwidth_m(sd1, sd2, n_eff)
        else:
            bw = float(bandwidths_m[k])
        pk = smoothed_histogram(grid, x, y, w, bw)
        if sea_mask is not None:
            total = float(pk.sum())
            at_sea = pk * sea_mask
            sea_total = float(at_sea.sum())
            land_moved += weights[k] * (total - sea_total)
            pk = at_sea * (total / sea_total) if sea_total > 0 else at_sea
        maps.append(pk)
        bws.append(bw)
    mix = np.zeros(grid.shape)
    for wk, pk in zip(weights, maps, strict=True):
        mix += wk * pk
    return ProbabilityMap(
        grid=grid,
        p=mix,
        scenario_ids=tuple(c.scenario_id for c in clouds),
        scenario_weights=tuple(float(v) for v in weights),
        scenario_p=tuple(maps),
        bandwidths_m=tuple(bws),
        land_mass_moved=float(land_moved),
    )


def summarise_scenarios(
    clouds: Sequence[Cloud], projection: LocalProjection
) -> tuple[list[CloudSummary], CloudSummary]:
    """Datum and probable error of each scenario, and of the weighted mixture."""
    weights = mixture_weights(clouds)
    each = [
        summarise_cloud(c.lat, c.lon, c.particle_weight / c.particle_weight.sum(), projection)
        for c in clouds
    ]
    lat = np.concatenate([c.lat for c in clouds])
    lon = np.concatenate([c.lon for c in clouds])
    w = np.concatenate(
        [
            wk * c.particle_weight / c.particle_weight.sum()
            for wk, c in zip(weights, clouds, strict=True)
        ]
    )
    return each, summarise_cloud(lat, lon, w, projection)


def map_to_dict(pmap: ProbabilityMap) -> dict[str, Any]:
    return {
        "contained": round(pmap.contained, 6),
        "land_mass_moved": round(pmap.land_mass_moved, 6),
        "bandwidths_m": [round(b, 1) for b in pmap.bandwidths_m],
        "grid": pmap.grid.to_dict(),
    }
