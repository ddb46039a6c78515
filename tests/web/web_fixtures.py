"""Browser-test fixtures: a simulated scenario, a real ``channelwatch serve`` replaying it on
127.0.0.1, and Debian's chromium driven by Playwright.

The test modules import these fixtures by name. They are not in a ``conftest.py`` on purpose:
other test folders import helpers with ``from conftest import ...``, which a second
``conftest`` module can shadow depending on the order of collection.

Everything runs on this machine: the scenario comes from ``channelwatch simulate``, the server
from the checkout, the browser from /usr/bin/chromium. Any request the page makes to another
host is recorded and fails the test that made it.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Scenario time: one hour of the demo scenario, replayed over about ten minutes of wall time,
# long enough for every browser test of the session while the tracks still visibly move.
SCENARIO_START = "2025-11-27T04:00:00+00:00"
SCENARIO_HOURS = 1.0
REPLAY_SPEED = 4.0
# A laptop screen. Software WebGL (SwiftShader) slows down sharply on larger canvases.
VIEWPORT = {"width": 1366, "height": 768}


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-c", "from channelwatch.cli.main import main; main()", *args]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class _KeepReports:
    """A plugin that keeps each phase's report on the test item, so a fixture's teardown can
    tell that its test failed (and save what the browser showed)."""

    @pytest.hookimpl(wrapper=True, tryfirst=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
        rep = yield
        setattr(item, f"rep_{rep.when}", rep)
        return rep


_PLUGIN = "channelwatch-web-keep-reports"


@pytest.fixture(scope="session")
def screenshots(repo_root: Path, pytestconfig: pytest.Config) -> Path:
    if not pytestconfig.pluginmanager.has_plugin(_PLUGIN):
        pytestconfig.pluginmanager.register(_KeepReports(), _PLUGIN)
    out = repo_root / "artifacts" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    return out


@pytest.fixture(scope="session")
def scenario_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A one-hour demo scenario written by ``channelwatch simulate``."""
    out = tmp_path_factory.mktemp("scenario")
    done = subprocess.run(
        _cli(
            "simulate",
            "--start",
            SCENARIO_START,
            "--hours",
            str(SCENARIO_HOURS),
            "--seed",
            "7",
            "--warmup-h",
            "1",
            "--demo",
            "--out",
            str(out),
        ),
        capture_output=True,
        text=True,
        timeout=600,
    )
    if done.returncode != 0:
        pytest.fail(f"channelwatch simulate failed ({done.returncode}):\n{done.stderr[-4000:]}")
    return out


