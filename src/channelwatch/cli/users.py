"""``channelwatch users``: accounts of the server (add, list, passwd, disable, revoke, remove)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import typer

from channelwatch.cli.common import console, handle_errors, print_json

if TYPE_CHECKING:
    from channelwatch.store import Repository

users_app = typer.Typer(
    help="User accounts of the server (roles: operator, supervisor, police, auditor, partner).",
    no_args_is_help=True,
)

DB_OPT = typer.Option(
    None, "--db", help="Store (default: CHANNELWATCH_DB or channelwatch-data/channelwatch.db)."
)


def _store(db: str | None) -> Repository:
    from channelwatch.api.settings import load_settings
    from channelwatch.store import open_store

    return open_store(db or load_settings().db)


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    value: str = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    return value


@users_app.command("add")
@handle_errors
def add_cmd(
    username: str = typer.Argument(..., help="Login name (a-z, 0-9, '.', '_', '-')."),
    role: str = typer.Option(..., "--role", help="operator, supervisor, police, auditor, partner."),
    centre: str = typer.Option(None, "--centre", help="FR or GB (staff); BE etc. (partner)."),
    display_name: str = typer.Option(None, "--display-name", help="Shown in the page."),
    password_stdin: bool = typer.Option(
        False, "--password-stdin", help="Read the password from standard input."
    ),
    db: str = DB_OPT,
) -> None:
    """Add a user (the password is asked for, or read from stdin; stored argon2-hashed)."""
    from channelwatch.api.users import check_user_fields, create_user

    check_user_fields(username, role, centre)
    store = _store(db)
    try:
        user = create_user(store, username, _password(password_stdin), role, centre, display_name)
    finally:
        store.close()
    console.print(f"added {user.username} ({user.role}, {user.centre or '-'})")


@users_app.command("list")
@handle_errors
def list_cmd(
    json_out: bool = typer.Option(False, "--json", help="JSON output."), db: str = DB_OPT
) -> None:
    """List the users (never their password hashes)."""
    store = _store(db)
    try:
        users = store.list_users()
    finally:
        store.close()
    rows = [
        {
            "username": u.username,
            "role": u.role,
            "centre": u.centre,
            "display_name": u.display_name,
            "disabled": u.disabled,
            "demo": u.demo,
            "created_at": u.created_at.isoformat(),
        }
        for u in users
    ]
    if json_out:
        print_json(rows)
        return
    from rich.table import Table

    table = Table("user", "role", "centre", "name", "state")
    for r in rows:
        state = "disabled" if r["disabled"] else ("demo" if r["demo"] else "active")
        cells = [str(r["username"]), str(r["role"]), str(r["centre"] or "-")]
        table.add_row(*cells, str(r["display_name"]), state)
    console.print(table)


def _update(db: str | None, username: str, **changes: Any) -> None:
    store = _store(db)
    try:
        store.update_user(username, **changes)
    finally:
        store.close()


@users_app.command("passwd")
@handle_errors
def passwd_cmd(
    username: str,
    password_stdin: bool = typer.Option(False, "--password-stdin"),
    db: str = DB_OPT,
) -> None:
    """Set a new password (every token issued before stops working)."""
    from channelwatch.api.auth.passwords import hash_password

    _update(
        db,
        username,
        password_hash=hash_password(_password(password_stdin)),
        bump_token_version=True,
    )
    console.print(f"password of {username} changed; its tokens are revoked")


@users_app.command("disable")
@handle_errors
def disable_cmd(username: str, db: str = DB_OPT) -> None:
    """Disable a user (refused at login; tokens stop working within seconds)."""
    _update(db, username, disabled=True, bump_token_version=True)
    console.print(f"{username} disabled")


@users_app.command("enable")
@handle_errors
def enable_cmd(username: str, db: str = DB_OPT) -> None:
    _update(db, username, disabled=False)
    console.print(f"{username} enabled")


@users_app.command("revoke")
@handle_errors
def revoke_cmd(username: str, db: str = DB_OPT) -> None:
    """Revoke every token of a user (they log in again)."""
    _update(db, username, bump_token_version=True)
    console.print(f"tokens of {username} revoked")


@users_app.command("remove-demo")
@handle_errors
def remove_demo_cmd(db: str = DB_OPT) -> None:
    """Delete the development demo users (production refuses to start while they exist)."""
    store = _store(db)
    try:
        gone = [u.username for u in store.list_users() if u.demo and store.delete_user(u.username)]
    finally:
        store.close()
    console.print(f"removed {len(gone)} demo users" + (f": {', '.join(gone)}" if gone else ""))


def register(app: typer.Typer) -> None:
    app.add_typer(users_app, name="users")
