"""Settings, tokens, passwords, roles, limits, the bus: the server's small parts."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from channelwatch.api.auth.passwords import hash_password, verify_password
from channelwatch.api.auth.roles import PERMISSIONS, Permission, Role, allowed
from channelwatch.api.auth.tokens import TokenSigner
from channelwatch.api.errors import (
    ApiInputError,
    AuthenticationError,
    RateLimitedError,
    SettingsError,
)
from channelwatch.api.limits import BodyLimitMiddleware, RateLimiter
from channelwatch.api.settings import load_settings
from channelwatch.api.users import DEMO_USERS, check_user_fields
from channelwatch.bus import Audience, BusClosedError, InProcessBus, Message
from channelwatch.errors import InputError

STRONG = "s" * 40


def test_development_runs_with_nothing_set() -> None:
    s = load_settings(environ={})
    assert s.env == "development" and s.create_demo_users
    assert len(s.secret_bytes()) >= 32
    assert not s.ws_deflate  # compression per page is opt-in (docs/deploy.md)
    assert load_settings(environ={"CHANNELWATCH_WS_DEFLATE": "true"}).ws_deflate


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"CHANNELWATCH_ENV": "production"}, "CHANNELWATCH_SECRET"),
        ({"CHANNELWATCH_ENV": "production", "CHANNELWATCH_SECRET": "change-me"}, "known default"),
        ({"CHANNELWATCH_ENV": "production", "CHANNELWATCH_SECRET": "short"}, "at least"),
        (
            {
                "CHANNELWATCH_ENV": "production",
                "CHANNELWATCH_SECRET": STRONG,
                "CHANNELWATCH_DEMO_USERS": "true",
            },
            "demo users",
        ),
        ({"CHANNELWATCH_PORT": "99999"}, "CHANNELWATCH_PORT"),
        ({"CHANNELWATCH_SPEED": "inf"}, "speed"),
        ({"CHANNELWATCH_AIS_TCP": "nohost"}, "HOST:PORT"),
    ],
)
def test_unsafe_or_bad_settings_are_refused(env: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError, match=message) as err:
        load_settings(environ=env)
    assert isinstance(err.value, InputError)  # the CLI exits 2 with the message


def test_production_with_a_strong_secret_starts_without_demo_users() -> None:
    s = load_settings(environ={"CHANNELWATCH_ENV": "production", "CHANNELWATCH_SECRET": STRONG})
    assert s.production and not s.create_demo_users
    assert s.secret_bytes() == STRONG.encode()


def test_production_refuses_a_store_holding_demo_users(tmp_path: Path) -> None:
    from channelwatch.api.app import build_services, preflight
    from channelwatch.api.users import ensure_demo_users
    from channelwatch.store import open_store

    store = open_store(tmp_path / "cw.db")
    ensure_demo_users(store)
    store.close()
    s = load_settings(
        {"db": str(tmp_path / "cw.db")},
        environ={"CHANNELWATCH_ENV": "production", "CHANNELWATCH_SECRET": STRONG},
    )
    with pytest.raises(SettingsError, match="demo users"):
        build_services(s)
    with pytest.raises(SettingsError, match="remove-demo"):
        preflight(s)


def test_tokens_round_trip_expire_and_resist_tampering() -> None:
    signer = TokenSigner(b"k" * 32, ttl_s=60)
    token, claims = signer.issue("gn-operator", "operator", "FR", 0, now_s=1000)
    got = signer.verify(token, now_s=1010)
    assert got == claims and got.sub == "gn-operator" and got.exp == 1060
    with pytest.raises(AuthenticationError, match="expired"):
        signer.verify(token, now_s=1060)
    with pytest.raises(AuthenticationError):
        TokenSigner(b"x" * 32, 60).verify(token, now_s=1010)
    for bad in ("", "cw1..", "cw2.a.b", "x" * 5000, token + "x"):
        with pytest.raises(AuthenticationError):
            signer.verify(bad, now_s=1010)


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0), st.characters(codec="ascii"))
def test_any_changed_character_invalidates_a_token(pos: int, ch: str) -> None:
    signer = TokenSigner(b"k" * 32, ttl_s=60)
    token, _ = signer.issue("auditor", "auditor", None, 3, now_s=time.time())
    i = pos % len(token)
    if token[i] == ch:
        return
    forged = token[:i] + ch + token[i + 1 :]
    with pytest.raises(AuthenticationError):
        signer.verify(forged)


def test_passwords_are_argon2_hashed() -> None:
    h = hash_password("correct horse")
    assert h.startswith("$argon2id$") and "correct" not in h
    assert verify_password(h, "correct horse")
    assert not verify_password(h, "wrong horse")
    assert not verify_password("not a hash", "correct horse")
    with pytest.raises(ApiInputError):
        hash_password("short")


def test_roles_table() -> None:
    assert not allowed(Role.PARTNER, Permission.READ_INTERNAL)
    assert allowed(Role.AUDITOR, Permission.LEDGER)
    writes = {
        Permission.POST_CONTACTS,
        Permission.CASE_COMMANDS,
        Permission.CASE_NOTES,
        Permission.DOCTRINE,
        Permission.PLANNING,
        Permission.ACK_ALERTS,
    }
    assert not (PERMISSIONS[Role.AUDITOR] & writes)  # read-only
    assert not (PERMISSIONS[Role.PARTNER] & writes)
    assert not allowed(Role.OPERATOR, Permission.LEDGER)
    assert not allowed(Role.POLICE, Permission.CASE_COMMANDS)
    for role in Role:
        assert allowed(role, Permission.READ_PICTURE)


def test_user_fields_are_checked() -> None:
    assert check_user_fields("gn-op", "operator", "fr") == (Role.OPERATOR, "FR")
    for args in (
        ("gn-op", "operator", None),
        ("gn-op", "operator", "BE"),
        ("aud", "auditor", "FR"),
        ("p", "partner", None),
        ("UPPER", "operator", "FR"),
        ("x", "admin", None),
    ):
        with pytest.raises(ApiInputError):
            check_user_fields(*args)
    assert {d.role for d in DEMO_USERS} == set(Role)


def test_rate_limiter_token_bucket() -> None:
    now = [0.0]
    lim = RateLimiter(10.0, 5, clock=lambda: now[0])
    for _ in range(5):
        lim.check("a")
    with pytest.raises(RateLimitedError) as err:
        lim.check("a")
    assert err.value.retry_after_s == pytest.approx(0.1)
    lim.check("b")  # other keys have their own bucket
    now[0] = 0.1
    lim.check("a")
    assert lim.refused == 1


def _asgi_post(app: Any, chunks: list[bytes], declared: int | None) -> tuple[int, bytes]:
    sent: list[dict[str, Any]] = []
    queue = [
        {"type": "http.request", "body": c, "more_body": i < len(chunks) - 1}
        for i, c in enumerate(chunks)
    ]

    async def receive() -> dict[str, Any]:
        return queue.pop(0) if queue else {"type": "http.disconnect"}

    async def send(m: dict[str, Any]) -> None:
        sent.append(m)

    headers = [] if declared is None else [(b"content-length", str(declared).encode())]
    asyncio.run(app({"type": "http", "headers": headers}, receive, send))
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return status, body


def test_body_limit_on_declared_and_streamed_sizes() -> None:
    async def echo(scope: Any, receive: Any, send: Any) -> None:
        total = 0
        while True:
            m = await receive()
            total += len(m.get("body", b""))
            if not m.get("more_body"):
                break
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": str(total).encode()})

    app = BodyLimitMiddleware(echo, max_bytes=100)
    assert _asgi_post(app, [b"x" * 100], 100) == (200, b"100")
    status, body = _asgi_post(app, [b"x" * 10], 1000)  # declared too large
    assert status == 413 and "100 bytes" in json.loads(body)["detail"]
    status, _ = _asgi_post(app, [b"x" * 60, b"x" * 60], None)  # chunked, no length
    assert status == 413


def test_bus_fans_out_and_drops_the_oldest_for_slow_subscribers() -> None:
    async def run() -> None:
        bus = InProcessBus()
        fast = bus.subscribe()
        slow = bus.subscribe(["alerts"], max_queue=2)
        for k in range(4):
            bus.publish(Message("alerts", "alert", {"k": k}))
        bus.publish(Message("tracks", "tracks", {}, audience=Audience.ALL))
        got = [(await fast.get()).data.get("k") for _ in range(5)]
        assert got == [0, 1, 2, 3, None]
        assert slow.dropped == 2
        assert [(await slow.get()).data["k"] for _ in range(2)] == [2, 3]
        await bus.close()
        with pytest.raises(BusClosedError):
            await fast.get()
        with pytest.raises(BusClosedError):
            bus.publish(Message("x", "y"))

    asyncio.run(run())