@dataclass
class Server:
    base_url: str
    port: int
    log_path: Path
    process: subprocess.Popen[bytes]

    def log(self) -> str:
        return self.log_path.read_text("utf-8", errors="replace")

    def login(self, username: str) -> str:
        body = json.dumps({"username": username, "password": f"{username}-demo"}).encode()
        req = urllib.request.Request(
            f"{self.base_url}/api/auth/login",
            data=body,
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(req, timeout=30) as res:
            token: str = json.load(res)["access_token"]
            return token

    def get(self, path: str, token: str) -> Any:
        req = urllib.request.Request(
            f"{self.base_url}{path}", headers={"Authorization": f"Bearer {token}"}
        )
        with urllib.request.urlopen(req, timeout=30) as res:
            return json.load(res)

    def post(self, path: str, body: Any, token: str) -> Any:
        req = urllib.request.Request(
            f"{self.base_url}{path}",
            data=json.dumps(body).encode(),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(req, timeout=30) as res:
            return json.load(res)


@contextlib.contextmanager
def serve_replay(scenario_dir: Path, home: Path, speed: float) -> Iterator[Server]:
    """``channelwatch serve`` on a free port of 127.0.0.1, replaying the scenario at ``speed``;
    stopped on exit."""
    port = _free_port()
    log_path = home / "serve.log"
    env = {**os.environ, "CHANNELWATCH_ENV": "development"}
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            _cli(
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--db",
                str(home / "channelwatch.db"),
                "--replay",
                str(scenario_dir),
                "--speed",
                str(speed),
                "--log-level",
                "warning",
            ),
            cwd=home,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    srv = Server(f"http://127.0.0.1:{port}", port, log_path, proc)
    try:
        deadline = time.monotonic() + 240  # the region index may be built on a cold cache
        while True:
            if proc.poll() is not None:
                pytest.fail(f"channelwatch serve exited with {proc.returncode}:\n{srv.log()}")
            try:
                with urllib.request.urlopen(f"{srv.base_url}/api/health", timeout=5) as res:
                    if res.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"channelwatch serve did not answer in time:\n{srv.log()}")
            time.sleep(0.5)
        yield srv
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@pytest.fixture(scope="session")
def server(scenario_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """``channelwatch serve`` replaying the scenario, for the whole session."""
    with serve_replay(scenario_dir, tmp_path_factory.mktemp("server"), REPLAY_SPEED) as srv:
        yield srv


# Per module, not per session: Playwright's sync API keeps an event loop running in the main
# thread while it is open, and any later test calling asyncio.run() would fail.
@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium is not installed at /usr/bin/chromium")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


@dataclass
class Session:
    """One signed-in page, with every request and console error it produced."""

    page: Any
    hosts: set[str] = field(default_factory=set)
    foreign: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _host(url: str) -> str | None:
    for scheme in ("http://", "https://", "ws://", "wss://"):
        if url.startswith(scheme):
            return url[len(scheme) :].split("/", 1)[0]
    return None  # data:, blob: and about: stay in the page


@pytest.fixture()
def open_page_at(
    browser: Any, screenshots: Path, request: pytest.FixtureRequest
) -> Iterator[Callable[..., Session]]:
    """Open the page of the server at ``base_url`` (``http://127.0.0.1:<port>``) in a fresh
    browser context and sign in as a demo user; any request to another host is refused."""
    contexts: list[Any] = []
    sessions: list[Session] = []

    def open_(
        base_url: str, username: str, query: str = "", viewport: dict[str, int] | None = None
    ) -> Session:
        allowed = base_url.split("://", 1)[1]
        ctx = browser.new_context(viewport=viewport or VIEWPORT)
        contexts.append(ctx)
        page = ctx.new_page()
        s = Session(page)
        sessions.append(s)

        def route(r: Any) -> None:
            host = _host(r.request.url)
            if host is not None:
                s.hosts.add(host)
                if host != allowed:
                    s.foreign.append(r.request.url)
                    r.abort()
                    return
            r.continue_()

        ctx.route("**/*", route)
        page.on("websocket", lambda ws: s.hosts.add(_host(ws.url) or ws.url))
        page.on("pageerror", lambda e: s.errors.append(str(e)))
        page.goto(f"{base_url}/{query}")
        page.fill("#login-user", username)
        page.fill("#login-pass", f"{username}-demo")
        page.click("#login-submit")
        page.wait_for_selector("body[data-ready=true]", timeout=90_000)
        return s

    yield open_
    rep = getattr(request.node, "rep_call", None)
    if rep is not None and rep.failed:
        # What the page showed when the test failed, to look at with the traceback.
        for i, s in enumerate(sessions):
            with contextlib.suppress(Exception):
                s.page.screenshot(path=str(screenshots / f"FAILED-{request.node.name}-{i}.png"))
    for ctx in contexts:
        with contextlib.suppress(Exception):
            ctx.close()


@pytest.fixture()
def open_page(server: Server, open_page_at: Callable[..., Session]) -> Callable[..., Session]:
    """Open the replay server's page in a fresh browser context, signed in as a demo user."""

    def open_(username: str, query: str = "", viewport: dict[str, int] | None = None) -> Session:
        return open_page_at(server.base_url, username, query, viewport)

    return open_
