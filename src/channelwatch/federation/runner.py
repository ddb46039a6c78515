"""Run a node's link until told to stop (SIGTERM, SIGINT), reporting its figures now and then.

This is the edge the ``channelwatch federation node`` command (and a server hook) uses.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Callable
from typing import Any

from channelwatch.federation.link import Link, LinkConfig, Log
from channelwatch.federation.node import Node


async def run_link(
    node: Node,
    config: LinkConfig,
    *,
    log: Log | None = None,
    report: Callable[[dict[str, Any]], None] | None = None,
    report_every_s: float = 0.0,
    stop: asyncio.Event | None = None,
    seconds: float | None = None,
    handle_signals: bool = True,
) -> dict[str, Any]:
    """Run ``node``'s link; returns its final figures. Stops when ``stop`` is set, after
    ``seconds``, or (``handle_signals``, for a process of its own) on SIGTERM/SIGINT; a server
    that has its own signal handling passes ``handle_signals=False`` and a ``stop`` event."""
    stop = stop or asyncio.Event()
    if handle_signals:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.add_signal_handler(sig, stop.set)
    link = Link(node, config, log=log)

    async def reporter() -> None:
        while report is not None and report_every_s > 0 and not stop.is_set():
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(stop.wait(), report_every_s)
            report(link.stats.to_dict())

    async def timer() -> None:
        if seconds is not None:
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(stop.wait(), seconds)
            stop.set()

    side = [asyncio.create_task(reporter()), asyncio.create_task(timer())]
    try:
        await link.run(stop)
    finally:
        stop.set()
        for t in side:
            t.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await t
    return link.stats.to_dict()
