"""The wind and wave thresholds of the weather-window logic, each with where it comes from.

No public source gives numeric limits for "crossings likely": the Home Office's Met Office
assessments (red/amber/green days) name the factors (wave height, surf on the beaches, wind
speed and direction, rain, trends) and the probabilities (red > 55 %, green < 35 %) but not the
limits. The limits below therefore anchor on the WMO scales and are marked as assumptions; they
are parameters, so an operator can set the ones their own experience supports.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from channelwatch.analytics.errors import AnalyticsInputError


@dataclass(frozen=True, slots=True)
class Citation:
    """What a threshold rests on, and whether it is a published fact or our assumption."""

    key: str
    statement: str
    source: str
    assumption: bool

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Limits of an hour's class. Winds are 10 m mean speeds (kn); waves significant height (m)."""

    likely_wind_kn: float = 10.0  # top of Beaufort force 3
    likely_wave_m: float = 0.5  # top of WMO sea state 2 ("smooth")
    possible_wind_kn: float = 16.0  # top of Beaufort force 4
    possible_wave_m: float = 1.0
    danger_wind_kn: float = 17.0  # Beaufort force 5: a loaded inflatable ships water
    danger_wave_m: float = 1.0
    severe_wind_kn: float = 22.0  # Beaufort force 6: capsize and people overboard likely
    severe_wave_m: float = 2.0
    min_window_h: float = 6.0  # hours a crossing needs at 3-6 kn over 20-40 nm

    def __post_init__(self) -> None:
        for name, value in asdict(self).items():
            if not value >= 0.0:
                raise AnalyticsInputError(f"threshold {name} must be >= 0, got {value}")
        if not self.likely_wind_kn <= self.possible_wind_kn:
            raise AnalyticsInputError(
                f"likely_wind_kn {self.likely_wind_kn} exceeds possible_wind_kn "
                f"{self.possible_wind_kn}"
            )
        if not self.likely_wave_m <= self.possible_wave_m:
            raise AnalyticsInputError(
                f"likely_wave_m {self.likely_wave_m} exceeds possible_wave_m {self.possible_wave_m}"
            )
        if not (
            self.danger_wind_kn <= self.severe_wind_kn and self.danger_wave_m <= self.severe_wave_m
        ):
            raise AnalyticsInputError("danger thresholds must not exceed the severe ones")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


SOURCES: tuple[Citation, ...] = (
    Citation(
        "home-office-red-days",
        "The Home Office classes each day red/amber/green from Met Office assessments of wave "
        "height, surf on the beaches, wind speed and direction, chance of rain and trends; red "
        "means a probability of crossings above 55 %, green below 35 %. Numeric limits are not "
        "published. 60 red days in January-April 2025 against 27 in 2024.",
        "Home Office data release reported by PA Media, BBC News and the Independent, "
        "late May 2025 ('Number of likely days for Channel crossings double').",
        assumption=False,
    ),
    Citation(
        "beaufort",
        "Beaufort force 3 (gentle breeze) is 7-10 kn with probable waves of 0.6 m; force 4 "
        "(moderate breeze) 11-16 kn, 1 m; force 5 (fresh breeze) 17-21 kn, 2 m; force 6 (strong "
        "breeze) 22-27 kn, 3 m (open-sea waves).",
        "The Beaufort wind force scale as published by the WMO and the Met Office "
        "(probable wave heights are for the open sea, not near the shore).",
        assumption=False,
    ),
    Citation(
        "sea-state",
        "WMO sea state code 3700: 2 smooth 0.1-0.5 m, 3 slight 0.5-1.25 m, 4 moderate "
        "1.25-2.5 m, 5 rough 2.5-4 m (significant wave height).",
        "WMO-No. 306 Manual on Codes, code table 3700.",
        assumption=False,
    ),
    Citation(
        "likely",
        "Crossings likely at or below Beaufort 3 (10 kn) and smooth sea (0.5 m); possible up to "
        "Beaufort 4 (16 kn) and below 1 m; unlikely above. Consistent with the reports that "
        "crossings cluster on calm days and stop in strong winds (e.g. a 'strong northeast "
        "wind' halting crossings for three weeks, AFP, June 2023), but not calibrated on data.",
        "ChannelWatch assumption.",
        assumption=True,
    ),
    Citation(
        "danger",
        "From Beaufort 5 (17 kn) or 1 m waves an overloaded inflatable ships water; from "
        "Beaufort 6 (22 kn) or 2 m capsize and loss of people overboard are likely. The same "
        "limits as channelwatch.assess.seastate. The MAIB found the boats 'wholly unsuitable "
        "and ill-equipped' and flooded in the 24 Nov 2021 and 14 Dec 2022 sinkings.",
        "ChannelWatch judgement; MAIB reports 7/2023 and on the 14 December 2022 flooding.",
        assumption=True,
    ),
    Citation(
        "min-window",
        "A window shorter than 6 h is not counted: 21 nm (Calais-Dover) to 40+ nm (from Boulogne "
        "or Berck) at 3-6 kn takes roughly 4-13 h.",
        "ChannelWatch assumption from distance and speed.",
        assumption=True,
    ),
)
