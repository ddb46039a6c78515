"""Sources on real files and real sockets (127.0.0.1): file (plain and gzip), replay pacing,
TCP client with reconnection, UDP listener."""

from __future__ import annotations

import asyncio
import gzip
import socket
from pathlib import Path

import pytest

from channelwatch.ingest.errors import SourceError, SourceInputError
from channelwatch.ingest.observation import AisPosition, AisStatic
from channelwatch.ingest.sources import (
    FileSource,
    ReplaySource,
    TcpSource,
    UdpSource,
    decode_file,
    iter_observations,
)

LINES = [
    b"!AIVDM,1,1,,B,33I>hf0PA706QD:L7NC5lT;`011Q,0*22",
    b"!AIVDM,2,1,1,A,53I>hf000000HoC?O61@P4hE>22222222222221J<P:844000031H20ETQH8,0*10",
    b"!AIVDM,2,2,1,A,88888888880,2*25",
    b"!AIVDM,1,1,,A,23K8qh0000P6l1<L5q8HIT460<04,0*25",
]


async def _collect(source: object, n: int) -> list[object]:
    out: list[object] = []
    async for obs in source:  # type: ignore[attr-defined]
        out.append(obs)
        if len(out) == n:
            break
    return out


def test_gzip_and_plain_files_give_the_same_observations(shared_data: Path, tmp_path: Path) -> None:
    plain = shared_data / "ais" / "dma_stream_example_pghp.txt"
    packed = tmp_path / "stream.dat"  # no .gz suffix: gzip is recognised by content
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    a = list(iter_observations(plain))
    b = list(iter_observations(packed))
    assert len(a) > 3000
    assert [(o.mmsi, o.time) for o in a] == [(o.mmsi, o.time) for o in b]
    assert all(o.time.tzinfo is not None for o in a)
    assert {type(o) for o in a} == {AisPosition, AisStatic}


def test_file_read_in_small_chunks_is_the_same(shared_data: Path) -> None:
    path = shared_data / "ais" / "ais_vernon_20160401.log"
    whole = [len(b) for b in decode_file(path)]
    parts = [len(b) for b in decode_file(path, chunk_bytes=50_000)]
    assert sum(whole) == sum(parts) == 55242


def test_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(SourceInputError, match=r"nope\.log"):
        list(iter_observations(tmp_path / "nope.log"))


async def test_file_source_is_an_async_iterator(shared_data: Path) -> None:
    src = FileSource(shared_data / "ais" / "libais_tagblock.nmea")
    got = [o async for o in src]
    assert src.stats.decoded == 4
    assert [type(o).__name__ for o in got] == [
        "AisPosition",
        "AisStatic",
        "AisPosition",
        "AisPosition",
    ]
    assert got[0].source == "rORBCOMM104"


async def test_replay_paces_by_recorded_time(tmp_path: Path) -> None:
    # Three reports 0 s, 60 s and 3600 s apart, replayed 60 times faster than real time.
    path = tmp_path / "log.txt"
    path.write_bytes(
        b"2016-04-01 10:00:00, " + LINES[0] + b"\n"
        b"2016-04-01 10:01:00, " + LINES[3] + b"\n"
        b"2016-04-01 11:01:00, " + LINES[0] + b"\n"
    )
    clock = [0.0]
    slept: list[float] = []

    async def fake_sleep(s: float) -> None:
        slept.append(s)
        clock[0] += s

    src = ReplaySource(path, speed=60.0, sleep=fake_sleep, monotonic=lambda: clock[0])
    got = [o async for o in src]
    assert len(got) == 3
    assert slept == pytest.approx([1.0, 60.0])
    assert (got[2].time - got[0].time).total_seconds() == 3660


def test_replay_refuses_a_bad_speed(tmp_path: Path) -> None:
    with pytest.raises(SourceInputError, match="speed"):
        ReplaySource(tmp_path / "x", speed=0)


async def test_tcp_client_reads_and_reconnects() -> None:
    sessions: list[int] = []

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        sessions.append(len(sessions))
        if len(sessions) == 1:
            # First connection: a report and the first half of a type 5, then drop.
            writer.write(LINES[0] + b"\r\n" + LINES[1] + b"\r\n")
        else:
            writer.write(LINES[3][:20])
            await writer.drain()
            await asyncio.sleep(0.05)
            writer.write(LINES[3][20:] + b"\r\n")
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with server:
        src = TcpSource("127.0.0.1", port, backoff_s=0.01, clock=lambda: 1e9)
        got = await asyncio.wait_for(_collect(src, 2), timeout=20)
    assert [o.msg_type for o in got] == [3, 2]  # type: ignore[attr-defined]
    assert src.connections == 2
    assert src.stats.errors == {"orphan": 1}  # the half message lost with the first connection
    assert got[0].time.timestamp() == 1e9  # type: ignore[attr-defined]
    assert got[0].source == f"tcp:127.0.0.1:{port}"  # type: ignore[attr-defined]


async def test_tcp_client_gives_up_after_max_attempts() -> None:
    with socket.socket() as s:  # a port with nothing listening
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    delays: list[float] = []

    async def no_sleep(s: float) -> None:
        delays.append(s)

    src = TcpSource("127.0.0.1", port, backoff_s=0.5, max_attempts=4, sleep=no_sleep)
    with pytest.raises(SourceError, match="after 4 attempts"):
        await asyncio.wait_for(_collect(src, 1), timeout=20)
    assert delays == [0.5, 1.0, 2.0]  # exponential back-off between attempts


async def test_udp_listener_receives_datagrams() -> None:
    async with UdpSource("127.0.0.1", 0, clock=lambda: 1.5e9) as src:
        assert src.port > 0
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as tx:
            tx.sendto(LINES[0], ("127.0.0.1", src.port))  # no newline: added
            tx.sendto(LINES[1] + b"\r\n", ("127.0.0.1", src.port))
            tx.sendto(LINES[2] + b"\r\n" + LINES[3] + b"\r\n", ("127.0.0.1", src.port))
            got = await asyncio.wait_for(_collect(src, 3), timeout=20)
    assert [type(o).__name__ for o in got] == ["AisPosition", "AisStatic", "AisPosition"]
    assert got[1].name == "THALES"  # type: ignore[attr-defined]
    assert all(o.time.timestamp() == 1.5e9 for o in got)  # type: ignore[attr-defined]
    assert got[0].source == f"udp:127.0.0.1:{src.port}"  # type: ignore[attr-defined]


def test_bad_ports_are_input_errors() -> None:
    with pytest.raises(SourceInputError, match="70000"):
        TcpSource("127.0.0.1", 70000)
    with pytest.raises(SourceInputError, match="-1"):
        UdpSource("127.0.0.1", -1)
