from __future__ import annotations

import pytest

from channelwatch.errors import InputError
from channelwatch.geo import METRES_PER_NM
from channelwatch.search.sweep_width import (
    Conditions,
    default_search_speed_kn,
    search_objects,
    sweep_width,
    sweep_width_data,
    unit_types,
    weather_factor,
)

CALM = Conditions(visibility_nm=10.0, wind_kn=5.0, wave_height_m=0.3)


def test_table_values_at_columns() -> None:
    # IAMSAR Vol. II App. N (transcription in the data file): 14 ft eye height, 10 NM visibility.
    assert sweep_width("rnli_alb", "person_in_water", CALM).uncorrected_nm == 0.5
    assert sweep_width("rnli_alb", "small_boat_10m", CALM).uncorrected_nm == 6.1
    assert sweep_width("rnli_ilb", "raft_4", CALM).uncorrected_nm == 3.1  # 8 ft table
    w = sweep_width("rnli_alb", "small_boat_10m", CALM)
    assert w.corrected_m == pytest.approx(6.1 * METRES_PER_NM)


def test_interpolation_and_clamping() -> None:
    c = Conditions(visibility_nm=7.5, wind_kn=5.0, wave_height_m=0.3)
    # halfway between 5 NM (3.8) and 10 NM (6.1)
    assert sweep_width("rnli_alb", "small_boat_10m", c).uncorrected_nm == pytest.approx(4.95)
    far = sweep_width("rnli_alb", "small_boat_10m", Conditions(40.0, 5.0, 0.3))
    assert far.uncorrected_nm == 8.8 and any("clamped" in n for n in far.notes)


def test_weather_categories() -> None:
    assert weather_factor("small", 10.0, 0.5) == 1.0
    assert weather_factor("small", 20.0, 0.5) == 0.5  # 15-25 kn
    assert weather_factor("small", 10.0, 1.2) == 0.5  # seas 1-1.5 m
    assert weather_factor("small", 30.0, 0.5) == 0.25
    assert weather_factor("large", 30.0, 2.0) == 0.9
    rough = Conditions(visibility_nm=10.0, wind_kn=20.0, wave_height_m=0.5)
    assert sweep_width("rnli_alb", "person_in_water", rough).corrected_nm == pytest.approx(0.25)
    assert sweep_width("rnli_alb", "small_boat_10m", rough).corrected_nm == pytest.approx(6.1 * 0.9)


def test_fatigue_and_speed_corrections() -> None:
    tired = sweep_width("rnli_alb", "raft_6", CALM, fatigued=True)
    assert tired.corrected_nm == pytest.approx(4.7 * 0.9)
    slow = sweep_width("helicopter", "raft_6", CALM, search_speed_kn=60.0)
    assert slow.speed_factor == 1.2 and slow.corrected_nm == pytest.approx(2.7 * 1.2)
    assert sweep_width("helicopter", "raft_6", CALM, search_speed_kn=90.0).speed_factor == 1.0
    # Vessels have no speed correction.
    assert sweep_width("rnli_ilb", "raft_6", CALM, search_speed_kn=35.0).speed_factor == 1.0


def test_altitude_picks_the_nearest_table() -> None:
    assert sweep_width("helicopter", "raft_25", CALM, altitude_ft=400).table == "helicopter_500ft"
    assert sweep_width("helicopter", "raft_25", CALM, altitude_ft=900).table == "helicopter_1000ft"


def test_data_file_is_complete_and_assumptions_are_marked() -> None:
    data = sweep_width_data()
    rows = {o["row"] for o in data["objects"].values()}
    for name, table in data["tables"].items():
        assert set(table["rows"]) >= rows, name
        for row in table["rows"].values():
            assert len(row) == len(table["visibility_nm"]), name
            assert row == sorted(row), name  # W never falls as visibility improves
    for t in unit_types():
        assert data["unit_types"][t]["assumption"]
        assert default_search_speed_kn(t) > 0
    assert "small_boat_10m" in search_objects()


def test_unknown_keys_are_input_errors() -> None:
    with pytest.raises(InputError, match="kayak"):
        sweep_width("kayak", "raft_4", CALM)
    with pytest.raises(InputError, match="submarine"):
        sweep_width("rnli_alb", "submarine", CALM)
    with pytest.raises(InputError, match="visibility_nm"):
        Conditions(visibility_nm=-1.0)
