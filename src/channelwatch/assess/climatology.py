"""The sea-surface temperature to assume when none is reported.

COADS monthly climatology (Comprehensive Ocean-Atmosphere Data Set, via the public-domain
Debian ferret-datasets ``coads_climatology.cdf``), 2° cell centred at 51° N 1° E, which covers
the Dover Strait. An unknown water temperature is taken as the month's mean less 2 °C, the
cold side of the year-to-year and place-to-place spread, so that survival is not overstated.
"""

from __future__ import annotations

from datetime import datetime

# January .. December, °C, rounded to 0.1 (COADS SST at 51N 1E).
COADS_SST_51N_1E_C = (8.1, 7.1, 7.0, 8.2, 10.4, 13.0, 15.4, 16.7, 16.6, 15.1, 12.4, 10.2)
COLD_SIDE_MARGIN_C = 2.0


def assumed_water_temp_c(time: datetime) -> float:
    """The water temperature to assume in the Strait in the month of ``time`` (UTC)."""
    return round(COADS_SST_51N_1E_C[time.month - 1] - COLD_SIDE_MARGIN_C, 1)
