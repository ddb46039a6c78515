"""Back-tracking summaries: which known sites the backward cloud's stranded particles reach.

A backward run (``run_leeway(..., backward=True)``) strands a particle where, going back in
time, it meets the coast: under that particle's hypothesis the object left from there. Grouping
those points by the nearest known site (for the Channel, the region model's embarkation
beaches) gives each site's share of the ensemble. The core takes plain numbers; the CLI looks the
sites up in the region model.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np
import numpy.typing as npt

from channelwatch.drift.result import DriftResult, ParticleStatus
from channelwatch.geo import haversine_m

DEFAULT_SITE_RADIUS_KM = 3.0


@dataclass(frozen=True, slots=True)
class Site:
    """A named place on the coast (a beach, a harbour)."""

    name: str
    country: str
    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class OriginShare:
    """How many particles of a backward run reached the coast near one site."""

    name: str
    country: str
    n: int
    share: float  # of all particles of the run
    median_distance_km: float

    def to_dict(self) -> dict[str, str | int | float]:
        return asdict(self)


def origins_by_site(
    lat: npt.ArrayLike,
    lon: npt.ArrayLike,
    n_total: int,
    sites: Sequence[Site],
    radius_km: float = DEFAULT_SITE_RADIUS_KM,
) -> list[OriginShare]:
    """Assign each coastal point to the nearest site within ``radius_km``; largest share first."""
    la = np.asarray(lat, np.float64).ravel()
    lo = np.asarray(lon, np.float64).ravel()
    if la.size == 0 or not sites or n_total < 1:
        return []
    s_lat = np.array([s.lat for s in sites])
    s_lon = np.array([s.lon for s in sites])
    dist_km = np.asarray(haversine_m(la[:, None], lo[:, None], s_lat, s_lon)) / 1000.0
    nearest = dist_km.argmin(axis=1)
    d_near = dist_km[np.arange(la.size), nearest]
    out = []
    for k, site in enumerate(sites):
        hit = (nearest == k) & (d_near <= radius_km)
        if hit.any():
            out.append(
                OriginShare(
                    site.name,
                    site.country,
                    int(hit.sum()),
                    float(hit.sum() / n_total),
                    float(np.median(d_near[hit])),
                )
            )
    return sorted(out, key=lambda o: (-o.n, o.name))


def stranded_points(
    result: DriftResult, k: int = -1
) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]:
    """(lat, lon) of the particles stranded by output ``k``."""
    m = result.status[k] == ParticleStatus.STRANDED
    return result.lat[k][m], result.lon[k][m]
