"""Capacity, sea state and the constants that come from real data, checked against that data."""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

from channelwatch.assess import capacity as cap
from channelwatch.assess.climatology import COADS_SST_51N_1E_C, assumed_water_temp_c
from channelwatch.assess.facts import BoatKind
from channelwatch.assess.seastate import SeaState, beaufort, sea_state


def test_uscg_rule_of_thumb() -> None:
    # 18 ft x 6 ft / 15 = 7 people (the rule's worked example)
    assert cap.indicative_capacity(BoatKind.OTHER, 18 * 0.3048, 6 * 0.3048) == 7
    assert cap.indicative_capacity(BoatKind.INFLATABLE, 10.0) == 17
    assert cap.indicative_capacity(BoatKind.KAYAK, 1.0) == 1


def test_mean_persons_per_boat_is_the_home_office_figure(shared_data: Path) -> None:
    """Home Office SB_01 daily series: people and boats arrived in the stated year."""
    people = boats = 0
    with (shared_data / "small_boats/homeoffice_SB_01_daily.csv").open(newline="") as fh:
        for row in csv.DictReader(fh):
            if row["Date"].startswith(str(cap.MEAN_PERSONS_YEAR)):
                people += int(row["Migrants arrived"] or 0)
                boats += int(row["Boats arrived"] or 0)
    assert (people, boats) == (41472, 672)
    assert round(people / boats) == cap.MEAN_PERSONS_PER_BOAT


def test_assumed_water_temperature_is_the_coads_climatology(shared_data: Path) -> None:
    xr = pytest.importorskip("xarray")
    path = shared_data / "metocean/coads_climatology_channel_coarse.nc"
    with xr.open_dataset(path, decode_times=False) as ds:
        sst = ds["SST"].sel(COADSY=51.0, COADSX=1.0).values
    assert np.allclose(np.round(sst, 1), COADS_SST_51N_1E_C)
    assert assumed_water_temp_c(datetime(2021, 11, 24, tzinfo=UTC)) == pytest.approx(10.4)
    assert assumed_water_temp_c(datetime(2024, 8, 1, tzinfo=UTC)) == pytest.approx(14.7)


def test_beaufort_scale() -> None:
    assert list(beaufort([0, 3, 6, 10, 16, 17, 21, 22, 27, 33, 40, 47, 55, 63, 64, 90])) == [
        0,
        1,
        2,
        3,
        4,
        5,
        5,
        6,
        6,
        7,
        8,
        9,
        10,
        11,
        12,
        12,
    ]


@pytest.mark.parametrize(
    ("wind", "wave", "state"),
    [
        (None, None, SeaState.UNKNOWN),
        (8.0, None, SeaState.MODERATE),
        (17.0, 0.2, SeaState.ROUGH),
        (5.0, 1.2, SeaState.ROUGH),
        (22.0, None, SeaState.SEVERE),
        (None, 2.5, SeaState.SEVERE),
    ],
)
def test_sea_state_takes_the_worse_of_wind_and_waves(
    wind: float | None, wave: float | None, state: SeaState
) -> None:
    assert sea_state(wind, wave) is state
