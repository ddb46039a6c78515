"""Roles and what each may do. One table, so the whole policy reads in one place."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    OPERATOR = "operator"  # a watch officer of CROSS Gris-Nez (FR) or HM Coastguard Dover (GB)
    SUPERVISOR = "supervisor"  # a watch supervisor / search mission coordinator of a centre
    POLICE = "police"  # maritime police (gendarmerie maritime, Border Force)
    AUDITOR = "auditor"  # oversight: reads everything, the ledger included; writes nothing
    PARTNER = "partner"  # a partner centre: the shared picture, no internal notes


class Permission(StrEnum):
    READ_PICTURE = "read_picture"  # tracks, contacts, alerts, region, clock, cases (shared part)
    READ_INTERNAL = "read_internal"  # case events, notes, documents, suggestions
    POST_CONTACTS = "post_contacts"
    ACK_ALERTS = "ack_alerts"
    CASE_COMMANDS = "case_commands"
    CASE_NOTES = "case_notes"
    DOCTRINE = "doctrine"  # evaluate doctrine, record decisions
    PLANNING = "planning"  # drift runs, search plans
    LEDGER = "ledger"  # entries, proofs, case exports


_ALL_READ = {Permission.READ_PICTURE}
_STAFF_READ = _ALL_READ | {Permission.READ_INTERNAL}
_CENTRE = _STAFF_READ | {
    Permission.POST_CONTACTS,
    Permission.ACK_ALERTS,
    Permission.CASE_COMMANDS,
    Permission.CASE_NOTES,
    Permission.DOCTRINE,
    Permission.PLANNING,
}

PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.OPERATOR: frozenset(_CENTRE),
    Role.SUPERVISOR: frozenset(_CENTRE | {Permission.LEDGER}),
    Role.POLICE: frozenset(
        _STAFF_READ
        | {Permission.POST_CONTACTS, Permission.ACK_ALERTS, Permission.CASE_NOTES}
        | {Permission.DOCTRINE}
    ),
    Role.AUDITOR: frozenset(_STAFF_READ | {Permission.LEDGER}),
    Role.PARTNER: frozenset(_ALL_READ),
}

INTERNAL_ROLES = frozenset(r for r, p in PERMISSIONS.items() if Permission.READ_INTERNAL in p)
CENTRE_ROLES = frozenset({Role.OPERATOR, Role.SUPERVISOR, Role.POLICE})
CENTRES = ("FR", "GB")


def allowed(role: Role, permission: Permission) -> bool:
    return permission in PERMISSIONS[role]
