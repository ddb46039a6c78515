"""User accounts: validation of role and centre, creation, and the development demo users."""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from channelwatch.api.auth.passwords import hash_password
from channelwatch.api.auth.roles import CENTRE_ROLES, CENTRES, Role
from channelwatch.api.errors import ApiInputError
from channelwatch.store import DuplicateError, Repository, UserRecord

_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
_CENTRE_CODE = re.compile(r"^[A-Z]{2,8}$")


@dataclass(frozen=True, slots=True)
class DemoUser:
    username: str
    role: Role
    centre: str | None
    display_name: str

    @property
    def password(self) -> str:
        return f"{self.username}-demo"


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser("gn-operator", Role.OPERATOR, "FR", "CROSS Gris-Nez watch officer (demo)"),
    DemoUser("gn-supervisor", Role.SUPERVISOR, "FR", "CROSS Gris-Nez supervisor (demo)"),
    DemoUser("dover-operator", Role.OPERATOR, "GB", "HM Coastguard Dover officer (demo)"),
    DemoUser("dover-supervisor", Role.SUPERVISOR, "GB", "HM Coastguard Dover supervisor (demo)"),
    DemoUser("fr-police", Role.POLICE, "FR", "Gendarmerie maritime (demo)"),
    DemoUser("auditor", Role.AUDITOR, None, "Oversight auditor (demo)"),
    DemoUser("partner-be", Role.PARTNER, "BE", "MRCC Oostende, partner centre (demo)"),
)


def check_user_fields(username: str, role: str, centre: str | None) -> tuple[Role, str | None]:
    """Validate a name, a role and a centre; returns the role and the normalised centre."""
    if not _USERNAME.match(username):
        raise ApiInputError(
            f"user name must be 2-64 characters of a-z, 0-9, '.', '_', '-', got {username!r}"
        )
    try:
        r = Role(role)
    except ValueError:
        raise ApiInputError(
            f"role must be one of {', '.join(x.value for x in Role)}, got {role!r}"
        ) from None
    code = centre.strip().upper() if centre else None
    if r in CENTRE_ROLES and code not in CENTRES:
        raise ApiInputError(f"a {r.value} belongs to centre FR or GB, got {centre!r}")
    if r is Role.AUDITOR and code is not None:
        raise ApiInputError(f"an auditor has no centre, got {centre!r}")
    if r is Role.PARTNER and (code is None or not _CENTRE_CODE.match(code)):
        raise ApiInputError(f"a partner needs its centre code (e.g. BE), got {centre!r}")
    return r, code


def create_user(
    store: Repository,
    username: str,
    password: str,
    role: str,
    centre: str | None = None,
    display_name: str | None = None,
    *,
    demo: bool = False,
) -> UserRecord:
    """Add a user with an argon2-hashed password; DuplicateError if the name is taken."""
    r, code = check_user_fields(username, role, centre)
    user = UserRecord(
        username=username,
        password_hash=hash_password(password),
        role=r.value,
        centre=code,
        display_name=(display_name or username)[:200],
        created_at=datetime.now(UTC),
        demo=demo,
    )
    store.add_user(user)
    return user


def ensure_demo_users(store: Repository) -> list[DemoUser]:
    """Create the demo users that are missing; returns every demo user (for printing)."""
    for d in DEMO_USERS:
        if store.get_user(d.username) is None:
            with contextlib.suppress(DuplicateError):  # another process created it meanwhile
                create_user(
                    store, d.username, d.password, d.role.value, d.centre, d.display_name, demo=True
                )
    return list(DEMO_USERS)


def demo_users_present(store: Repository) -> list[str]:
    return [u.username for u in store.list_users() if u.demo]
