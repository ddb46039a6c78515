"""The test servers themselves start, answer and stop."""

from __future__ import annotations

import asyncio

import pytest


@pytest.mark.postgres
def test_postgres_has_postgis(postgres_url: str) -> None:
    import psycopg

    with psycopg.connect(postgres_url) as conn:
        row = conn.execute("SELECT postgis_version()").fetchone()
    assert row is not None and row[0].startswith("3.")


@pytest.mark.nats
def test_nats_jetstream_round_trip(nats_url: str) -> None:
    import nats

    async def go() -> bytes:
        nc = await nats.connect(nats_url)
        js = nc.jetstream()
        await js.add_stream(name="T", subjects=["t.>"])
        await js.publish("t.x", b"hello")
        sub = await js.pull_subscribe("t.x", durable="d")
        msgs = await sub.fetch(1, timeout=5)
        await msgs[0].ack()
        await nc.close()
        return bytes(msgs[0].data)

    assert asyncio.run(go()) == b"hello"
