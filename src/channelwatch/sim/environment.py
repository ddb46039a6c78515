"""The sea the boats drift in: a tidal stream along the Strait and a steady wind.

Deliberately simple (the simulator needs plausible drift, not a forecast): the M2 tide as a
sinusoid along the Strait's axis plus the residual NE-ward flow, and a wind of fixed direction
and speed; a drifting inflatable moves with the current plus a fraction of the wind downwind.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from channelwatch.geo import MS_PER_KN


@dataclass(frozen=True, slots=True)
class Environment:
    tide_axis_deg: float
    tide_amplitude_kn: float
    tide_period_h: float
    residual_current_kn: float
    wind_from_deg: float
    wind_kn: float
    leeway_fraction: float
    tide_phase_rad: float = 0.0

    @classmethod
    def from_facts(cls, facts: dict[str, Any], tide_phase_rad: float) -> Environment:
        e = facts["environment"]
        return cls(
            tide_axis_deg=float(e["tide_axis_deg"]),
            tide_amplitude_kn=float(e["tide_amplitude_kn"]),
            tide_period_h=float(e["tide_period_h"]),
            residual_current_kn=float(e["residual_current_kn"]),
            wind_from_deg=float(e["wind_from_deg"]),
            wind_kn=float(e["wind_kn"]),
            leeway_fraction=float(e["leeway_fraction"]),
            tide_phase_rad=tide_phase_rad,
        )

    def current_ms(self, t_s: float) -> tuple[float, float]:
        """(east, north) current in m/s at scenario time ``t_s``."""
        w = 2.0 * math.pi / (self.tide_period_h * 3600.0)
        along_kn = self.tide_amplitude_kn * math.cos(w * t_s + self.tide_phase_rad)
        along_kn += self.residual_current_kn
        a = math.radians(self.tide_axis_deg)
        return along_kn * MS_PER_KN * math.sin(a), along_kn * MS_PER_KN * math.cos(a)

    def wind_ms(self) -> tuple[float, float]:
        """(east, north) wind velocity in m/s (the direction the air moves to)."""
        to = math.radians(self.wind_from_deg + 180.0)
        return self.wind_kn * MS_PER_KN * math.sin(to), self.wind_kn * MS_PER_KN * math.cos(to)

    def drift_ms(self, t_s: float) -> tuple[float, float]:
        """Velocity of a drifting, loaded inflatable: current plus downwind leeway."""
        ce, cn = self.current_ms(t_s)
        we, wn = self.wind_ms()
        return ce + self.leeway_fraction * we, cn + self.leeway_fraction * wn
