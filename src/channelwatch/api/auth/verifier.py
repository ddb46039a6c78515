"""Token verifiers and the password login.

The routes only ever ask a :class:`TokenVerifier` "who is this?". :class:`LocalTokenVerifier`
checks our own signed tokens against the user table; an OIDC verifier (checking an identity
provider's signed JWT and mapping its claims to a role and a centre) implements the same
protocol, and the password login is then switched off.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Protocol

from channelwatch.api.auth.passwords import dummy_hash, verify_password
from channelwatch.api.auth.principal import Principal
from channelwatch.api.auth.roles import Role
from channelwatch.api.auth.tokens import TokenClaims, TokenSigner
from channelwatch.api.errors import AuthenticationError
from channelwatch.store import Repository, UserRecord

USER_CACHE_S = 5.0  # a disabled user or a revoked token stops working within this time
VERIFIED_CACHE = 10_000  # tokens whose signature was checked, kept by their exact text


class TokenVerifier(Protocol):
    def verify(self, token: str) -> Principal:
        """The principal of a valid token; AuthenticationError otherwise."""
        ...

    def revoke(self, principal: Principal) -> None:
        """Revoke the token the principal came with."""
        ...


class LocalTokenVerifier:
    """Verifies tokens signed by :class:`TokenSigner` for users of the store."""

    def __init__(
        self,
        signer: TokenSigner,
        store: Repository,
        *,
        cache_s: float = USER_CACHE_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.signer = signer
        self.store = store
        self.cache_s = cache_s
        self._clock = clock
        self._users: dict[str, tuple[float, UserRecord | None]] = {}
        self._revoked: set[str] = set()
        self._revoked_at = -1e18
        self._lock = threading.Lock()
        self._verified: dict[str, tuple[TokenClaims, UserRecord, Principal]] = {}

    def _user(self, username: str) -> UserRecord | None:
        now = self._clock()
        with self._lock:
            hit = self._users.get(username)
        if hit is not None and now - hit[0] < self.cache_s:
            return hit[1]
        user = self.store.get_user(username)
        with self._lock:
            if len(self._users) > 10_000:
                self._users.clear()
            self._users[username] = (now, user)
        return user

    def _is_revoked(self, jti: str) -> bool:
        now = self._clock()
        if now - self._revoked_at >= self.cache_s:
            revoked = self.store.revoked_tokens(datetime.now(UTC))
            with self._lock:
                self._revoked, self._revoked_at = revoked, now
        return jti in self._revoked

    def principal(self, claims: TokenClaims, user: UserRecord) -> Principal:
        return Principal(
            username=user.username,
            role=Role(user.role),
            centre=user.centre,
            display_name=user.display_name,
            token_id=claims.jti,
            expires_at=datetime.fromtimestamp(claims.exp, UTC),
        )

    def verify(self, token: str) -> Principal:
        # A token string that verified once verifies again: its signature and claims are kept
        # (the expiry, the user and revocations are checked every time); this saves decoding
        # and an HMAC on every request of a busy client.
        hit = self._verified.get(token)
        if hit is None:
            claims = self.signer.verify(token)
        else:
            claims = hit[0]
            if time.time() >= claims.exp:
                raise AuthenticationError("token expired: log in again")
        user = self._user(claims.sub)
        if user is None or user.disabled:
            raise AuthenticationError("unknown or disabled user")
        if user.token_version != claims.ver or user.role != claims.role:
            raise AuthenticationError("token revoked: log in again")
        if self._is_revoked(claims.jti):
            raise AuthenticationError("token revoked: log in again")
        if hit is not None and hit[1] is user:
            return hit[2]
        principal = self.principal(claims, user)
        with self._lock:
            if len(self._verified) >= VERIFIED_CACHE:
                self._verified.clear()
            self._verified[token] = (claims, user, principal)
        return principal

    def revoke(self, principal: Principal) -> None:
        self.store.revoke_token(principal.token_id, principal.expires_at)
        with self._lock:
            self._revoked.add(principal.token_id)

    def forget(self, username: str) -> None:
        """Drop a user from the cache (after a change made by this process)."""
        with self._lock:
            self._users.pop(username, None)


class PasswordLogin:
    """Name and password in, a signed token out (argon2 verification)."""

    def __init__(self, signer: TokenSigner, store: Repository) -> None:
        self.signer = signer
        self.store = store

    def login(self, username: str, password: str) -> tuple[str, TokenClaims, UserRecord]:
        user = self.store.get_user(username) if len(username) <= 64 else None
        if user is None:
            verify_password(dummy_hash(), password)  # same time as a wrong password
            raise AuthenticationError("unknown user or wrong password")
        if not verify_password(user.password_hash, password) or user.disabled:
            raise AuthenticationError("unknown user or wrong password")
        token, claims = self.signer.issue(user.username, user.role, user.centre, user.token_version)
        return token, claims, user
