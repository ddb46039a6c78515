"""The app factory: settings → stores, ledger, region, bus, live service, hub → FastAPI app.

``create_app(settings)`` builds the application; its lifespan opens everything on start-up and
closes it on shut-down, so the same factory serves ``channelwatch serve``, the tests (in
process) and any ASGI server. HTTP status codes are chosen here, from the typed errors of the
packages underneath, and nowhere else.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request, WebSocket
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles

import channelwatch
from channelwatch.api.auth.principal import Principal
from channelwatch.api.auth.tokens import TokenSigner
from channelwatch.api.auth.verifier import LocalTokenVerifier, PasswordLogin
from channelwatch.api.deps import Services
from channelwatch.api.errors import (
    AuthenticationError,
    ConflictError,
    ForbiddenError,
    NotFoundApiError,
    RateLimitedError,
    SettingsError,
    UnavailableError,
)
from channelwatch.api.limits import BodyLimitMiddleware, RateLimiter
from channelwatch.api.settings import Settings, load_settings
from channelwatch.errors import ChannelWatchError, InputError

log = logging.getLogger("channelwatch.api")

Announce = Callable[[str], None]


def default_static_dir() -> Path | None:
    """``channelwatch/web/static`` if the web page is installed."""
    try:
        path = Path(str(resources.files("channelwatch").joinpath("web", "static")))
    except (ModuleNotFoundError, TypeError):
        return None
    return path if path.is_dir() else None


def _open_ledger(settings: Settings) -> Any:
    from channelwatch.ledger import Ledger
    from channelwatch.ledger.ledger import is_url

    location = settings.ledger_location()
    key = settings.ledger_key_path()
    key.parent.mkdir(parents=True, exist_ok=True)
    if is_url(location):
        if key.exists():
            from channelwatch.ledger import LedgerStorageError

            try:
                return Ledger.open(location, key_path=key)
            except LedgerStorageError:  # a key prepared in advance for a new ledger
                return Ledger.create(location, key_path=key, origin="channelwatch.server")
        # no key yet: a new ledger (refused by the backend if one is there without its key)
        return Ledger.create(location, key_path=key, origin="channelwatch.server")
    path = Path(location)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        return Ledger.open(path, key_path=key if key.exists() else None)
    return Ledger.create(path, key_path=key, origin="channelwatch.server")


def _ledger_source(settings: Settings, ledger: Any) -> Any:
    """Where the ledger appender process opens the ledger, or None to append in a thread (when
    switched off, or when the ledger was opened without its key: it cannot append anyway)."""
    from channelwatch.api.live.appender import LedgerSource

    if not settings.ledger_process or not ledger.can_append:
        return None
    return LedgerSource(settings.ledger_location(), settings.ledger_key_path())


def preflight(settings: Settings) -> None:
    """Refuse unsafe production state before serving (SettingsError names it): demo users in
    the store. The settings themselves were checked when loaded."""
    if not settings.production:
        return
    from channelwatch.api.users import demo_users_present
    from channelwatch.store import open_store

    store = open_store(settings.db)
    try:
        demo = demo_users_present(store)
    finally:
        store.close()
    if demo:
        raise SettingsError(
            f"production refuses demo users; remove them first "
            f"(channelwatch users remove-demo): {', '.join(demo)}"
        )


def build_services(settings: Settings, announce: Announce | None = None) -> Services:
    """Open the store and the ledger, load the region, make users (blocking: run in a thread)."""
    from channelwatch.api.live.clock import Clock, ReplayClock
    from channelwatch.api.live.service import Operations, OperationsConfig
    from channelwatch.api.users import demo_users_present, ensure_demo_users
    from channelwatch.api.ws import Hub
    from channelwatch.bus import InProcessBus
    from channelwatch.store import open_store

    say = announce or (lambda _m: None)
    store = open_store(settings.db)
    try:
        if settings.production:
            demo = demo_users_present(store)
            if demo:
                raise SettingsError(
                    f"production refuses demo users; remove them first "
                    f"(channelwatch users remove-demo): {', '.join(demo)}"
                )
        elif settings.create_demo_users:
            for d in ensure_demo_users(store):
                say(
                    f"demo user {d.username!r} ({d.role.value}, {d.centre or '-'}) "
                    f"password {d.password!r}"
                )
        ledger = _open_ledger(settings)
    except BaseException:
        store.close()
        raise
    region = None
    try:
        from channelwatch.region import load_region

        region = load_region(settings.region)
    except ChannelWatchError as exc:
        if settings.region is not None:
            ledger.close()
            store.close()
            raise
        log.warning("no region model: %s", exc)
    bus = InProcessBus()
    clock = ReplayClock(settings.speed) if settings.replay is not None else Clock()
    ops = Operations(
        ledger,
        store,
        bus,
        clock=clock,
        region=region,
        config=OperationsConfig(
            snapshot_interval_s=settings.snapshot_interval_s,
            tracker_queue=settings.tracker_queue,
            tracker_process=settings.tracker_process,
            commit_window_s=settings.commit_window_ms / 1000.0,
            ledger_source=_ledger_source(settings, ledger),
            policy=settings.policy,
            forcing_wind=str(settings.forcing_wind) if settings.forcing_wind else None,
            forcing_current=str(settings.forcing_current) if settings.forcing_current else None,
        ),
    )
    signer = TokenSigner(settings.secret_bytes(), settings.token_ttl_s)
    verifier = LocalTokenVerifier(signer, store)

    def hello(p: Principal) -> dict[str, Any]:
        return {"user": p.user_dict(), "clock": clock.to_dict()}

    hub = Hub(bus, verifier, hello)
    return Services(
        settings=settings,
        store=store,
        ledger=ledger,
        bus=bus,
        ops=ops,
        hub=hub,
        verifier=verifier,
        login=PasswordLogin(signer, store),
        limiter=RateLimiter(settings.rate_limit_per_s, settings.rate_burst),
        login_limiter=RateLimiter(settings.login_rate_per_min / 60.0, 10),
        region=region,
    )


async def start_sources(services: Services, announce: Announce) -> None:
    """Start the inputs configured: a scenario replay, an AIS TCP feed, an AIS UDP port."""
    from channelwatch.api.live.clock import ReplayClock
    from channelwatch.api.live.replay import load_scenario, pump, replay
    from channelwatch.api.settings import parse_host_port

    s, ops = services.settings, services.ops
    if s.replay is not None:
        scenario = await asyncio.to_thread(load_scenario, s.replay)
        ops.counters.replay_rejected = len(scenario.rejected)
        announce(
            f"replay {s.replay}: {scenario.ais_count} AIS and {scenario.contact_count} contact "
            f"records at {s.speed:g}x ({len(scenario.rejected)} records rejected)"
        )
        assert isinstance(ops.clock, ReplayClock)
        ops.spawn(replay(scenario.items, ops.clock, ops.deliver), "replay")
    if s.ais_tcp is not None:
        from channelwatch.ingest.sources import TcpSource

        host, port = parse_host_port(s.ais_tcp, "--ais-tcp")
        announce(f"AIS over TCP from {host}:{port}")
        ops.spawn(pump(aiter(TcpSource(host, port)), ops.deliver), "ais-tcp")
    if s.ais_udp is not None:
        from channelwatch.ingest.sources import UdpSource

        udp = UdpSource("0.0.0.0", s.ais_udp)
        await udp.__aenter__()
        announce(f"AIS over UDP on port {udp.port}")

        async def run_udp() -> None:
            try:
                await pump(aiter(udp), ops.deliver)
            finally:
                await udp.__aexit__(None, None, None)

        ops.spawn(run_udp(), "ais-udp")


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"detail": message}, status_code=status, headers=headers)


def http_status(exc: Exception) -> tuple[int, dict[str, str] | None]:
    """The HTTP status (and headers) of an error raised under a route: the one place they are
    chosen."""
    from channelwatch.cases.errors import (
        CaseCommandError,
        NotAuthorisedError,
        UnknownCaseError,
    )
    from channelwatch.store import DuplicateError, NotFoundError, StoreInputError

    if isinstance(exc, AuthenticationError):
        return 401, {"WWW-Authenticate": "Bearer"}
    if isinstance(exc, ForbiddenError | NotAuthorisedError):
        return 403, None
    if isinstance(exc, RateLimitedError):
        return 429, {"Retry-After": str(max(1, round(exc.retry_after_s + 0.5)))}
    if isinstance(exc, UnavailableError):
        return 503, {"Retry-After": "1"}
    if isinstance(exc, NotFoundApiError | UnknownCaseError | NotFoundError):
        return 404, None
    if isinstance(exc, ConflictError | CaseCommandError | DuplicateError):
        return 409, None
    if isinstance(exc, StoreInputError | InputError):
        return 422, None
    return 500, None


def _install_error_handlers(app: FastAPI) -> None:
    async def handle(request: Request, exc: Exception) -> JSONResponse:
        status, headers = http_status(exc)
        if status >= 500:
            log.error(
                "%s on %s %s: %s",
                type(exc).__name__,
                request.method,
                request.url.path,
                exc,
                exc_info=exc,
            )
        return _error(status, str(exc), headers)

    app.add_exception_handler(ChannelWatchError, handle)


_GC_FROZEN: list[bool] = []


def tune_gc() -> None:
    """Keep the garbage collector off the hot path, once per process: what start-up built (the
    region model, the case book, the libraries) is frozen out of the collector's scans, and
    young collections run every 10,000 net allocations rather than 700. Measured on the load
    test: full collections over the start-up heap took a quarter of the event loop's time."""
    import gc

    if _GC_FROZEN:
        return
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 10, 10)
    _GC_FROZEN.append(True)


