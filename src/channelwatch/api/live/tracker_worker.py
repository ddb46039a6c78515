"""The tracker's own process: ``python -m channelwatch.api.live.tracker_worker ACTOR``.

It reads requests from stdin and writes answers to stdout, each a frame: an 8-byte big-endian
length and a pickle. A request is ``(operation, argument)`` with operation "ingest" (items as
:func:`~channelwatch.api.live.tracking.encode_items` makes them) or "snapshot"; the answer is
``(True, result)`` or ``(False, message)``. Only the server that started it talks to it, over
its pipes. Run as a plain module (not multiprocessing), so the
server's own ``__main__`` is never imported again.
"""

from __future__ import annotations

import os
import pickle
import struct
import sys
from typing import Any, BinaryIO

from channelwatch.api.live.tracking import decode_items, ingest_with, snapshot_with

HEADER = struct.Struct(">Q")


def read_frame(stream: BinaryIO) -> Any | None:
    head = stream.read(HEADER.size)
    if len(head) < HEADER.size:
        return None
    (n,) = HEADER.unpack(head)
    return pickle.loads(stream.read(n))


def write_frame(stream: BinaryIO, obj: Any) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(HEADER.pack(len(data)) + data)
    stream.flush()


def main() -> None:
    from channelwatch.track import Tracker

    os.nice(5)  # recording comes first: under overload the picture lags, the intake does not
    tracker = Tracker(actor=sys.argv[1] if len(sys.argv) > 1 else "tracker")
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    write_frame(stdout, (True, "ready"))
    while (request := read_frame(stdin)) is not None:
        op, arg = request
        try:
            if op == "ingest":
                result: Any = ingest_with(tracker, decode_items(arg))
            elif op == "snapshot":
                result = snapshot_with(tracker, arg)
            else:
                raise ValueError(f"unknown operation {op!r}")
        except Exception as exc:  # answered, not fatal: the next batch may be fine
            write_frame(stdout, (False, f"{type(exc).__name__}: {exc}"))
            continue
        write_frame(stdout, (True, result))


if __name__ == "__main__":
    main()
