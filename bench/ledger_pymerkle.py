"""Helper of bench/ledger.py for whole-process timings: pymerkle's side, on the same entries.

    .venv-bench/bin/python bench/ledger_pymerkle.py build LEDGER.db PYMERKLE.db
        copy the entry bytes of a ChannelWatch ledger into a pymerkle SqliteTree
    .venv-bench/bin/python bench/ledger_pymerkle.py root PYMERKLE.db
        recompute and print the root from pymerkle's stored leaf hashes (cold cache)

Time the second beside ``channelwatch ledger verify LEDGER.db`` (e.g. with /usr/bin/time -v).
"""

from __future__ import annotations

import sqlite3
import sys


def build(ledger: str, target: str) -> None:
    import pymerkle

    db = sqlite3.connect(ledger)
    tree = pymerkle.SqliteTree(target)
    cursor = db.execute("SELECT entry FROM entries ORDER BY idx")
    while rows := cursor.fetchmany(10_000):
        tree.append_entries([bytes(r[0]) for r in rows])
    print(tree.get_size(), tree.get_root().hex())
    tree.close()


def root(target: str) -> None:
    import pymerkle

    tree = pymerkle.SqliteTree(target)
    print(tree.get_size(), tree.get_root().hex())
    tree.close()


if __name__ == "__main__":
    if sys.argv[1:2] == ["build"] and len(sys.argv) == 4:
        build(sys.argv[2], sys.argv[3])
    elif sys.argv[1:2] == ["root"] and len(sys.argv) == 3:
        root(sys.argv[2])
    else:
        sys.exit(__doc__)
