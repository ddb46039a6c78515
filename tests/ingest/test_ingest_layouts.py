"""The vectorised bit-field decoding against pyais's own, value for value."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from pyais.bit_vector import bit_vector
from pyais.messages import to_lat_lon, to_lat_lon_600, to_turn

from channelwatch.ingest.layouts import LAYOUTS, _scaled, layout_bits, turn_rate
from channelwatch.ingest.sixbit import armour, field, payload_matrix, text, trim_text


def test_rate_of_turn_matches_pyais_for_every_raw_value() -> None:
    raw = np.arange(-128, 128, dtype=np.int64)
    ours = turn_rate(raw).tolist()
    assert ours == [float(to_turn(int(r))) for r in raw]


def test_latitude_longitude_scaling_matches_pyais() -> None:
    raw = np.concatenate(
        [np.arange(-(2**27), 2**27, 9973), [-(2**27), 2**27 - 1, -1, 0, 1, 54000000, 108600000]]
    ).astype(np.int64)
    assert _scaled(raw, "latlon").tolist() == [to_lat_lon(int(v)) for v in raw]
    small = np.arange(-(2**17), 2**17, 7, dtype=np.int64)
    assert _scaled(small, "latlon600").tolist() == [to_lat_lon_600(int(v)) for v in small]


def test_layout_widths_are_whole_messages() -> None:
    widths = {t: layout_bits(lay) for t, lay in LAYOUTS.items()}
    assert widths == {
        1: 168, 2: 168, 3: 168, 4: 168, 5: 424, 9: 168, 11: 168,
        18: 168, 19: 312, 20: 160, 23: 160, 27: 96,
    }  # fmt: skip


payloads = st.lists(st.integers(0, 63), min_size=1, max_size=40).map(armour)


@settings(max_examples=300, deadline=None)
@given(
    payload=payloads,
    fill=st.integers(0, 5),
    offset=st.integers(0, 250),
    width=st.integers(1, 32),
    signed=st.booleans(),
)
def test_field_extraction_matches_pyais_bit_vector(
    payload: bytes, fill: int, offset: int, width: int, signed: bool
) -> None:
    bv = bit_vector(payload, fill)
    values = payload_matrix([payload])
    n_bits = np.array([6 * len(payload) - fill], dtype=np.int64)
    got, present = field(values, n_bits, offset, width, signed)
    assert bool(present[0]) == (offset < len(bv))
    if offset < len(bv):
        assert int(got[0]) == bv.get_num(offset, width, signed)


@settings(max_examples=200, deadline=None)
@given(payload=payloads, fill=st.integers(0, 5), offset=st.integers(0, 200))
def test_text_extraction_matches_pyais_bit_vector(payload: bytes, fill: int, offset: int) -> None:
    bv = bit_vector(payload, fill)
    values = payload_matrix([payload])
    n_bits = np.array([6 * len(payload) - fill], dtype=np.int64)
    codes, present = text(values, n_bits, offset, 60)
    if offset < len(bv):
        assert bool(present[0])
        assert trim_text(codes[0].tobytes()) == bv.get_str(offset, 60)
    else:
        assert not bool(present[0])
