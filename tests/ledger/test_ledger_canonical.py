"""Canonical JSON and the entry encoding."""

from __future__ import annotations

import json
import math
from collections import OrderedDict
from datetime import UTC, datetime, timedelta, timezone
from enum import Enum
from types import MappingProxyType

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from channelwatch.errors import InputError
from channelwatch.events import Event
from channelwatch.ledger.canonical import (
    canonical_json,
    canonical_text,
    format_time,
    format_time_reference,
    is_canonical,
    normalise,
    parse_time,
)
from channelwatch.ledger.entry import MAX_ENTRY_BYTES, decode_entry, encode_event, event_from_json
from channelwatch.ledger.errors import LedgerInputError

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(), inner, max_size=5),
    max_leaves=25,
)


def _no_surrogates(value: object) -> bool:
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


@settings(max_examples=150, deadline=None)
@given(json_values)
def test_canonical_form_is_a_fixed_point_and_parses_back(value: object) -> None:
    if not _no_surrogates(value):
        with pytest.raises(LedgerInputError, match="not UTF-8"):
            canonical_json(value)
        return
    data = canonical_json(value)
    parsed = json.loads(data)
    assert canonical_json(parsed) == data
    assert is_canonical(data)
    assert parsed == value or _has_negative_zero(value)


def _has_negative_zero(value: object) -> bool:
    return "-0.0" in repr(value)


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(st.text(max_size=8), st.integers(), min_size=2, max_size=8))
def test_key_order_and_whitespace_do_not_matter(value: dict[str, int]) -> None:
    reordered = dict(reversed(list(value.items())))
    spaced = json.dumps(value, indent=3).encode()
    assert canonical_json(reordered) == canonical_json(value)
    assert canonical_json(json.loads(spaced)) == canonical_json(value)
    if len(value) > 1:
        assert not is_canonical(spaced)


def test_the_documented_form() -> None:
    value = {"b": [1, 2.5, "é\n\u2028"], "a": None, "c": {"z": True, "y": -0.0}}
    assert (
        canonical_json(value)
        == '{"a":null,"b":[1,2.5,"é\\n\u2028"],"c":{"y":-0.0,"z":true}}'.encode()
    )
    assert canonical_json("\x01") == b'"\\u0001"'


@pytest.mark.parametrize(
    ("value", "where"),
    [
        ({"x": math.nan}, "payload.x is nan"),
        ({"x": [1, math.inf]}, r"payload.x\[1\] is inf"),
        ({1: "a"}, "non-string key 1"),
        ({"a": {"b": [{2: 3}]}}, "payload.a.b\\[0\\] has a non-string key 2"),
        ({"o": object()}, "type object is not JSON"),
        ({"s": {1, 2}}, "type set is not JSON"),
        ({"x": np.float64("nan")}, "payload.x is nan"),
    ],
)
def test_what_is_not_json_is_rejected_and_named(value: object, where: str) -> None:
    with pytest.raises(LedgerInputError, match=where):
        canonical_json(value, "payload")


def test_common_python_values_are_converted() -> None:
    class Colour(Enum):
        RED = "red"

    value = {
        "arr": np.arange(3),
        "f": np.float32(0.5),
        "i": np.int64(7),
        "t": datetime(2024, 11, 24, 2, 0, tzinfo=timezone(timedelta(hours=1))),
        "m": MappingProxyType({"k": 1}),
        "o": OrderedDict([("z", 1), ("a", 2)]),
        "e": Colour.RED,
        "tuple": (1, 2),
    }
    assert json.loads(canonical_json(value)) == {
        "arr": [0, 1, 2],
        "e": "red",
        "f": 0.5,
        "i": 7,
        "m": {"k": 1},
        "o": {"a": 2, "z": 1},
        "t": "2024-11-24T01:00:00.000000Z",
        "tuple": [1, 2],
    }
    with pytest.raises(LedgerInputError, match="timezone-aware"):
        canonical_json({"t": datetime(2024, 1, 1)})


def test_is_canonical_rejects_near_misses() -> None:
    assert is_canonical(b'{"a":1}')
    for near in [
        b'{"a": 1}',
        b'{"b":1,"a":2}',
        b'{"a":1}\n',
        b'{"a":NaN}',
        b'{"a":"\\u00e9"}',
        b"\xff",
    ]:
        assert not is_canonical(near)


def test_time_format_is_utc_with_microseconds() -> None:
    t = datetime(2024, 11, 24, 3, 4, 5, 6, tzinfo=timezone(timedelta(hours=-2)))
    assert format_time(t) == "2024-11-24T05:04:05.000006Z"
    assert parse_time(format_time(t)) == t
    with pytest.raises(LedgerInputError, match="no UTC offset"):
        parse_time("2024-11-24T05:04:05")
    with pytest.raises(LedgerInputError, match="not an ISO 8601"):
        parse_time("yesterday")


