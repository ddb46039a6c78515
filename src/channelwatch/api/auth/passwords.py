"""Password hashing with argon2id (argon2-cffi's defaults, RFC 9106's second choice)."""

from __future__ import annotations

from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from channelwatch.api.errors import ApiInputError

MIN_PASSWORD_CHARS = 8
MAX_PASSWORD_CHARS = 1024


@lru_cache(maxsize=1)
def _hasher() -> PasswordHasher:
    return PasswordHasher()


def check_password_policy(password: str) -> None:
    if not MIN_PASSWORD_CHARS <= len(password) <= MAX_PASSWORD_CHARS:
        raise ApiInputError(
            f"a password must have {MIN_PASSWORD_CHARS}-{MAX_PASSWORD_CHARS} characters, "
            f"got {len(password)}"
        )


def hash_password(password: str) -> str:
    check_password_policy(password)
    return str(_hasher().hash(password))


def verify_password(password_hash: str, password: str) -> bool:
    """True if the password matches; False for a mismatch or an unusable stored hash."""
    if not password_hash or len(password) > MAX_PASSWORD_CHARS:
        return False
    try:
        return bool(_hasher().verify(password_hash, password))
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


# A hash to verify against when the user does not exist, so that an unknown name and a wrong
# password take the same time.
@lru_cache(maxsize=1)
def dummy_hash() -> str:
    return str(_hasher().hash("not-a-real-password-for-timing"))
