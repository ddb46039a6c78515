"""FastAPI dependencies: the running services, the authenticated user, role checks, limits."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import Depends, Request

from channelwatch.api.auth.principal import Principal
from channelwatch.api.auth.roles import Permission
from channelwatch.api.errors import AuthenticationError, ForbiddenError, UnavailableError

if TYPE_CHECKING:
    from channelwatch.api.auth.verifier import LocalTokenVerifier, PasswordLogin
    from channelwatch.api.limits import RateLimiter
    from channelwatch.api.live.service import Operations
    from channelwatch.api.settings import Settings
    from channelwatch.api.ws import Hub
    from channelwatch.bus import InProcessBus
    from channelwatch.ledger import Ledger
    from channelwatch.store import Repository


@dataclass(slots=True)
class Services:
    """Everything a running server holds (built and started by the app's lifespan)."""

    settings: Settings
    store: Repository
    ledger: Ledger
    bus: InProcessBus
    ops: Operations
    hub: Hub
    verifier: LocalTokenVerifier
    login: PasswordLogin
    limiter: RateLimiter
    login_limiter: RateLimiter
    region: Any


async def get_services(request: Request) -> Services:
    return _running(request)


ServicesDep = Annotated[Services, Depends(get_services)]


def bearer_token(header: str) -> str:
    """The token of an ``Authorization: Bearer <token>`` header."""
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthenticationError("missing bearer token: log in at POST /api/auth/login")
    return token.strip()


def authorize(services: Services, header: str, permission: Permission | None = None) -> Principal:
    """Verify the bearer token of an ``Authorization`` header, take one from its rate-limit
    bucket and, if a permission is given, check that the user's role has it."""
    principal = services.verifier.verify(bearer_token(header))
    services.limiter.check(principal.token_id)
    if permission is not None and not principal.can(permission):
        raise ForbiddenError(
            f"role {principal.role.value!r} may not {permission.value.replace('_', ' ')}"
        )
    return principal


def authenticate(request: Request) -> Principal:
    """Verify the bearer token and take one from its rate-limit bucket."""
    return authorize(_running(request), request.headers.get("authorization", ""))


def _running(request: Request) -> Services:
    services: Services | None = getattr(request.app.state, "services", None)
    if services is None or not services.ops.started:
        raise UnavailableError("the server is starting or stopping; try again")
    return services


async def get_principal(request: Request) -> Principal:
    return authenticate(request)


PrincipalDep = Annotated[Principal, Depends(get_principal)]


def require(permission: Permission) -> Callable[[Request], Awaitable[Principal]]:
    """A dependency that lets through only users whose role has ``permission``.

    One flat coroutine per request (FastAPI would run a plain function in its thread pool,
    and each nested dependency costs a resolution step on the hot path)."""

    async def check(request: Request) -> Principal:
        return authorize(_running(request), request.headers.get("authorization", ""), permission)

    return check


Reader = Annotated[Principal, Depends(require(Permission.READ_PICTURE))]
Internal = Annotated[Principal, Depends(require(Permission.READ_INTERNAL))]
Reporter = Annotated[Principal, Depends(require(Permission.POST_CONTACTS))]
Acknowledger = Annotated[Principal, Depends(require(Permission.ACK_ALERTS))]
CaseWriter = Annotated[Principal, Depends(require(Permission.CASE_COMMANDS))]
NoteWriter = Annotated[Principal, Depends(require(Permission.CASE_NOTES))]
Adviser = Annotated[Principal, Depends(require(Permission.DOCTRINE))]
Planner = Annotated[Principal, Depends(require(Permission.PLANNING))]
LedgerReader = Annotated[Principal, Depends(require(Permission.LEDGER))]