def test_event_round_trip_through_entry_bytes(real_events: list[Event]) -> None:
    for i, event in enumerate(real_events[:200]):
        encoded = encode_event(event)
        entry = decode_entry(i, encoded.data)
        assert entry.to_event() == event
        assert encoded.case_id == event.payload.get("case_id")
        assert is_canonical(encoded.data)


def test_entry_rules() -> None:
    now = datetime(2024, 11, 24, tzinfo=UTC)
    with pytest.raises(LedgerInputError, match="case_id must be a string"):
        encode_event(Event("t", now, "a", {"case_id": 17}))
    with pytest.raises(LedgerInputError, match="byte limit"):
        encode_event(Event("t", now, "a", {"blob": "x" * MAX_ENTRY_BYTES}))
    with pytest.raises(InputError):
        event_from_json({"type": "", "actor": "a"}, now)
    with pytest.raises(LedgerInputError, match="unknown event keys"):
        event_from_json({"type": "t", "actor": "a", "name": "someone"}, now)
    event = event_from_json({"type": "t", "actor": "a", "time": "2024-11-24T01:00:00+01:00"}, now)
    assert event.time == datetime(2024, 11, 24, 0, 0, tzinfo=UTC)
    assert event_from_json({"type": "t", "actor": "a"}, now).time == now
    for bad in [b"[]", b'{"actor":"a"}', b"not json", b'{"x":1}']:
        with pytest.raises(LedgerInputError, match="entry 3"):
            decode_entry(3, bad)


@settings(max_examples=60, deadline=None)
@given(
    payload=st.dictionaries(st.text(), json_values, max_size=6),
    actor=st.text(min_size=1),
    kind=st.text(min_size=1),
    policy=st.none() | st.text(),
)
def test_entry_bytes_are_the_canonical_json_of_the_whole_entry(
    payload: dict[str, object], actor: str, kind: str, policy: str | None
) -> None:
    payload.pop("case_id", None)
    event = Event(kind, datetime(2024, 11, 24, tzinfo=UTC), actor, payload, policy)
    document = {
        "actor": actor,
        "payload": payload,
        "policy_hash": policy,
        "time": "2024-11-24T00:00:00.000000Z",
        "type": kind,
    }
    try:
        expected = canonical_json(document)
    except LedgerInputError:
        with pytest.raises(LedgerInputError):
            encode_event(event)
        return
    assert encode_event(event).data == expected


@settings(max_examples=300, deadline=None)
@given(
    time=st.datetimes(
        min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30), timezones=st.timezones()
    )
)
def test_the_fast_time_format_equals_the_reference(time: datetime) -> None:
    """format_time (one subtraction and table look-ups) writes exactly what astimezone and
    isoformat write, for any zone and offset, before 1970 and after."""
    assert format_time(time) == format_time_reference(time)
    assert parse_time(format_time(time)) == time.astimezone(UTC)


def test_a_naive_time_is_refused_by_both_time_formats() -> None:
    for write in (format_time, format_time_reference):
        with pytest.raises(LedgerInputError, match="timezone-aware"):
            write(datetime(2024, 1, 1))


def _reference_text(value: object) -> str:
    """The canonical form by the slow, obvious route: check and convert everything, then the
    standard library's encoder with the canonical options."""
    return json.dumps(
        normalise(value), ensure_ascii=False, allow_nan=False, sort_keys=True, separators=(",", ":")
    )


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_the_fast_encoder_writes_the_reference_bytes(value: object) -> None:
    assert canonical_text(value) == _reference_text(value)


@settings(max_examples=100, deadline=None)
@given(
    payload=st.dictionaries(
        st.text(max_size=10),
        st.floats(allow_nan=False, allow_infinity=False)
        | st.integers()
        | st.text()
        | st.booleans()
        | st.none(),
        max_size=12,
    ),
    seconds=st.integers(0, 10**9),
    micro=st.integers(0, 999_999),
)
def test_flat_payloads_as_events_are_the_reference_bytes(
    payload: dict[str, object], seconds: int, micro: int
) -> None:
    """The common shape (a flat payload of scalars) through the whole fast path of an event:
    byte for byte the canonical JSON of the entry document written the slow way."""
    payload.pop("case_id", None)
    time = datetime(1990, 1, 1, tzinfo=UTC) + timedelta(seconds=seconds, microseconds=micro)
    event = Event("observation.nmea", time, "ingest:vernon", payload, "sha256:p")
    document = {
        "actor": "ingest:vernon",
        "payload": payload,
        "policy_hash": "sha256:p",
        "time": format_time_reference(time),
        "type": "observation.nmea",
    }
    try:
        expected = _reference_text(document).encode("utf-8")
    except UnicodeEncodeError:
        with pytest.raises(LedgerInputError):
            encode_event(event)
        return
    assert encode_event(event).data == expected
