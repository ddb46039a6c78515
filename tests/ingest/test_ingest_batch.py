"""Batch output: ISO times written as ``datetime.isoformat`` writes them, stream order kept."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from ingest_refs import read_bytes

from channelwatch.ingest.batch import iso_times
from channelwatch.ingest.decoder import NmeaDecoder

times = st.one_of(
    st.integers(0, 4_000_000_000).map(float),
    st.integers(0, 4_000_000_000_000).map(lambda ms: ms / 1000.0),
    st.just(math.nan),
)


@given(st.lists(times, max_size=20))
def test_iso_times_match_isoformat(values: list[float]) -> None:
    want = [None if math.isnan(v) else datetime.fromtimestamp(v, UTC).isoformat() for v in values]
    assert iso_times(np.array(values, dtype=np.float64)) == want


def test_dicts_follow_the_stream_order_and_carry_time_and_source(shared_data: Path) -> None:
    data = read_bytes(shared_data / "ais" / "dma_stream_example_pghp.txt")
    dec = NmeaDecoder(source="dma")
    batch = dec.feed(data)
    rows = list(batch.dicts())
    records = list(batch.records())
    assert len(rows) == len(records) == 4051
    assert [r[3]["mmsi"] for r in records] == [d["mmsi"] for d in rows]
    assert [r[0] for r in records] == sorted(r[0] for r in records)
    assert rows[0]["time"] == "2010-06-11T11:46:11.390000+00:00"
    assert {d["source"] for d in rows} == {"dma"}
