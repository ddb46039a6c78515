"""Log in (name and password → signed token), who am I, log out (revokes the token)."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Request, Response

from channelwatch.api.deps import PrincipalDep, ServicesDep
from channelwatch.api.schemas import LoginIn, TokenOut, UserOut

router = APIRouter(prefix="/api/auth", tags=["auth"])


@router.post("/login", response_model=TokenOut)
async def login(body: LoginIn, request: Request, services: ServicesDep) -> TokenOut:
    """Exchange a name and password for a bearer token (argon2-checked; rate limited)."""
    client = request.client.host if request.client else "unknown"
    services.login_limiter.check(f"login:{client}")
    token, claims, user = await asyncio.to_thread(
        services.login.login, body.username, body.password
    )
    from datetime import UTC, datetime

    return TokenOut(
        access_token=token,
        expires_at=datetime.fromtimestamp(claims.exp, UTC),
        user=UserOut(
            username=user.username,
            role=user.role,
            centre=user.centre,
            display_name=user.display_name,
        ),
    )


@router.get("/me", response_model=UserOut)
def me(principal: PrincipalDep) -> UserOut:
    return UserOut(**principal.user_dict())


@router.post("/logout", status_code=204, response_class=Response)
def logout(principal: PrincipalDep, services: ServicesDep) -> Response:
    """Revoke the token of this request."""
    services.verifier.revoke(principal)
    return Response(status_code=204)
