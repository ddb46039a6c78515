"""The outcome of a drift run: particle positions and states at the output times."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import IntEnum

import numpy as np
import numpy.typing as npt

from channelwatch.drift.leeway import LeewayClass

Float32Array = npt.NDArray[np.float32]
Int8Array = npt.NDArray[np.int8]
BoolArray = npt.NDArray[np.bool_]


class ParticleStatus(IntEnum):
    """State of a particle; once not ACTIVE, a particle keeps its last position."""

    ACTIVE = 0
    STRANDED = 1  # reached land (inside the region model's area)
    OUT_OF_COVERAGE = 2  # no forcing at its position (left the grids, or deep inland)


@dataclass(frozen=True, slots=True)
class DriftResult:
    """Positions and states of every particle at each output time.

    Arrays are ``(n_times, n_particles)``: row ``k`` is the cloud at ``times[k]``. Row 0 is the
    release (forward run) or the find (backward run); in a backward run times decrease.
    """

    times: tuple[datetime, ...]
    lat: Float32Array
    lon: Float32Array
    status: Int8Array
    object_class: LeewayClass
    backward: bool
    step_s: float
    attrs: dict[str, str | float | int] = field(default_factory=dict)

    @property
    def n_particles(self) -> int:
        return int(self.lat.shape[1])

    @property
    def n_times(self) -> int:
        return int(self.lat.shape[0])

    def active(self, k: int = -1) -> BoolArray:
        """Mask of the particles active at output ``k`` (default: the last)."""
        return np.asarray(self.status[k] == ParticleStatus.ACTIVE)

    def cloud(self, k: int = -1, *, active_only: bool = True) -> tuple[Float32Array, Float32Array]:
        """(lat, lon) of the particles at output ``k``; only the active ones by default."""
        if not active_only:
            return self.lat[k], self.lon[k]
        m = self.active(k)
        return self.lat[k][m], self.lon[k][m]

    def counts(self, k: int = -1) -> dict[str, int]:
        """How many particles are in each state at output ``k``."""
        s = self.status[k]
        return {st.name.lower(): int(np.count_nonzero(s == st)) for st in ParticleStatus}
