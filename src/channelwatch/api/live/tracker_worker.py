"""The tracker's own process: ``python -m channelwatch.api.live.tracker_worker ACTOR``.

It reads requests from stdin and writes answers to stdout, each a frame
(:mod:`channelwatch.api.live.frames`). A request is ``(operation, argument)`` with operation
"ingest" (items as :func:`~channelwatch.api.live.tracking.encode_items` makes them) or
"snapshot" (``(now, fresh)``: trails are sent as they grow, from scratch when ``fresh``; see
:func:`~channelwatch.api.live.tracking.snapshot_with`); the answer is ``(True, result)`` or
``(False, message)``. Run as a plain module (not multiprocessing), so the server's own
``__main__`` is never imported again.
"""

from __future__ import annotations

import os
import sys
from typing import Any

from channelwatch.api.live.frames import read_frame, write_frame
from channelwatch.api.live.tracking import decode_items, ingest_with, snapshot_with


def main() -> None:
    from channelwatch.track import Tracker

    os.nice(5)  # recording comes first: under overload the picture lags, the intake does not
    tracker = Tracker(actor=sys.argv[1] if len(sys.argv) > 1 else "tracker")
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    sent: dict[str, Any] = {}  # trail points already in the server's picture
    write_frame(stdout, (True, "ready"))
    while (request := read_frame(stdin)) is not None:
        op, arg = request
        try:
            if op == "ingest":
                result: Any = ingest_with(tracker, decode_items(arg))
            elif op == "snapshot":
                now, fresh = arg
                if fresh:
                    sent.clear()
                result = snapshot_with(tracker, now, sent)
            else:
                raise ValueError(f"unknown operation {op!r}")
        except Exception as exc:  # answered, not fatal: the next batch may be fine
            write_frame(stdout, (False, f"{type(exc).__name__}: {exc}"))
            continue
        write_frame(stdout, (True, result))


if __name__ == "__main__":
    main()