class _App(FastAPI):
    """FastAPI with the contact intake (api/intake.py) answering its two routes before any of
    the framework's own machinery (telemetry checks, middleware stack, routing) runs."""

    def __init__(self, *, intake_max_bytes: int | None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._intake: Any = None
        if intake_max_bytes is not None:
            from channelwatch.api.intake import ContactIntake

            self._intake = ContactIntake(max_body_bytes=intake_max_bytes)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if self._intake is not None and self._intake.takes(scope):
            scope["app"] = self
            await self._intake.handle(scope, receive, send)
            return
        await super().__call__(scope, receive, send)


def create_app(
    settings: Settings | None = None,
    *,
    announce: Announce | None = None,
    start_inputs: bool = True,
) -> FastAPI:
    """The ASGI application. ``announce`` receives start-up messages (demo users, sources)."""
    settings = settings if settings is not None else load_settings()
    say = announce or (lambda m: log.info("%s", m))

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        services = await asyncio.to_thread(build_services, settings, say)
        try:
            await services.ops.start()
            services.hub.start()
            tune_gc()
            app.state.services = services
            if start_inputs:
                await start_sources(services, say)
            yield
        finally:
            app.state.services = None
            await services.hub.stop()
            await services.ops.stop()
            await services.bus.close()
            services.ledger.close()
            services.store.close()

    app = _App(
        intake_max_bytes=settings.max_body_bytes if settings.fast_intake else None,
        title="ChannelWatch",
        version=channelwatch.__version__,
        description="Shared picture, cases, doctrine advice and the accountable record of the "
        "Dover Strait operations centres. Decision support: nothing here executes an action.",
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/api/openapi.json",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.services = None
    _install_error_handlers(app)

    from channelwatch.api.routes import (
        auth,
        cases,
        doctrine,
        ledger,
        picture,
        planning,
        suggestions,
    )

    for module in (auth, picture, cases, doctrine, planning, ledger, suggestions):
        app.include_router(module.router)

    @app.get("/api/health", tags=["health"])
    def health(request: Request) -> dict[str, Any]:
        """Liveness and a few counters (no authentication; no data)."""
        services: Services | None = request.app.state.services
        if services is None:
            raise UnavailableError("starting")
        ops = services.ops
        return {
            "status": "ok",
            "version": channelwatch.__version__,
            "env": services.settings.env,
            "store": services.store.kind,
            "ledger_size": services.ledger.size,
            "clock": ops.clock.to_dict(),
            "websocket_clients": len(services.hub.clients),
            "websocket_dropped": services.hub.dropped,
            "rate_limited": services.limiter.refused,
            **ops.stats(),
        }

    @app.websocket("/api/ws")
    async def websocket(ws: WebSocket) -> None:
        services: Services | None = ws.app.state.services
        if services is None:
            await ws.close(1013, "starting")
            return
        await services.hub.handle(ws)

    static = settings.static_dir or default_static_dir()
    if static is not None and static.is_dir():
        app.mount("/static", StaticFiles(directory=static), name="static")
        index = static / "index.html"

        @app.get("/", include_in_schema=False, response_model=None)
        def root() -> FileResponse | RedirectResponse:
            if index.is_file():
                return FileResponse(index)
            return RedirectResponse("/api/docs")

        # the page's own files (app.js, vendor/...) are also served from the root
        app.mount("/", StaticFiles(directory=static, html=True), name="web")
    else:

        @app.get("/", include_in_schema=False)
        def no_page() -> RedirectResponse:
            return RedirectResponse("/api/docs")

    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    return app
