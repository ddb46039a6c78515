"""The authenticated user of a request, as the routes see it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from channelwatch.api.auth.roles import Permission, Role, allowed


@dataclass(frozen=True, slots=True)
class Principal:
    """A verified user: name, role, centre; the token it came with (id and expiry)."""

    username: str
    role: Role
    centre: str | None
    display_name: str
    token_id: str
    expires_at: datetime

    @property
    def tag(self) -> str:
        """The actor written in the ledger: ``centre/username`` (or the role for no centre)."""
        return f"{self.centre or self.role.value}/{self.username}"

    @property
    def internal(self) -> bool:
        """Whether this user sees internal notes, advice and decisions (not a partner)."""
        return allowed(self.role, Permission.READ_INTERNAL)

    def can(self, permission: Permission) -> bool:
        return allowed(self.role, permission)

    def user_dict(self) -> dict[str, Any]:
        return {
            "username": self.username,
            "role": self.role.value,
            "centre": self.centre,
            "display_name": self.display_name,
        }

    def case_actor(self) -> Any:
        """The :class:`channelwatch.cases.Actor` of this user (operator or supervisor)."""
        from channelwatch.cases import Actor
        from channelwatch.cases import Role as CaseRole

        role = CaseRole.SUPERVISOR if self.role is Role.SUPERVISOR else CaseRole.OPERATOR
        return Actor(ref=self.username, centre=self.centre or self.role.value, role=role)
