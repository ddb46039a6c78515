"""The leeway table: published numbers, lookups, and the proxy class."""

from __future__ import annotations

import pytest

from channelwatch.drift import (
    CHANNEL_INFLATABLE_KEY,
    UnknownObjectClassError,
    get_leeway_class,
    leeway_classes,
)
from channelwatch.errors import InputError


def test_table_has_the_published_classes_and_the_proxy() -> None:
    classes = leeway_classes()
    published = [c for c in classes if not c.is_proxy]
    assert [c.number for c in published] == list(range(1, 86))
    assert len({c.key for c in classes}) == len(classes)
    proxy = get_leeway_class(CHANNEL_INFLATABLE_KEY)
    assert proxy.is_proxy and proxy.number == 900


def test_life_raft_nb_1_coefficients() -> None:
    c = get_leeway_class("LIFE-RAFT-NB-1")
    assert c.number == 26
    assert (c.downwind.slope_pct, c.downwind.offset_cms, c.downwind.std_cms) == (3.70, 0.0, 12.0)
    assert (c.crosswind_right.slope_pct, c.crosswind_right.std_cms) == (1.98, 9.4)
    assert (c.crosswind_left.slope_pct, c.crosswind_left.std_cms) == (-1.98, 9.4)


@pytest.mark.parametrize("name", ["26", 26, "life-raft-nb-1", " LIFE-RAFT-NB-1 "])
def test_lookup_by_key_or_number(name: str | int) -> None:
    assert get_leeway_class(name).key == "LIFE-RAFT-NB-1"


@pytest.mark.parametrize("name", ["NOPE", "0", "86", ""])
def test_unknown_class_is_an_input_error_naming_it(name: str) -> None:
    with pytest.raises(UnknownObjectClassError) as info:
        get_leeway_class(name)
    assert isinstance(info.value, InputError)
    assert repr(name) in str(info.value)


def test_right_of_downwind_never_less_than_left() -> None:
    # the table's convention: right-of-downwind regressions are the larger (positive) side
    for c in leeway_classes():
        assert c.crosswind_right.slope_pct >= c.crosswind_left.slope_pct, c.key
        for side in (c.downwind, c.crosswind_right, c.crosswind_left):
            assert side.std_cms >= 0, c.key


def test_to_dict_round_trips_the_numbers() -> None:
    d = get_leeway_class(1).to_dict()
    assert d["key"] == "PIW-1"
    assert d["downwind"] == {"slope_pct": 0.96, "offset_cms": 0.0, "std_cms": 12.0}
