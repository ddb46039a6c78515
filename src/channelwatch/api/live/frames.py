"""Frames on the pipes between the server and its worker processes (the tracker, the ledger
appender): an 8-byte big-endian length, then a pickle. Only the server that started a worker
talks to it, over that worker's own stdin and stdout."""

from __future__ import annotations

import asyncio
import pickle
import struct
from typing import Any, BinaryIO

HEADER = struct.Struct(">Q")


def pack(obj: Any) -> bytes:
    """One frame of ``obj``."""
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    return HEADER.pack(len(data)) + data


def read_frame(stream: BinaryIO) -> Any | None:
    """The next frame's object (in a worker), or None at the end of the stream."""
    head = stream.read(HEADER.size)
    if len(head) < HEADER.size:
        return None
    (n,) = HEADER.unpack(head)
    return pickle.loads(stream.read(n))


def write_frame(stream: BinaryIO, obj: Any) -> None:
    """Write and flush one frame (in a worker)."""
    stream.write(pack(obj))
    stream.flush()


async def read_frame_async(reader: asyncio.StreamReader) -> Any:
    """The next frame's object (in the server); IncompleteReadError if the worker is gone."""
    (n,) = HEADER.unpack(await reader.readexactly(HEADER.size))
    return pickle.loads(await reader.readexactly(n))
