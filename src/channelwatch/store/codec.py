"""JSON and time conversions shared by the store backends."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime, timedelta
from typing import Any


def _clean(obj: Any) -> Any:
    # JSON has no NaN or infinity (PostgreSQL's jsonb refuses them): they are "not known".
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {str(k): _clean(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_clean(v) for v in obj]
    if isinstance(obj, datetime):
        return obj.astimezone(UTC).isoformat()
    return obj


# one encoder for every body: json.dumps with options builds a new one on each call
_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def dumps(obj: Any) -> str:
    """Compact JSON of a body; NaN and infinities become null, datetimes ISO 8601 UTC."""
    try:
        return _ENCODER.encode(obj)
    except (ValueError, TypeError):
        return _ENCODER.encode(_clean(obj))


def loads(text: str | bytes | None) -> Any:
    return {} if text is None else json.loads(text)


def to_us(t: datetime) -> int:
    """Integer microseconds since 1970 UTC (exact, unlike float seconds)."""
    delta = t.astimezone(UTC) - datetime(1970, 1, 1, tzinfo=UTC)
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def from_us(us: int) -> datetime:
    return _EPOCH + timedelta(microseconds=us)


def as_utc(t: datetime) -> datetime:
    return t.astimezone(UTC)
