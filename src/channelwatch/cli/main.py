"""The ``channelwatch`` command.

Each module in this package (other than this one and ``common``) defines
``register(app: typer.Typer) -> None`` and adds its commands. Modules are discovered, so a new
command group needs no edit here. Heavy libraries are imported inside the commands, not at the
top of the modules, so ``channelwatch --help`` stays fast.
"""

from __future__ import annotations

import importlib
import pkgutil

import typer

import channelwatch
import channelwatch.cli as cli_pkg

app = typer.Typer(
    name="channelwatch",
    help="ChannelWatch: shared maritime picture, distress assessment, doctrine, drift and search, "
    "and an accountable record for the Dover Strait.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

_SKIP = {"main", "common"}


def _version(value: bool) -> None:
    if value:
        typer.echo(channelwatch.__version__)
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """ChannelWatch command line."""


def _register_all() -> None:
    for info in sorted(pkgutil.iter_modules(cli_pkg.__path__), key=lambda m: m.name):
        if info.name in _SKIP or info.name.startswith("_"):
            continue
        module = importlib.import_module(f"channelwatch.cli.{info.name}")
        register = getattr(module, "register", None)
        if register is not None:
            register(app)


_register_all()


def main() -> None:
    """Entry point of the console script."""
    app()
