"""Who is asking and what they may do: roles, passwords, signed tokens, token verifiers."""

from __future__ import annotations

from channelwatch.api.auth.passwords import hash_password, verify_password
from channelwatch.api.auth.principal import Principal
from channelwatch.api.auth.roles import INTERNAL_ROLES, Permission, Role, allowed
from channelwatch.api.auth.tokens import TokenClaims, TokenSigner
from channelwatch.api.auth.verifier import LocalTokenVerifier, PasswordLogin, TokenVerifier

__all__ = [
    "INTERNAL_ROLES",
    "LocalTokenVerifier",
    "PasswordLogin",
    "Permission",
    "Principal",
    "Role",
    "TokenClaims",
    "TokenSigner",
    "TokenVerifier",
    "allowed",
    "hash_password",
    "verify_password",
]
