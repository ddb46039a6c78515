"""One finding of a verification (of a stored ledger or of an exported bundle)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing found wrong; ``index`` is the first entry concerned when it is known."""

    index: int | None
    what: str

    def __str__(self) -> str:
        return self.what if self.index is None else f"entry {self.index}: {self.what}"
