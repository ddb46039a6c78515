"""Reading single spreadsheet cells: dates, counts and the "not available" markers.

Official tables mix types (ODS gives datetimes and floats, CSV gives strings) and mark missing
values with "-", "[x]", ".." or an empty cell. These helpers turn one cell into a value or
``None`` (not available) and raise ``ValueError`` for a cell that is present but unreadable, so
the caller can skip and count that row.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime

MISSING_MARKERS = frozenset({"", "-", "–", "—", "..", "[x]", "[z]", "[c]", "[u]", "n/a", "na"})

_DATE_FORMATS = ("%d/%m/%Y", "%d %B %Y", "%d %b %Y", "%d-%b-%y", "%d-%b-%Y")
_FOOTNOTE = re.compile(r"\[(note|x|z|c)\s*\d*\]", re.IGNORECASE)
_SPACES = re.compile(r"\s+")


def normalise_header(cell: object) -> str:
    """Lower-case a column header and drop footnote markers such as "[note 3]"."""
    if cell is None:
        return ""
    text = _FOOTNOTE.sub("", str(cell))
    return _SPACES.sub(" ", text).strip().lower()


def is_missing(cell: object) -> bool:
    """True for an empty cell or a marker of "not available"."""
    if cell is None:
        return True
    if isinstance(cell, float) and math.isnan(cell):
        return True
    return isinstance(cell, str) and cell.strip().lower() in MISSING_MARKERS


def parse_date(cell: object) -> date:
    """A calendar date from a datetime, a date, an ISO string or a UK-style string."""
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    if not isinstance(cell, str) or not cell.strip():
        raise ValueError(f"not a date: {cell!r}")
    text = cell.strip()
    try:
        return datetime.fromisoformat(text).date()
    except ValueError:
        pass
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"not a date: {cell!r}")


def parse_count(cell: object) -> int | None:
    """A non-negative whole count, or None when the cell says "not available"."""
    if is_missing(cell):
        return None
    if isinstance(cell, bool):
        raise ValueError(f"not a count: {cell!r}")
    if isinstance(cell, int):
        value = cell
    elif isinstance(cell, float):
        if not cell.is_integer():
            raise ValueError(f"not a whole count: {cell!r}")
        value = int(cell)
    elif isinstance(cell, str):
        text = cell.strip().replace(",", "").replace("\u00a0", "").replace(" ", "")
        try:
            number = float(text)
        except ValueError:
            raise ValueError(f"not a count: {cell!r}") from None
        if not number.is_integer():
            raise ValueError(f"not a whole count: {cell!r}")
        value = int(number)
    else:
        raise ValueError(f"not a count: {cell!r}")
    if value < 0:
        raise ValueError(f"negative count: {cell!r}")
    return value


def parse_float(cell: object) -> float | None:
    """A finite number, or None when the cell says "not available"."""
    if is_missing(cell):
        return None
    if isinstance(cell, bool):
        raise ValueError(f"not a number: {cell!r}")
    if isinstance(cell, int | float):
        value = float(cell)
    elif isinstance(cell, str):
        try:
            value = float(cell.strip().replace(",", ""))
        except ValueError:
            raise ValueError(f"not a number: {cell!r}") from None
    else:
        raise ValueError(f"not a number: {cell!r}")
    if not math.isfinite(value):
        raise ValueError(f"not a finite number: {cell!r}")
    return value
