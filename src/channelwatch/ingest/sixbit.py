"""AIS six-bit payload armour, vectorised: characters to 6-bit values and bit fields out of them.

Everything here works on a whole batch of payloads at once, held as a matrix of 6-bit values
(one row per message, one column per payload character, zero-padded on the right) and an array
of bit lengths (``6 * characters - fill bits``). Field extraction follows the AIS rule that a
field cut short by the end of the payload keeps only the bits that were sent, right-aligned,
and a field that starts past the end is absent.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import numpy.typing as npt

U8 = npt.NDArray[np.uint8]
I64 = npt.NDArray[np.int64]
BoolArr = npt.NDArray[np.bool_]


def _armour_tables() -> tuple[U8, U8]:
    value = np.zeros(256, dtype=np.uint8)
    valid = np.zeros(256, dtype=np.uint8)
    # ITU-R M.1371 armour: '0'..'W' carry 0..39 and '`'..'w' carry 40..63; nothing else is valid.
    for c in range(48, 88):
        value[c] = c - 48
        valid[c] = 1
    for c in range(96, 120):
        value[c] = c - 56
        valid[c] = 1
    return value, valid


_TABLES = _armour_tables()
ARMOUR_VALUE: Final[U8] = _TABLES[0]
ARMOUR_VALID: Final[U8] = _TABLES[1]

# The six-bit text alphabet: 0..31 are '@'..'_', 32..63 are ' '..'?'.
SIXBIT_ASCII: Final[U8] = np.array([v + 64 if v < 32 else v for v in range(64)], dtype=np.uint8)

_ARMOUR_CHARS: Final[bytes] = bytes([*range(48, 88), *range(96, 120)])


def armour(values: bytes | list[int]) -> bytes:
    """6-bit values (0..63) to payload characters."""
    return bytes(_ARMOUR_CHARS[v] for v in values)


def payload_matrix(payloads: list[bytes], min_chars: int = 0) -> U8:
    """Stack payloads (armoured characters) into a zero-padded matrix of 6-bit values."""
    width = max([min_chars, *map(len, payloads)]) if payloads else min_chars
    out = np.zeros((len(payloads), width), dtype=np.uint8)
    for i, p in enumerate(payloads):
        out[i, : len(p)] = ARMOUR_VALUE[np.frombuffer(p, dtype=np.uint8)]
    return out


def gather_matrix(buf: U8, starts: I64, lengths: I64, min_chars: int = 0) -> U8:
    """6-bit values of each payload ``buf[start:start + length]``, zero-padded to one width."""
    n = len(starts)
    longest = int(lengths.max()) if n else 0
    width = max(min_chars, longest)
    out = np.zeros((n, width), dtype=np.uint8)
    if not n or not longest:
        return out
    if int(starts.max()) + longest > len(buf):
        buf = np.concatenate([buf, np.zeros(longest, dtype=np.uint8)])
    # Rows of a sliding window over the buffer: one copy, no index matrix.
    rows = np.lib.stride_tricks.sliding_window_view(buf, longest)[starts]
    vals = ARMOUR_VALUE[rows]
    if int(lengths.min()) < longest:
        vals[np.arange(longest)[None, :] >= lengths[:, None]] = 0
    out[:, :longest] = vals
    return out


def field(values: U8, n_bits: I64, offset: int, width: int, signed: bool) -> tuple[I64, BoolArr]:
    """One bit field of every row: (value, present). Width at most 32 bits.

    A row whose payload ends inside the field gets the bits it has, right-aligned (and signed
    on that shorter width); a row whose payload ends before the field has ``present`` False.
    """
    first = offset // 6
    last = (offset + width - 1) // 6
    if last >= values.shape[1]:
        pad = np.zeros((values.shape[0], last + 1 - values.shape[1]), dtype=np.uint8)
        values = np.concatenate([values, pad], axis=1)
    acc = values[:, first].astype(np.int64)
    for c in range(first + 1, last + 1):
        acc <<= 6
        acc |= values[:, c]
    acc >>= 6 * (last + 1) - (offset + width)
    acc &= (1 << width) - 1
    if len(n_bits) and int(n_bits.min()) >= offset + width:
        # Every payload holds the whole field: the common case, no truncation rules.
        if signed:
            acc -= ((acc >> (width - 1)) & 1) << width
        return acc, np.ones(len(acc), dtype=np.bool_)
    avail = np.clip(n_bits - offset, 0, width)
    present = avail > 0
    value = acc >> (width - avail)
    if signed:
        sign = (value >> np.maximum(avail - 1, 0)) & 1
        value = value - (sign << avail)
    return np.where(present, value, 0), present


def text(values: U8, n_bits: I64, offset: int, width: int) -> tuple[U8, BoolArr]:
    """A six-bit text field as a matrix of ASCII codes (one column per character), and presence.

    Characters cut short keep their remaining bits right-aligned and characters past the end
    read as 0 ('@'), as the AIS bit layout implies; callers trim trailing '@' and spaces.
    """
    n_chars = width // 6
    codes = np.empty((values.shape[0], n_chars), dtype=np.uint8)
    for k in range(n_chars):
        v, _ = field(values, n_bits, offset + 6 * k, 6, signed=False)
        codes[:, k] = SIXBIT_ASCII[v]
    return codes, n_bits > offset


def trim_text(raw: bytes) -> str:
    """The AIS convention for text: '@' pads on the right, then surrounding spaces go."""
    return raw.decode("ascii").rstrip("@").strip()
