"""Bad input is counted by kind and skipped (or raised in strict mode), and where we differ
from pyais on purpose, the difference is pinned here."""

from __future__ import annotations

from pathlib import Path

import pytest
from ingest_refs import ours, read_bytes
from pyais.stream import IterMessages

from channelwatch.errors import InputError
from channelwatch.ingest.decoder import NmeaDecoder
from channelwatch.ingest.encode import checksum, sentences
from channelwatch.ingest.errors import NmeaError

GOOD = b"!AIVDM,1,1,,B,33I>hf0PA706QD:L7NC5lT;`011Q,0*22"
TYPE5 = [  # a real two-part type 5 (Vernon)
    b"!AIVDM,2,1,1,A,53I>hf000000HoC?O61@P4hE>22222222222221J<P:844000031H20ETQH8,0*10",
    b"!AIVDM,2,2,1,A,88888888880,2*25",
]


def _signed(body: str) -> bytes:
    return f"!{body}*{checksum(body)}".encode()


def _feed(*lines: bytes, **kwargs: object) -> tuple[list[dict[str, object]], NmeaDecoder]:
    records, dec = ours(b"".join(line + b"\n" for line in lines), **kwargs)  # type: ignore[arg-type]
    return [r[3] for r in records], dec


def _pyais_messages(*lines: bytes) -> list[object]:
    return list(IterMessages(list(lines)))


def test_real_recordings_error_counts(shared_data: Path) -> None:
    def errors(name: str) -> dict[str, int]:
        return ours(read_bytes(shared_data / "ais" / name))[1].stats.errors

    # 69 type 24 messages with part numbers 2 and 3 (invalid): pyais raises, we count.
    assert errors("gpsd_ais-18-27.log") == {"undecodable": 69}
    # About 100 empty payloads ("!AIVDM,1,1,,B,,0*25") and fragments whose partner is missing.
    assert errors("pyais_nmea_data_sample.txt") == {"empty": 100, "orphan": 20}
    assert errors("ais_vernon_20160331.log") == {"checksum": 180, "orphan": 2}


def test_every_kind_is_counted_and_nothing_else_is_lost() -> None:
    lines = [
        GOOD,
        b"garbage that is not NMEA",  # malformed
        GOOD[:-2] + b"00",  # checksum
        TYPE5[1],  # orphan: second fragment with no first
        _signed("AIVDM,1,1,,A,,0"),  # empty
        _signed("AIVDM,1,1,,A,w000000000,0"),  # unknown_type: type 63
        _signed("AIVDM,1,1,,A,H3KLehdt00000000?6ekkjm000000,0"),  # type 24 part 3: undecodable
        *TYPE5,
        TYPE5[0],  # never completed: orphan at the end
        GOOD,
    ]
    got, dec = _feed(*lines)
    assert [d["msg_type"] for d in got] == [3, 5, 3]
    assert dec.stats.errors == {
        "malformed": 1,
        "checksum": 1,
        "orphan": 2,
        "empty": 1,
        "unknown_type": 1,
        "undecodable": 1,
    }
    assert dec.stats.sentences == len(lines)


def test_type_0_is_read_as_type_1_like_pyais() -> None:
    got, dec = _feed(_signed("AIVDM,1,1,,A,0000000000,0"))
    assert [d["msg_type"] for d in got] == [0] and dec.stats.errors == {}


def test_type24_bad_part_number_is_undecodable() -> None:
    # Part number 2 is not defined: pyais raises UnknownPartNoException.
    payload = "H3KLeh" + "8" + "0" * 20
    line = _signed(f"AIVDM,1,1,,A,{payload},0")
    got, dec = _feed(line)
    assert got == [] and dec.stats.errors == {"undecodable": 1}


@pytest.mark.parametrize(
    ("lines", "kind", "line_no"),
    [
        ([GOOD, b"nonsense"], "malformed", 2),
        ([GOOD, GOOD, GOOD[:-2] + b"00"], "checksum", 3),
        ([TYPE5[1], GOOD], "orphan", 1),
        ([GOOD, _signed("AIVDM,1,1,,A,,0")], "empty", 2),
        ([_signed("AIVDM,1,1,,A,w000000000,0")], "unknown_type", 1),
        ([GOOD, TYPE5[0]], "orphan", 2),  # found at the end of the stream
    ],
)
def test_strict_mode_raises_on_the_first_bad_line(
    lines: list[bytes], kind: str, line_no: int
) -> None:
    with pytest.raises(NmeaError) as info:
        _feed(*lines, strict=True)
    assert (info.value.kind, info.value.line_no) == (kind, line_no)
    assert isinstance(info.value, InputError)
    assert kind in str(info.value)


def test_lenient_mode_never_raises_on_the_same_lines() -> None:
    got, dec = _feed(GOOD, b"nonsense", TYPE5[1], GOOD)
    assert len(got) == 2 and sum(dec.stats.errors.values()) == 2


# -- deliberate differences from pyais ---------------------------------------------------


def test_difference_bad_checksum_is_skipped_where_pyais_yields_it() -> None:
    bad = GOOD[:-2] + b"00"
    (msg,) = _pyais_messages(bad)
    assert not msg.is_valid  # type: ignore[attr-defined]
    got, dec = _feed(bad)
    assert got == [] and dec.stats.errors == {"checksum": 1}


def test_difference_receiver_fields_after_checksum_are_accepted() -> None:
    line = b"!AIVDM,1,1,,B,H52KsnQ8DDj1Lu9@PhE=>222220,2*30,1327664821"
    (msg,) = _pyais_messages(line)
    # pyais reads fill bits and checksum from the last field and finds none.
    assert not msg.is_valid  # type: ignore[attr-defined]
    got, _ = _feed(line)
    (bare,) = _pyais_messages(line.rsplit(b",", 1)[0])
    assert got == [bare.decode().asdict(enum_as_int=True)]  # type: ignore[attr-defined]


def test_difference_payload_outside_armour_is_malformed() -> None:
    line = _signed("AIVDM,1,1,,B,33I>hf0PA706QD:L7NC5lT;x011Q,0")  # 'x' is not armour
    (msg,) = _pyais_messages(line)
    assert msg.is_valid  # type: ignore[attr-defined]
    msg.decode()  # type: ignore[attr-defined]  # pyais reads 'x' as six zero bits
    got, dec = _feed(line)
    assert got == [] and dec.stats.errors == {"malformed": 1}


def test_difference_extra_field_is_malformed() -> None:
    line = _signed("AIVDM,1,1,,B,33I>hf0PA706QD:L7NC5lT;`011Q,X,0")
    (msg,) = _pyais_messages(line)
    assert msg.is_valid  # type: ignore[attr-defined]
    got, dec = _feed(line)
    assert got == [] and dec.stats.errors == {"malformed": 1}


def test_difference_corrupt_fragment_does_not_displace_a_pending_one() -> None:
    corrupt = TYPE5[0][:-2] + b"00"
    lines = (TYPE5[0], corrupt, TYPE5[1])
    # pyais restarts the message with the corrupt fragment: the result fails its checksum.
    assert [m.is_valid for m in _pyais_messages(*lines)] == [False]  # type: ignore[attr-defined]
    got, dec = _feed(*lines)
    assert [d["msg_type"] for d in got] == [5]
    assert dec.stats.errors == {"checksum": 1}


def test_multi_part_written_by_encoder_round_trips() -> None:
    lines = [s.encode() for s in sentences("5" + "0" * 70, 2, seq_id=3)]
    assert len(lines) == 2
    got, dec = _feed(*lines)
    assert [d["msg_type"] for d in got] == [5] and dec.stats.errors == {}
