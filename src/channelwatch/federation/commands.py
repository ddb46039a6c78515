"""Commands one centre's operators send about the other centre's cases, as plain dicts.

A case's record stays with the centre that opened it (its home book is the one writer of its
events); coordination moves between centres. A partner's operator acts on it by a command sent
over the link, which the home book runs under its own rules, with the partner's actor (reduced
to centre and role). The handover commands travel this way: accept, reject, request, withdraw.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from channelwatch.cases.codec import iso, parse_time
from channelwatch.cases.commands import (
    AcceptHandover,
    Command,
    RejectHandover,
    RequestHandover,
    WithdrawHandover,
)
from channelwatch.cases.model import Actor, Role
from channelwatch.errors import ChannelWatchError
from channelwatch.federation.envelope import check_centre
from channelwatch.federation.errors import FederationInputError

ForwardedCommand = AcceptHandover | RejectHandover | RequestHandover | WithdrawHandover

NAMES: Final[dict[str, type[ForwardedCommand]]] = {
    "accept": AcceptHandover,
    "reject": RejectHandover,
    "request": RequestHandover,
    "withdraw": WithdrawHandover,
}
_NAME_OF: Final = {v: k for k, v in NAMES.items()}


def case_ref(home: str, case_id: str) -> str:
    """The reference of a case across centres: ``<home centre>:<case id>``."""
    return f"{home}:{case_id}"


def parse_case_ref(ref: str, own: str) -> tuple[str, str]:
    """(home centre, case id) of ``FR:C-0001``; a bare ``C-0001`` is one of ``own``'s cases."""
    home, sep, case_id = ref.partition(":")
    if not sep:
        return own, ref
    if not case_id:
        raise FederationInputError(f"case reference {ref!r} has no case id after the ':'")
    return check_centre(home), case_id


def role_actor(centre: str, role: str) -> Actor:
    """The actor a partner sees: the centre and the role, no name."""
    try:
        r = Role(role)
    except ValueError:
        r = Role.OPERATOR
    return Actor(ref=str(r), centre=centre, role=r)


def command_to_dict(cmd: ForwardedCommand) -> dict[str, Any]:
    """The command without its actor (the actor travels, pseudonymised, beside it)."""
    out: dict[str, Any] = {
        "name": _NAME_OF[type(cmd)],
        "case_id": cmd.case_id,
        "time": iso(cmd.time),
    }
    if isinstance(cmd, RequestHandover):
        out["reason"] = cmd.reason
        out["to_centre"] = cmd.to_centre
    else:
        out["request_id"] = cmd.request_id
        if not isinstance(cmd, AcceptHandover):
            out["reason"] = cmd.reason
    return out


def command_from_dict(doc: Mapping[str, Any], actor: Actor) -> Command:
    """Rebuild a forwarded command for ``actor``; FederationInputError if it is malformed."""
    name = doc.get("name")
    if name not in NAMES:
        raise FederationInputError(f"unknown forwarded command {name!r}")
    case_id = doc.get("case_id")
    if not isinstance(case_id, str) or not case_id:
        raise FederationInputError(f"forwarded command {name} has no case_id")
    try:
        time = parse_time(doc.get("time"), f"forwarded command {name} time")
    except ChannelWatchError as exc:
        raise FederationInputError(str(exc)) from None
    base: dict[str, Any] = {"actor": actor, "time": time, "case_id": case_id}
    if name == "request":
        return RequestHandover(
            **base, reason=str(doc.get("reason") or ""), to_centre=doc.get("to_centre")
        )
    request_id = doc.get("request_id")
    if request_id is not None and not isinstance(request_id, str):
        raise FederationInputError(f"forwarded command {name}: request_id {request_id!r}")
    if name == "accept":
        return AcceptHandover(**base, request_id=request_id)
    cls = RejectHandover if name == "reject" else WithdrawHandover
    return cls(**base, reason=str(doc.get("reason") or ""), request_id=request_id)
