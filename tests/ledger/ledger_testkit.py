"""Shared helpers of the ledger tests: an independent RFC 6962 reference, real AIS events."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from channelwatch.events import Event

PARIS = ZoneInfo("Europe/Paris")


class Reference:
    """RFC 6962 §2.1 written out literally (recursive MTH, PATH, PROOF/SUBPROOF), independent of
    the package's iterative code, to check it against."""

    def __init__(self, entries: list[bytes]) -> None:
        self.d = entries
        self._mth = lru_cache(maxsize=None)(self._mth_uncached)

    @staticmethod
    def k(n: int) -> int:
        """The largest power of two smaller than n, by counting (not by bit tricks)."""
        k = 1
        while k * 2 < n:
            k *= 2
        return k

    def _mth_uncached(self, lo: int, hi: int) -> bytes:
        n = hi - lo
        if n == 0:
            return hashlib.sha256(b"").digest()
        if n == 1:
            return hashlib.sha256(b"\x00" + self.d[lo]).digest()
        k = self.k(n)
        return hashlib.sha256(b"\x01" + self._mth(lo, lo + k) + self._mth(lo + k, hi)).digest()

    def mth(self, lo: int = 0, hi: int | None = None) -> bytes:
        return self._mth(lo, len(self.d) if hi is None else hi)

    def path(self, m: int, lo: int, hi: int) -> list[bytes]:
        n = hi - lo
        if n == 1:
            return []
        k = self.k(n)
        if m < k:
            return [*self.path(m, lo, lo + k), self.mth(lo + k, hi)]
        return [*self.path(m - k, lo + k, hi), self.mth(lo, lo + k)]

    def subproof(self, m: int, lo: int, hi: int, b: bool) -> list[bytes]:
        n = hi - lo
        if m == n:
            return [] if b else [self.mth(lo, hi)]
        k = self.k(n)
        if m <= k:
            return [*self.subproof(m, lo, lo + k, b), self.mth(lo + k, hi)]
        return [*self.subproof(m - k, lo + k, hi, False), self.mth(lo, lo + k)]

    def proof(self, m: int, n: int) -> list[bytes]:
        return self.subproof(m, 0, n, True)


def vernon_lines(shared_data: Path, count: int) -> list[tuple[datetime, str]]:
    """The first ``count`` AIS sentences of the Vernon recording, with their UTC times (the
    recording stamps Paris local time)."""
    out = []
    path = shared_data / "ais" / "ais_vernon_20160331.log"
    with path.open(encoding="ascii", errors="replace") as f:
        for line in f:
            stamp, _, sentence = line.rstrip("\n").partition(", ")
            if not sentence.startswith("!AIVDM"):
                continue
            local = datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S").replace(tzinfo=PARIS)
            out.append((local.astimezone(UTC), sentence))
            if len(out) == count:
                break
    return out


def vernon_events(shared_data: Path, count: int, cases: int = 5) -> Iterator[Event]:
    """Real AIS sentences as the events ingest records (one in seven tagged with a case)."""
    for i, (time, sentence) in enumerate(vernon_lines(shared_data, count)):
        payload: dict[str, object] = {"sentence": sentence, "receiver": "vernon", "line": i}
        if i % 7 == 0:
            payload["case_id"] = f"CASE-{i % cases}"
        yield Event("observation.nmea", time, "ingest:vernon", payload, "sha256:policy-v1")
