"""The anchor command for whole-process timing: decode AIS files with pyais alone.

    .venv-bench/bin/python bench/decode_pyais.py FILE... [--jsonl]

pyais's own file reader (``FileReaderStream``) with a preprocessor that drops a shore-log
prefix ``YYYY-MM-DD HH:MM:SS, ``, every message decoded; prints the counts as JSON (or, with
``--jsonl``, one ``asdict`` per message). The like-for-like of ``channelwatch decode``.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from typing import Any


class StripPrefix:
    """pyais preprocessor: remove the 21-byte shore-log prefix when there is one."""

    def process(self, line: bytes) -> bytes:
        return line[21:] if line[:1].isdigit() else line


def pyais_stats(path: str, emit: Any = None) -> dict[str, Any]:
    from pyais.stream import FileReaderStream

    types: Counter[int] = Counter()
    errors: Counter[str] = Counter()
    sentences = 0
    for msg in FileReaderStream(path, preprocessor=StripPrefix()):
        sentences += 1
        try:
            decoded = msg.decode()
        except Exception as exc:
            errors[type(exc).__name__] += 1
            continue
        types[decoded.msg_type] += 1
        if emit is not None:
            emit(decoded.asdict(enum_as_int=True))
    return {"messages": sentences, "decoded": sum(types.values()), "errors": dict(errors),
            "types": {str(k): v for k, v in sorted(types.items())}}  # fmt: skip


def main(argv: list[str]) -> None:
    jsonl = "--jsonl" in argv
    files = [a for a in argv if a != "--jsonl"]
    out = sys.stdout
    emit = (lambda d: out.write(json.dumps(d, default=repr) + "\n")) if jsonl else None
    docs = [pyais_stats(f, emit) for f in files]
    if not jsonl:
        print(json.dumps(docs))


if __name__ == "__main__":
    main(sys.argv[1:])
