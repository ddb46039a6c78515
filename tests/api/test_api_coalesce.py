"""One write per small response: a response head is joined to the body written after it, or
sent by itself at the end of the loop pass; closing sends what is held first."""

from __future__ import annotations

import asyncio
from typing import Any

from channelwatch.api.coalesce import CoalescingTransport

HEAD = b"HTTP/1.1 202 Accepted\r\ncontent-length: 2\r\n\r\n"


class FakeTransport:
    def __init__(self) -> None:
        self.writes: list[bytes] = []
        self.closed = False

    def write(self, data: Any) -> None:
        assert not self.closed
        self.writes.append(bytes(data))

    def close(self) -> None:
        self.closed = True

    def get_extra_info(self, name: str) -> str:
        return f"info:{name}"


def run(steps: Any) -> FakeTransport:
    async def go() -> FakeTransport:
        fake = FakeTransport()
        wrapped = CoalescingTransport(fake, asyncio.get_running_loop())
        await steps(wrapped, fake)
        await asyncio.sleep(0)
        return fake

    return asyncio.run(go())


def test_a_head_and_its_body_go_in_one_write() -> None:
    async def steps(t: CoalescingTransport, fake: FakeTransport) -> None:
        t.write(HEAD)
        assert fake.writes == []  # held
        t.write(b"{}")

    assert run(steps).writes == [HEAD + b"{}"]


def test_a_head_alone_goes_at_the_end_of_the_loop_pass() -> None:
    async def steps(t: CoalescingTransport, fake: FakeTransport) -> None:
        t.write(HEAD)
        await asyncio.sleep(0)
        assert fake.writes == [HEAD]

    assert run(steps).writes == [HEAD]


def test_other_writes_pass_straight_through_in_order() -> None:
    async def steps(t: CoalescingTransport, fake: FakeTransport) -> None:
        t.write(b"chunk one")
        t.write(memoryview(b"chunk two"))
        assert fake.writes == [b"chunk one", b"chunk two"]
        t.write(HEAD)
        t.write(b"body")
        t.write(b"more")

    assert run(steps).writes == [b"chunk one", b"chunk two", HEAD + b"body", b"more"]


def test_closing_sends_what_is_held_first() -> None:
    async def steps(t: CoalescingTransport, fake: FakeTransport) -> None:
        t.write(HEAD)
        t.close()
        assert fake.writes == [HEAD] and fake.closed

    assert run(steps).closed


def test_the_rest_of_the_transport_is_the_wrapped_one() -> None:
    async def steps(t: CoalescingTransport, fake: FakeTransport) -> None:
        assert t.get_extra_info("peername") == "info:peername"

    run(steps)
