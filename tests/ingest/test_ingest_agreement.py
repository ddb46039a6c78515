"""Our decoder against pyais, message for message and field for field, on every real recording.

Reference: pyais 3.3.1's own stream reader (``BinaryIOStream``) over the file, with a
preprocessor that removes the framing pyais does not parse (the shore-log prefix and the
receiver fields some feeds append after the checksum), keeping the messages whose sentences all
pass their checksum (pyais yields the others too; we count them as ``checksum`` errors), each
as ``decode().asdict(enum_as_int=True)``. Messages pyais fails to decode are counted, by us, as
``empty``, ``unknown_type`` or ``undecodable``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from ingest_refs import AIS_FILES, canonical, ours, pyais_reference, read_bytes

_FAILURE_KIND = {
    "MissingPayloadException": "empty",
    "UnknownMessageException": "unknown_type",
    "UnknownPartNoException": "undecodable",
}


@pytest.fixture(scope="module", params=AIS_FILES)
def recording(request: pytest.FixtureRequest, shared_data: Path) -> tuple[str, bytes]:
    name = str(request.param)
    return name, read_bytes(shared_data / "ais" / name)


def test_every_recording_is_covered(shared_data: Path) -> None:
    on_disk = {p.name for p in (shared_data / "ais").iterdir() if p.name != "PROVENANCE.md"}
    assert on_disk == set(AIS_FILES)


def test_agrees_with_pyais_message_for_message(recording: tuple[str, bytes]) -> None:
    name, data = recording
    expected, failures = pyais_reference(data)
    records, dec = ours(data)
    got = [r[3] for r in records]
    assert len(got) == len(expected), name
    assert canonical(got) == canonical(expected), name
    assert dec.stats.decoded == len(expected)
    # Every message pyais could not decode is counted under the matching kind.
    for exc_name, n in failures.items():
        assert dec.stats.errors.get(_FAILURE_KIND[exc_name], 0) == n, (name, exc_name)


def test_bulk_path_equals_line_by_line_reference(recording: tuple[str, bytes]) -> None:
    name, data = recording
    # The reference decodes everything with pyais, line by line: a slice of the big files is
    # enough here (the comparison with pyais above covers them whole).
    data = data[: data.find(b"\n", 600_000) + 1] if len(data) > 600_000 else data
    fast, fast_dec = ours(data)
    slow, slow_dec = ours(data, bulk=False)
    assert fast_dec.stats.to_dict() == slow_dec.stats.to_dict(), name
    # Same messages, same order, same times and sources.
    assert [(r[0], r[2]) for r in fast] == [(r[0], r[2]) for r in slow]
    assert [r[1] for r in fast] == pytest.approx([r[1] for r in slow], nan_ok=True)
    assert canonical([r[3] for r in fast]) == canonical([r[3] for r in slow])


@pytest.mark.parametrize(("chunk", "size"), [(1, 6_000), (97, 60_000), (4096, 200_000)])
def test_chunked_feeding_changes_nothing(shared_data: Path, chunk: int, size: int) -> None:
    data = read_bytes(shared_data / "ais" / "dma_stream_example_pghp.txt")[:size]
    whole, whole_dec = ours(data)
    parts, parts_dec = ours(data, chunk=chunk)
    assert whole_dec.stats.to_dict() == parts_dec.stats.to_dict()
    assert canonical([r[3] for r in whole]) == canonical([r[3] for r in parts])
    assert [r[1] for r in whole] == [r[1] for r in parts]
