"""Properties: what is encoded decodes back, and no input whatever makes the decoder raise
(or the bulk path disagree with the line-by-line reference)."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any

import pyais
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ingest_refs import canonical, ours

from channelwatch.ingest.encode import payload_of, sentences, tag_block

SIXBIT_TEXT = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ", max_size=20)


@st.composite
def position_fields(draw: st.DrawFn) -> dict[str, Any]:
    lat_raw = draw(st.integers(-54_000_000, 54_600_000))
    lon_raw = draw(st.integers(-108_000_000, 108_600_000))
    msg_type = draw(st.sampled_from([1, 2, 3, 18, 19]))
    fields: dict[str, Any] = {
        "msg_type": msg_type,
        "mmsi": draw(st.integers(0, 999_999_999)),
        "lat": round(lat_raw / 600000, 6),
        "lon": round(lon_raw / 600000, 6),
        "speed": draw(st.integers(0, 1023)) / 10,
        "course": draw(st.integers(0, 3600)) / 10,
        "heading": draw(st.one_of(st.integers(0, 359), st.just(511))),
        "second": draw(st.integers(0, 63)),
    }
    if msg_type < 4:
        fields["status"] = draw(st.integers(0, 15))
    if msg_type == 19:
        fields["shipname"] = draw(SIXBIT_TEXT)
        fields["to_bow"] = draw(st.integers(0, 511))
    return fields


@st.composite
def static_fields(draw: st.DrawFn) -> dict[str, Any]:
    msg_type = draw(st.sampled_from([5, 24]))
    fields: dict[str, Any] = {"msg_type": msg_type, "mmsi": draw(st.integers(0, 999_999_999))}
    if msg_type == 5:
        fields |= {
            "imo": draw(st.integers(0, 2**30 - 1)),
            "callsign": draw(SIXBIT_TEXT.map(lambda s: s[:7])),
            "shipname": draw(SIXBIT_TEXT),
            "destination": draw(SIXBIT_TEXT),
            "to_bow": draw(st.integers(0, 511)),
            "to_stern": draw(st.integers(0, 511)),
        }
    elif draw(st.booleans()):
        fields |= {"partno": 0, "shipname": draw(SIXBIT_TEXT)}
    else:
        fields |= {"partno": 1, "callsign": draw(SIXBIT_TEXT.map(lambda s: s[:7]))}
        fields["to_port"] = draw(st.integers(0, 63))
    return fields


def _check_round_trip(fields: dict[str, Any], lines: list[str], want_time: float) -> None:
    records, dec = ours("".join(line + "\n" for line in lines).encode())
    assert dec.stats.errors == {} and len(records) == 1
    _, t, _, got = records[0]
    for key, value in fields.items():
        if key in ("speed", "course"):
            assert abs(got[key] - value) < 0.1 + 1e-9, key
        elif isinstance(value, str):
            assert got[key] == value.strip(), key
        else:
            assert got[key] == value, key
    # And the whole message is what pyais decodes from the same sentences.
    sentence_only = [line.rsplit("\\", 1)[-1].split(", ", 1)[-1] for line in lines]
    expected = pyais.decode(*sentence_only).asdict(enum_as_int=True)
    assert canonical([got]) == canonical([expected])
    assert t == want_time or (math.isnan(t) and math.isnan(want_time))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    fields=st.one_of(position_fields(), static_fields()),
    unix_s=st.one_of(st.none(), st.integers(0, 2**31 - 1)),
    channel=st.sampled_from(["A", "B", ""]),
    seq_id=st.one_of(st.none(), st.integers(0, 9)),
    max_chars=st.integers(8, 60),
)
def test_encode_then_decode_round_trips(
    fields: dict[str, Any], unix_s: int | None, channel: str, seq_id: int | None, max_chars: int
) -> None:
    payload, fill = payload_of(fields)
    when = None if unix_s is None else datetime.fromtimestamp(unix_s, UTC)
    tag = tag_block(when, "station-1")
    lines = [
        tag + s
        for s in sentences(payload, fill, channel=channel, seq_id=seq_id, max_chars=max_chars)
    ]
    _check_round_trip(fields, lines, math.nan if unix_s is None else float(unix_s))


@settings(max_examples=60, deadline=None)
@given(fields=position_fields(), minute=st.integers(0, 59))
def test_round_trip_through_a_shore_log_prefix(fields: dict[str, Any], minute: int) -> None:
    payload, fill = payload_of(fields)
    prefix = f"2016-04-01 12:{minute:02d}:00, "  # Paris summer time: UTC+2
    lines = [prefix + s for s in sentences(payload, fill)]
    want = datetime(2016, 4, 1, 10, minute, tzinfo=UTC).timestamp()
    _check_round_trip(fields, lines, want)


# -- robustness -------------------------------------------------------------------------

REAL_LINES = [
    b"2016-03-31 00:00:01, !AIVDM,1,1,,B,33I>hf0PA706QD:L7NC5lT;`011Q,0*22",
    b"!AIVDM,2,1,1,A,53I>hf000000HoC?O61@P4hE>22222222222221J<P:844000031H20ETQH8,0*10",
    b"!AIVDM,2,2,1,A,88888888880,2*25",
    b"$PGHP,1,2010,6,11,11,46,11,390,231,45,992190934,1,2B*5B",
    b"!AIVDM,1,1,,B,402=481uaUcf;OQ55JS9ITi025Jp,0*2B",
    b"\\s:rORBCOMM104,q:u,c:1418172113,T:2014-12-10 00.41.53*55\\"
    b"!AIVDM,1,1,,B,13F?Vv700<DJuLEtvep`iToV0<00,0*78",
    b"!AIVDM,1,1,,B,H52KsnQ8DDj1Lu9@PhE=>222220,2*30,1327664821",
    b"\\c:1420030798*00\\!ABVDM,1,1,4,B,17P;HV?P008F98Il;EC1mOwL0@KP,0*22",
    b"\\g:1-2-1604,s:rORBCOMM008,c:1418169601,T:2014-12-10 00.00.01*37\\"
    b"!AIVDM,2,1,6,A,53@o0E000001Q0CG37U8u<Tp4q@D00000000000018330400000000000000,0*63",
    b"\\g:2-2-1604,s:rORBCOMM008,c:1418169601,T:2014-12-10 00.00.01*34\\"
    b"!AIVDM,2,2,6,A,00000000008,2*2A",
    b"\\c:1418169601123,s:a,c:12,s:*5c\\!AIVDM,1,1,,B,13F?Vv700<DJuLEtvep`iToV0<00,0*78",
    b"\\s:,c:x1*00\\!AIVDM,1,1,,B,13F?Vv700<DJuLEtvep`iToV0<00,0*78",
    b"!AIVDM,1,1,,A,B3KLehP0B@LTN6`Vl;rrBE063P06,0*5A",
    b"!AIVDM,1,1,,A,H3KLehdt00000000?6ekkjm000000,0*2C",
    b"!AIVDM,1,1,,A,D02:LD1kTNfr<`N016DN00B@w6D,2*2C",
    b"!AIVDM,1,1,,B,,0*25",
    b"$GPRMC,213950.00,A,5250.53669,N,00542.34920,E,0.020,,070420,,,A*7D",
    b"# a comment",
    b"",
]


@st.composite
def mutated_line(draw: st.DrawFn) -> bytes:
    line = bytearray(draw(st.sampled_from(REAL_LINES)))
    for _ in range(draw(st.integers(0, 3))):
        op = draw(st.sampled_from(["replace", "delete", "insert", "truncate"]))
        pos = draw(st.integers(0, max(len(line), 1)))
        byte = draw(st.integers(0, 255).filter(lambda b: b != 10))
        if op == "replace" and pos < len(line):
            line[pos] = byte
        elif op == "delete" and pos < len(line):
            del line[pos]
        elif op == "insert":
            line.insert(pos, byte)
        else:
            del line[pos:]
    return bytes(line)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    lines=st.lists(mutated_line(), max_size=25),
    newline=st.sampled_from([b"\n", b"\r\n"]),
    chunk=st.integers(1, 300),
)
def test_damaged_streams_never_raise_and_both_paths_agree(
    lines: list[bytes], newline: bytes, chunk: int
) -> None:
    data = newline.join(lines)
    fast, fast_dec = ours(data)
    slow, slow_dec = ours(data, bulk=False)
    pieces, pieces_dec = ours(data, chunk=chunk)
    assert fast_dec.stats.to_dict() == slow_dec.stats.to_dict() == pieces_dec.stats.to_dict()
    assert canonical([r[3] for r in fast]) == canonical([r[3] for r in slow])
    assert canonical([r[3] for r in fast]) == canonical([r[3] for r in pieces])
    assert [(r[0], r[2]) for r in fast] == [(r[0], r[2]) for r in slow]
    st_ = fast_dec.stats
    assert st_.lines == data.count(b"\n") + (1 if data and not data.endswith(b"\n") else 0)
    assert st_.sentences + st_.ignored == st_.lines


@settings(max_examples=200, deadline=None)
@given(data=st.binary(max_size=3000))
def test_arbitrary_bytes_never_raise(data: bytes) -> None:
    _, dec = ours(data)
    assert dec.stats.sentences + dec.stats.ignored == dec.stats.lines
