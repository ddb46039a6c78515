"""Forcing readers: CF NetCDF grids (regular, projected, curvilinear) and constants.

``GridReader(path)`` opens a file; ``Forcing.build(wind=[...], current=[...], ...)`` puts
readers in priority order with optional constant fallbacks; ``Forcing.sample(quantity, t_s,
lat, lon)`` answers east + 1j·north in m/s and where that answer is valid.
"""

from __future__ import annotations

from channelwatch.drift.forcing.cf import Quantity
from channelwatch.drift.forcing.environment import Forcing
from channelwatch.drift.forcing.reader import ConstantReader, GridReader, Reader

__all__ = ["ConstantReader", "Forcing", "GridReader", "Quantity", "Reader"]
