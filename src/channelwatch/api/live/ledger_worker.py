"""The ledger appender's own process: ``python -m channelwatch.api.live.ledger_worker LOCATION
KEY_PATH [SCHEMA]``.

It opens the ledger with its signing key and appends what the server sends: each request on
stdin is a frame (:mod:`channelwatch.api.live.frames`) holding a list of encoded entries as
``(data, case_id)`` pairs; each answer on stdout is ``(True, first_index)`` once the entries
are durably committed and signed over (their indices follow on from it), or
``(False, message)``. Why a process: see :mod:`channelwatch.api.live.appender`.
"""

from __future__ import annotations

import sys
from pathlib import Path

from channelwatch.api.live.frames import read_frame, write_frame
from channelwatch.ledger import Ledger
from channelwatch.ledger.entry import EncodedEntry


def main() -> None:
    location, key_path = sys.argv[1], Path(sys.argv[2])
    schema = sys.argv[3] if len(sys.argv) > 3 else None
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    try:
        ledger = Ledger.open(location, key_path=key_path, schema=schema)
    except Exception as exc:  # answered: the server names it when it starts
        write_frame(stdout, (False, f"{type(exc).__name__}: {exc}"))
        return
    with ledger:
        write_frame(stdout, (True, ledger.size))
        while (request := read_frame(stdin)) is not None:
            try:
                indices = ledger.append_encoded([EncodedEntry(d, c) for d, c in request])
            except Exception as exc:  # answered, not fatal: the next batch may be fine
                write_frame(stdout, (False, f"{type(exc).__name__}: {exc}"))
                continue
            write_frame(stdout, (True, indices[0] if indices else ledger.size))


if __name__ == "__main__":
    main()
