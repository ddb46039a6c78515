"""Signed access tokens: ``cw1.<claims>.<HMAC-SHA256>`` (base64url), with an expiry.

The claims are JSON: subject (user name), role, centre, token version of the user (raised to
revoke every earlier token), issue and expiry times (UNIX seconds) and a random token id (to
revoke one token). Verification is constant-time on the signature.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass

from channelwatch.api.errors import AuthenticationError, SettingsError

PREFIX = "cw1"
MAX_TOKEN_CHARS = 2048


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True, slots=True)
class TokenClaims:
    sub: str
    role: str
    centre: str | None
    ver: int
    iat: int
    exp: int
    jti: str


class TokenSigner:
    """Issues and checks tokens with one secret key."""

    def __init__(self, secret: bytes, ttl_s: int) -> None:
        if len(secret) < 16:
            raise SettingsError("the token secret must have at least 16 bytes")
        self._key = hashlib.sha256(b"channelwatch-token-v1" + secret).digest()
        self.ttl_s = ttl_s

    def _sign(self, body: str) -> str:
        return _b64(hmac.new(self._key, body.encode("ascii"), hashlib.sha256).digest())

    def issue(
        self, sub: str, role: str, centre: str | None, ver: int, now_s: float | None = None
    ) -> tuple[str, TokenClaims]:
        iat = int(time.time() if now_s is None else now_s)
        claims = TokenClaims(sub, role, centre, ver, iat, iat + self.ttl_s, secrets.token_hex(12))
        doc = {
            "sub": sub,
            "role": role,
            "centre": centre,
            "ver": ver,
            "iat": claims.iat,
            "exp": claims.exp,
            "jti": claims.jti,
        }
        body = _b64(json.dumps(doc, separators=(",", ":")).encode("utf-8"))
        return f"{PREFIX}.{body}.{self._sign(PREFIX + '.' + body)}", claims

    def verify(self, token: str, now_s: float | None = None) -> TokenClaims:
        """The claims of a valid, unexpired token; AuthenticationError otherwise."""
        if len(token) > MAX_TOKEN_CHARS:
            raise AuthenticationError("token too long")
        parts = token.split(".")
        if len(parts) != 3 or parts[0] != PREFIX:
            raise AuthenticationError("malformed token")
        expected = self._sign(parts[0] + "." + parts[1])
        if not hmac.compare_digest(expected.encode("ascii"), parts[2].encode("ascii", "replace")):
            raise AuthenticationError("bad token signature")
        try:
            doc = json.loads(_unb64(parts[1]))
            claims = TokenClaims(
                sub=str(doc["sub"]),
                role=str(doc["role"]),
                centre=None if doc["centre"] is None else str(doc["centre"]),
                ver=int(doc["ver"]),
                iat=int(doc["iat"]),
                exp=int(doc["exp"]),
                jti=str(doc["jti"]),
            )
        except (ValueError, KeyError, TypeError, binascii.Error):
            raise AuthenticationError("malformed token claims") from None
        if (time.time() if now_s is None else now_s) >= claims.exp:
            raise AuthenticationError("token expired: log in again")
        return claims
