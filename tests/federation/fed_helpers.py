"""Helpers of the federation tests: two centres in one process, a pump between them without
NATS, and real nats-server and node processes that can be killed and restarted."""

from __future__ import annotations

import contextlib
import json
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from channelwatch.federation.node import Node, Receipt
from channelwatch.federation.outbox import pending
from channelwatch.ledger import Ledger
from servers import ChildProcess, wait_port  # type: ignore[import-not-found]

CHANNELWATCH = str(Path(sys.executable).parent / "channelwatch")


@dataclass
class Pump:
    """Moves one centre's outbox to another node as a stream would (sequence numbers from 1)."""

    src: Node
    dst: Node
    cursor: int = 0
    seq: int = 0
    previous: int | None = None
    sent: list[bytes] = field(default_factory=list)  # every message, by stream sequence - 1

    def run(self) -> list[Receipt]:
        out = []
        while True:
            batch = pending(
                self.src.ledger, self.src.centre, self.cursor, previous_size=self.previous
            )
            for env in batch.envelopes:
                self.seq += 1
                data = env.to_bytes()
                self.sent.append(data)
                out.append(self.dst.receive(self.src.centre, data, self.seq))
                self.previous = int(env.checkpoint.split("\n")[1])
            if batch.next_index == self.cursor:
                return out
            self.cursor = batch.next_index


@dataclass
class Centres:
    fr: Node
    gb: Node
    to_gb: Pump
    to_fr: Pump
    paths: dict[str, Path]

    def sync(self) -> None:
        for _ in range(3):
            self.to_gb.run()
            self.to_fr.run()

    def close(self) -> None:
        self.fr.ledger.close()
        self.gb.ledger.close()


def make_centres(tmp: Path, srr: Callable[[float, float], str | None]) -> Centres:
    fr_l = Ledger.create(tmp / "fr.db", origin="cross-gris-nez")
    gb_l = Ledger.create(tmp / "gb.db", origin="hmcg-dover")
    fr = Node("FR", fr_l, partner_keys={"GB": gb_l.public_key}, sar_region=srr)
    gb = Node("GB", gb_l, partner_keys={"FR": fr_l.public_key}, sar_region=srr)
    paths = {"FR": tmp / "fr.db", "GB": tmp / "gb.db"}
    return Centres(fr, gb, Pump(fr, gb), Pump(gb, fr), paths)


def wait_until(
    predicate: Callable[[], bool], timeout_s: float, what: str, every_s: float = 0.25
) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(every_s)
    raise AssertionError(f"timed out after {timeout_s} s waiting for {what}")


class NatsProc(ChildProcess):
    """nats-server with JetStream on a fixed port and store, killable with SIGKILL."""

    def __init__(self, store: Path, port: int) -> None:
        self.store, self.port = store, port
        exe = shutil.which("nats-server") or "/usr/sbin/nats-server"
        args = [exe, "-a", "127.0.0.1", "-p", str(port), "-js", "-sd", str(store)]
        super().__init__(args, stop_timeout_s=10)

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    def start(self) -> None:
        super().start()
        wait_port(self.port)


class NodeProc(ChildProcess):
    """``channelwatch federation node`` as a child process, killable with SIGKILL."""

    def __init__(self, centre: str, ledger: Path, url: str, partner: str, key: Path, log: Path):
        args = [
            CHANNELWATCH, "federation", "node", "--centre", centre, "--ledger", str(ledger),
            "--nats", url, "--partner", f"{partner}={key}",
        ]  # fmt: skip
        super().__init__(args, log, stop_timeout_s=15)


def cli(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run ``channelwatch ARGS`` and return the finished process (stdout, stderr as text)."""
    done = subprocess.run([CHANNELWATCH, *args], capture_output=True, text=True, timeout=120)
    if check and done.returncode != 0:
        raise AssertionError(f"channelwatch {' '.join(args)} -> {done.returncode}: {done.stderr}")
    return done


def status(centre: str, ledger: Path, partner: str | None = None) -> dict[str, Any]:
    """The fold of a centre's ledger, read in this process (the node may be writing it); with
    ``partner``, that partner's part (empty until it has sent something)."""
    with Ledger.open(ledger, without_key=True) as book:
        node = Node(centre, book)
        if partner is not None:
            node.state.partner(partner)
        summary = node.state.summary()
    return summary if partner is None else dict(summary["partners"][partner])


def received_indices(ledger: Path, partner: str) -> list[int]:
    """Sender indices of every message from ``partner`` recorded in ``ledger`` (in order)."""
    with Ledger.open(ledger, without_key=True) as book:
        return [
            int(e.payload["sender_index"])
            for e in book.entries()
            if e.type == "federation.received" and e.payload.get("from") == partner
        ]


def dump(path: Path) -> str:
    with contextlib.suppress(OSError):
        return path.read_text(errors="replace")[-4000:]
    return ""


def to_json(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, default=str)
