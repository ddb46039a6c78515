"""Canonical JSON: one byte string for one value, so that a hash of it means one thing.

The form is RFC 8785-like (documented in docs/design/ledger.md): UTF-8, object keys sorted by
Unicode code point, no insignificant whitespace, the minimal string escapes of RFC 8785, no NaN or
infinity, integers in decimal, finite floats in Python's shortest round-trip form. Only string
keys are accepted (a silent ``1`` → ``"1"`` would let two different payloads hash alike).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from enum import Enum
from typing import Any

from channelwatch.ledger.errors import LedgerInputError

_SCALARS = frozenset({str, int, float, bool, type(None)})

_ENCODER = json.JSONEncoder(
    ensure_ascii=False, allow_nan=False, sort_keys=True, separators=(",", ":")
).encode


def _fast_encoder() -> Callable[[Any], str]:
    """The C encoder built once (``JSONEncoder.encode`` rebuilds it on every call): same output,
    a third less time on small events. Falls back to the plain encoder without the C module."""
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:
        return _ENCODER
    # markers=None: no cycle check here; a cycle ends in RecursionError, caught by the caller.
    encode = make(None, None, json.encoder.encode_basestring, None, ":", ",", True, False, False)

    def fast(value: Any) -> str:
        return "".join(encode(value, 0))

    probe = {"b": [1.5, None, True], "a": "é\n"}
    return fast if fast(probe) == _ENCODER(probe) else _ENCODER


_FAST = _fast_encoder()


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_DAY_TEXT: dict[int, str] = {}  # days since the epoch -> "YYYY-MM-DDT", a small bounded cache
_TWO_DIGITS = tuple(f"{i:02d}" for i in range(60))


def format_time(time: datetime) -> str:
    """A UTC-aware datetime as ``YYYY-MM-DDTHH:MM:SS.ffffffZ`` (always microseconds, always Z)."""
    try:
        # One C subtraction converts any offset to UTC and refuses a naive time (TypeError):
        # half the cost of astimezone + isoformat, and this runs once per appended event.
        delta = time - _EPOCH
    except TypeError:
        raise LedgerInputError(f"time must be timezone-aware UTC, got {time!r}") from None
    days = delta.days
    day = _DAY_TEXT.get(days)
    if day is None:
        if len(_DAY_TEXT) >= 4096:
            _DAY_TEXT.clear()
        day = _DAY_TEXT[days] = (_EPOCH + timedelta(days=days)).date().isoformat() + "T"
    hours, rest = divmod(delta.seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    two = _TWO_DIGITS  # table lookups: format specs cost more than the rest of the function
    micro = str(1_000_000 + delta.microseconds)[1:]
    return f"{day}{two[hours]}:{two[minutes]}:{two[seconds]}.{micro}Z"


def format_time_reference(time: datetime) -> str:
    """:func:`format_time` written the obvious way (tests check the two agree)."""
    if time.utcoffset() is None:
        raise LedgerInputError(f"time must be timezone-aware UTC, got {time!r}")
    return time.astimezone(UTC).isoformat(timespec="microseconds")[:-6] + "Z"


def parse_time(text: str) -> datetime:
    """Inverse of :func:`format_time` (also accepts any ISO 8601 time with an offset)."""
    try:
        parsed = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        raise LedgerInputError(f"time {text!r} is not an ISO 8601 time") from None
    if parsed.tzinfo is None:
        raise LedgerInputError(f"time {text!r} has no UTC offset")
    return parsed.astimezone(UTC)


def _convert(obj: Any) -> Any:
    """Values JSON lacks but events commonly carry, turned into their plain JSON form."""
    if isinstance(obj, datetime):
        return format_time(obj)
    if isinstance(obj, Mapping):
        return dict(obj)
    if isinstance(obj, Enum):
        return obj.value
    if hasattr(obj, "tolist"):  # numpy arrays and scalars, without importing numpy
        return obj.tolist()
    raise LedgerInputError(f"value of type {type(obj).__name__} is not JSON: {obj!r:.80}")


class _BadKeyError(Exception):
    def __init__(self, key: object) -> None:
        self.key = key


def _check_keys(value: Any) -> None:
    """Raise _BadKey on a non-string key; the hot path (plain dicts and lists) stays cheap."""
    if isinstance(value, dict):
        for key, item in value.items():
            if type(key) is not str:
                raise _BadKeyError(key)
            if type(item) not in _SCALARS:
                _check_keys(item)
    elif isinstance(value, list | tuple):
        for item in value:
            if type(item) not in _SCALARS:
                _check_keys(item)


def normalise(value: Any, where: str = "value") -> Any:
    """The plain JSON form of ``value`` (dicts, lists, str, int, float, bool, None), checked:
    LedgerInputError names the place of a non-string key, a NaN or a value JSON lacks."""
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:
        return value
    if kind is float or isinstance(value, float):
        if not math.isfinite(value):
            raise LedgerInputError(f"{where} is {float(value)!r}: JSON has no NaN or infinity")
        return float(value)
    if isinstance(value, str | int) and not isinstance(value, Enum):
        return str(value) if isinstance(value, str) else int(value)
    if isinstance(value, Mapping):
        out = {}
        for key, item in value.items():
            if type(key) is not str:
                raise LedgerInputError(f"{where} has a non-string key {key!r}")
            out[key] = normalise(item, f"{where}.{key}")
        return out
    if isinstance(value, list | tuple):
        return [normalise(item, f"{where}[{i}]") for i, item in enumerate(value)]
    return normalise(_convert(value), where)


def canonical_text(value: Any, where: str = "value") -> str:
    """The canonical JSON text of a value (see :func:`canonical_json`), not yet UTF-8."""
    try:
        _check_keys(value)
        return _FAST(value)
    except (_BadKeyError, ValueError, TypeError, RecursionError):
        # Rare path: find and name the problem, or convert datetimes, mappings, numpy values.
        try:
            return _ENCODER(normalise(value, where))
        except RecursionError:
            raise LedgerInputError(f"{where} is nested too deeply (or refers to itself)") from None


def utf8(text: str, where: str = "value") -> bytes:
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise LedgerInputError(f"{where} holds a string that is not UTF-8: {exc.reason}") from None


def canonical_json(value: Any, where: str = "value") -> bytes:
    """The canonical UTF-8 bytes of a JSON value; LedgerInputError names what is not JSON."""
    return utf8(canonical_text(value, where), where)


# A string as canonical JSON (the C function the encoder itself uses, when present).
json_string: Callable[[str], str] = json.encoder.encode_basestring


def is_canonical(data: bytes) -> bool:
    """Whether ``data`` is exactly the canonical encoding of the JSON value it holds."""
    try:
        value = json.loads(data.decode("utf-8"), parse_constant=_reject_constant)
        return canonical_json(value) == data
    except (UnicodeDecodeError, ValueError, LedgerInputError):
        return False


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")
