"""Helpers for the ingest tests: the pyais reference reading of a file, and our decoder's."""

from __future__ import annotations

import gzip
import io
import json
import re
from pathlib import Path
from typing import Any

from channelwatch.ingest.decoder import NmeaDecoder

AIS_FILES = (
    "ais_vernon_20160331.log",
    "ais_vernon_20160401.log",
    "amsa_ais.txt.gz",
    "amsa_nmea-timestamped.txt",
    "dma_stream_example_pghp.txt",
    "gpsd_ais-18-27.log",
    "gpsd_ais-nmea.log",
    "gpsd_sample.aivdm",
    "libais_tagblock.nmea",
    "libais_typeexamples.nmea",
    "pyais_nmea_data_sample.txt",
)

_PREFIX = re.compile(rb"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d, ?")
_TRAILER = re.compile(rb"(\*[0-9A-Fa-f]{2}),.*$")


class StripFraming:
    """A pyais preprocessor: remove the framing pyais does not know (shore-log prefix, receiver
    fields after the checksum), so that pyais reads the sentence itself."""

    def process(self, line: bytes) -> bytes:
        line = _PREFIX.sub(b"", line.strip())
        return _TRAILER.sub(rb"\1", line)


def read_bytes(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data


def pyais_reference(data: bytes) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """What pyais's own stream reader yields, restricted to sentences with valid checksums:
    (asdict(enum_as_int=True) of each decodable message, {exception name: count})."""
    from pyais.stream import BinaryIOStream

    out: list[dict[str, Any]] = []
    failures: dict[str, int] = {}
    for msg in BinaryIOStream(io.BytesIO(data), preprocessor=StripFraming()):
        if not msg.is_valid:
            continue
        try:
            decoded = msg.decode()
        except Exception as exc:
            name = type(exc).__name__
            failures[name] = failures.get(name, 0) + 1
            continue
        out.append(decoded.asdict(enum_as_int=True))
    return out, failures


def ours(data: bytes, *, chunk: int | None = None, **kwargs: Any) -> tuple[list[Any], NmeaDecoder]:
    """(line, time_s, source, fields) of every message our decoder gives, in order."""
    dec = NmeaDecoder(**kwargs)
    records: list[Any] = []
    step = chunk or len(data) or 1
    for i in range(0, len(data), step):
        records.extend(dec.feed(data[i : i + step]).records())
    records.extend(dec.flush().records())
    return records, dec


def canonical(fields: list[dict[str, Any]]) -> list[str]:
    """Exact JSON text of each message: catches int/float and value differences alike."""
    return [json.dumps(f, default=repr) for f in fields]
