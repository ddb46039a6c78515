"""Line framing and message times: shore-log prefixes (Paris time, DST), tag blocks, $PGHP,
receiver fields after the checksum, the carry-forward rule for files and the reception clock
for live feeds."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from pathlib import Path

import pytest
from ingest_refs import ours, read_bytes

from channelwatch.ingest.decoder import NmeaDecoder
from channelwatch.ingest.encode import checksum
from channelwatch.ingest.errors import SourceInputError
from channelwatch.ingest.framing import LineKind, parse_line, parse_tag_block, parse_trailer

# A real type 3 position report from the Vernon log.
SENTENCE = b"!AIVDM,1,1,,B,33I>hf0PA706QD:L7NC5lT;`011Q,0*22"


def _signed(body: str) -> bytes:
    return f"!{body}*{checksum(body)}".encode()


def _utc(*args: int) -> float:
    return datetime(*args, tzinfo=UTC).timestamp()  # type: ignore[misc]


def _times(lines: list[bytes], **kwargs: object) -> list[float]:
    records, _ = ours(b"".join(line + b"\n" for line in lines), **kwargs)  # type: ignore[arg-type]
    return [r[1] for r in records]


def test_vernon_prefix_is_paris_summer_time(shared_data: Path) -> None:
    data = read_bytes(shared_data / "ais" / "ais_vernon_20160331.log")
    records, _ = ours(data)
    # First line: "2016-03-31 00:00:01, ..." in CEST (UTC+2).
    assert records[0][1] == _utc(2016, 3, 30, 22, 0, 1)
    last_line = data.rstrip(b"\n").rsplit(b"\n", 1)[1]
    stamp = datetime.strptime(last_line[:19].decode(), "%Y-%m-%d %H:%M:%S")
    assert records[-1][1] == _utc(*stamp.timetuple()[:6]) - 7200
    assert all(not math.isnan(r[1]) for r in records)
    assert [r[1] for r in records] == sorted(r[1] for r in records)


def test_prefix_in_winter_is_utc_plus_one() -> None:
    assert _times([b"2016-01-15 12:00:00, " + SENTENCE]) == [_utc(2016, 1, 15, 11, 0, 0)]


def test_autumn_repeated_hour_is_resolved_from_the_log() -> None:
    lines = [
        b"2016-10-30 01:50:00, " + SENTENCE,  # CEST
        b"2016-10-30 02:10:00, " + SENTENCE,  # first pass: CEST
        b"2016-10-30 02:50:00, " + SENTENCE,
        b"2016-10-30 02:05:00, " + SENTENCE,  # clocks went back: CET
        b"2016-10-30 02:40:00, " + SENTENCE,
        b"2016-10-30 03:10:00, " + SENTENCE,  # CET
    ]
    expected = [(0, 23, 50), (1, 0, 10), (1, 0, 50), (1, 1, 5), (1, 1, 40), (1, 2, 10)]
    want = [_utc(2016, 10, 29 + d, h, m, 0) for d, h, m in expected]
    assert _times(lines) == want
    # The same when the log arrives in small pieces.
    data = b"".join(line + b"\n" for line in lines)
    records, _ = ours(data, chunk=30)
    assert [r[1] for r in records] == want


def test_spring_forward_gap_reads_as_fold_zero() -> None:
    lines = [b"2016-03-27 01:59:00, " + SENTENCE, b"2016-03-27 03:00:00, " + SENTENCE]
    assert _times(lines) == [_utc(2016, 3, 27, 0, 59, 0), _utc(2016, 3, 27, 1, 0, 0)]


def test_prefix_time_zone_is_configurable() -> None:
    line = b"2016-07-01 12:00:00, " + SENTENCE
    assert _times([line], prefix_tz="UTC") == [_utc(2016, 7, 1, 12, 0, 0)]
    assert _times([line], prefix_tz="Europe/London") == [_utc(2016, 7, 1, 11, 0, 0)]
    with pytest.raises(SourceInputError, match="Mars/Olympus"):
        NmeaDecoder(prefix_tz="Mars/Olympus")


def test_invalid_prefix_date_is_malformed() -> None:
    records, dec = ours(b"2016-02-30 12:00:00, " + SENTENCE + b"\n")
    assert records == [] and dec.stats.errors == {"malformed": 1}


def test_tag_blocks_give_time_and_source(shared_data: Path) -> None:
    records, dec = ours(read_bytes(shared_data / "ais" / "libais_tagblock.nmea"))
    # The two-part type 5 takes its first fragment's tag block.
    assert [(r[1], r[2], r[3]["msg_type"]) for r in records] == [
        (1418172113.0, "rORBCOMM104", 1),
        (1418169601.0, "rORBCOMM008", 5),
        (1418171722.0, "rORBCOMM007", 1),
        (1418171561.0, "rORBCOMM007", 1),
    ]
    assert dec.stats.warnings == {}


def test_wrong_tag_block_checksum_is_a_warning_not_a_loss(shared_data: Path) -> None:
    # This feed writes *00 after every tag block: keep the messages, note the warning.
    records, dec = ours(read_bytes(shared_data / "ais" / "amsa_nmea-timestamped.txt"))
    assert len(records) == 100
    assert dec.stats.warnings == {"tag_checksum": 100}
    assert records[0][1] == 1420030798.0


def test_pghp_time_goes_to_the_next_sentence(shared_data: Path) -> None:
    records, dec = ours(read_bytes(shared_data / "ais" / "dma_stream_example_pghp.txt"))
    assert records[0][1] == pytest.approx(_utc(2010, 6, 11, 11, 46, 11) + 0.390)
    assert records[1][1] == pytest.approx(_utc(2010, 6, 11, 11, 46, 12) + 0.386)
    assert dec.stats.ignored == 4051  # the $PGHP lines themselves


def test_receiver_time_after_checksum(shared_data: Path) -> None:
    records, _ = ours(read_bytes(shared_data / "ais" / "amsa_ais.txt.gz"))
    timed = [r for r in records if not math.isnan(r[1])]
    # Line 40 is the first with one: "!AIVDM,1,1,,B,H52KsnQ8DDj1Lu9@PhE=>222220,2*30,1327664821"
    assert (timed[0][0], timed[0][1]) == (39, 1327664821.0)
    assert parse_trailer(b"s28089,d-103,T39.44353985,x147521,r08TPHI1,1242958962") == 1242958962


def test_file_times_carry_forward_and_start_unknown() -> None:
    lines = [SENTENCE, b"\\c:1000000000*00\\" + SENTENCE, SENTENCE]
    times = _times(lines)
    assert math.isnan(times[0]) and times[1:] == [1e9, 1e9]


def test_live_times_use_reception_clock_unless_the_line_has_one() -> None:
    pghp = b"$PGHP,1,2010,6,11,11,46,11,390,231,45,992190934,1,2B*5B"
    lines = [SENTENCE, b"\\c:1000000000*00\\" + SENTENCE, SENTENCE, pghp, SENTENCE, SENTENCE]
    dec = NmeaDecoder(live=True)
    batch = dec.feed(b"".join(line + b"\n" for line in lines), received_s=5.0)
    times = [r[1] for r in batch.records()]
    assert times == [5.0, 1e9, 5.0, pytest.approx(_utc(2010, 6, 11, 11, 46, 11) + 0.39), 5.0]


def test_tag_block_parse() -> None:
    tag = parse_tag_block(b"g:1-2-1604,s:rORBCOMM008,c:1418169601,T:2014-12-10 00.00.01*37")
    assert (tag.time_s, tag.source, tag.checksum_ok) == (1418169601.0, "rORBCOMM008", True)
    assert parse_tag_block(b"c:1418169601000*00").time_s == 1418169601.0  # milliseconds
    assert not parse_tag_block(b"c:12").checksum_ok  # no checksum at all


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        (b"", LineKind.BLANK),
        (b"   \t", LineKind.BLANK),
        (b"# comment \xd0\x92", LineKind.COMMENT),
        (b"$GPGSA,A,3,11,32,14,28,22,03,10,08,17,,,,2.02,1.03,1.74*00", LineKind.OTHER),
        (b"$PGHP,1,2010,6,11,11,46,11,390,231,45,992190934,1,2B*5B", LineKind.STAMP),
        (SENTENCE, LineKind.AIS),
        (SENTENCE[:-1] + b"3", LineKind.CHECKSUM),
        (SENTENCE[:-3], LineKind.CHECKSUM),
        (b"AIVDM,2,2,1,B,00000000000,2*26", LineKind.MALFORMED),
        (b"!AIVDM,1,1,,B,33I>hf0PA706QD:L7NC5lT;`011Q,0,extra*22", LineKind.MALFORMED),
        (_signed("AIVDM,0,1,,B,33I>hf0PA706QD:L7NC5lT;`011Q,0"), LineKind.MALFORMED),
        (_signed("AIVDM,1,1,,B,33I>hf0PA706QD:L7NC5lT;`011Q,6"), LineKind.MALFORMED),
        (_signed("AIVDM,1,1,,B,33I>hf0PA706QD:L7NC5lT;x011Q,0"), LineKind.MALFORMED),
        (b"\\c:1000000000*00" + SENTENCE, LineKind.MALFORMED),  # tag block never closed
        (b"!AIVDM,1,1,,B,33I>hf\xff,0*22", LineKind.MALFORMED),
    ],
)
def test_line_kinds(line: bytes, kind: LineKind) -> None:
    assert parse_line(line).kind == kind


@pytest.mark.parametrize(
    "tag",
    [
        b"c:1418169601,s:rx-1*00",
        b"s:rx-1,c:1418169601123",  # no checksum; milliseconds
        b"c:1418169601,c:1418169999*00",  # the last c: wins
        b"c:,s:*00",
        b"c:12x,s:a*b*00",
        b"t:c:5,c:7*7f",
        b"c:99999999999999999*00",  # 17 digits: not a time
    ],
)
def test_tag_block_forms_agree_between_paths(tag: bytes) -> None:
    line = b"\\" + tag + b"\\" + SENTENCE + b"\n"
    fast, fast_dec = ours(line * 3)
    slow, slow_dec = ours(line * 3, bulk=False)

    def seen(records: list[tuple[int, float, str | None, object]]) -> list[object]:
        return [(None if math.isnan(r[1]) else r[1], r[2]) for r in records]

    assert seen(fast) == seen(slow)
    assert fast_dec.stats.to_dict() == slow_dec.stats.to_dict()
    info = parse_tag_block(tag)
    assert seen(fast)[0] == (info.time_s, info.source)
