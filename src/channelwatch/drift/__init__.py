"""Drift: the Monte Carlo leeway model on real wind and current forcing.

Library API (what the search layer consumes)::

    import numpy as np
    from datetime import UTC, datetime, timedelta
    from channelwatch.drift import Forcing, GridReader, run_leeway, cloud_stats

    forcing = Forcing.build(wind=[GridReader("wind.nc")], current=[GridReader("current.nc")])
    result = run_leeway(forcing, "LIFE-RAFT-NB-1", 59.6, 4.5,
                        datetime(2015, 11, 16, tzinfo=UTC), timedelta(hours=48),
                        rng=np.random.default_rng(1), n_particles=5000, radius_m=100)
    lat, lon = result.cloud()          # active particles at the last output time
    stats = cloud_stats(lat, lon)

See docs/drift.md for the model, its equations and its limits.
"""

from __future__ import annotations

from channelwatch.drift.errors import (
    DriftError,
    DriftInputError,
    ForcingError,
    ForcingFormatError,
    OutsideCoverageError,
    OutsidePositionCoverageError,
    OutsideTimeCoverageError,
    UnknownObjectClassError,
)
from channelwatch.drift.forcing import ConstantReader, Forcing, GridReader, Quantity
from channelwatch.drift.leeway import (
    CHANNEL_INFLATABLE_KEY,
    LeewayClass,
    find_leeway_classes,
    get_leeway_class,
    leeway_classes,
)
from channelwatch.drift.result import DriftResult, ParticleStatus
from channelwatch.drift.simulate import LandTest, run_leeway
from channelwatch.drift.stats import CloudStats, cloud_stats

__all__ = [
    "CHANNEL_INFLATABLE_KEY",
    "CloudStats",
    "ConstantReader",
    "DriftError",
    "DriftInputError",
    "DriftResult",
    "Forcing",
    "ForcingError",
    "ForcingFormatError",
    "GridReader",
    "LandTest",
    "LeewayClass",
    "OutsideCoverageError",
    "OutsidePositionCoverageError",
    "OutsideTimeCoverageError",
    "ParticleStatus",
    "Quantity",
    "UnknownObjectClassError",
    "cloud_stats",
    "find_leeway_classes",
    "get_leeway_class",
    "leeway_classes",
    "run_leeway",
]
