"""``channelwatch serve``: the API, the live stream and the web page, on uvicorn.

With ``--federation nats://HOST:4222 --centre FR --partner GB=gb.pub`` the server also runs its
centre's federation link (docs/federation.md): the partner's shared picture joins its own.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from channelwatch.cli.common import console, handle_errors


def register(app: typer.Typer) -> None:
    @app.command("serve")
    @handle_errors
    def serve(
        host: str = typer.Option(None, "--host", help="Address to listen on (default 127.0.0.1)."),
        port: int = typer.Option(None, "--port", help="Port (default 8000; 0 picks a free one)."),
        db: str = typer.Option(
            None,
            "--db",
            help="Store: a SQLite file (default channelwatch-data/channelwatch.db) or a "
            "postgresql://user@host/db URL (PostGIS).",
        ),
        replay: Path = typer.Option(
            None, "--replay", help="Replay a scenario directory (ais.nmea, contacts.jsonl)."
        ),
        speed: float = typer.Option(None, "--speed", help="Replay speed (60: one hour a minute)."),
        ais_tcp: str = typer.Option(None, "--ais-tcp", help="Follow an AIS feed at HOST:PORT."),
        ais_udp: int = typer.Option(None, "--ais-udp", help="Listen for AIS datagrams on PORT."),
        env: str = typer.Option(
            None, "--env", help="development (default: demo users) or production."
        ),
        static_dir: Path = typer.Option(None, "--static", help="Serve the web page from DIR."),
        log_level: str = typer.Option("info", "--log-level", help="uvicorn log level."),
        federation: str = typer.Option(
            None,
            "--federation",
            envvar="CHANNELWATCH_FEDERATION",
            help="Join the federation of centres on this NATS JetStream server "
            "(nats://HOST:4222); needs --centre and --partner.",
        ),
        centre: str = typer.Option(
            None,
            "--centre",
            envvar="CHANNELWATCH_CENTRE",
            help="This server's centre in the federation (FR or GB).",
        ),
        partner: list[str] = typer.Option(
            None,
            "--partner",
            help="CODE=FILE: a partner centre and its ledger's public key "
            "(channelwatch ledger pubkey); repeatable.",
        ),
        picture_every: float = typer.Option(
            10.0,
            "--federation-picture-s",
            help="Record and share this centre's track picture every N seconds.",
        ),
        max_age_h: float = typer.Option(
            720.0,
            "--federation-max-age-h",
            help="Hours this centre's stream keeps messages for an offline partner.",
        ),
    ) -> None:
        """Run the ChannelWatch server: REST API (/api, docs at /api/docs), WebSocket stream
        (/api/ws) and the operations page (/). Settings also come from CHANNELWATCH_*
        variables (docs/deploy.md)."""
        import logging

        import uvicorn

        from channelwatch.api.app import create_app, preflight
        from channelwatch.api.coalesce import CoalescingHttpToolsProtocol
        from channelwatch.api.settings import load_settings

        settings = load_settings(
            {
                "host": host,
                "port": port,
                "db": db,
                "replay": replay,
                "speed": speed,
                "ais_tcp": ais_tcp,
                "ais_udp": ais_udp,
                "env": env,
                "static_dir": static_dir,
            }
        )
        preflight(settings)
        fed_options = _federation_options(
            federation, centre, partner or [], picture_every, max_age_h, settings
        )
        logging.basicConfig(level=getattr(logging, log_level.upper(), logging.INFO))

        def announce(message: str) -> None:
            console.print(f"[bold cyan]channelwatch:[/] {message}", highlight=False)

        announce(f"{settings.env} mode, store {settings.db}, ledger {settings.ledger_location()}")
        app = create_app(settings, announce=announce)
        if fed_options is not None:
            from channelwatch.api.federation import with_federation

            app = with_federation(app, fed_options, announce=announce)
        config = uvicorn.Config(
            app,
            host=settings.host,
            port=settings.port,
            log_level=log_level,
            access_log=False,
            loop="auto",
            http=CoalescingHttpToolsProtocol,  # uvicorn's, one write per small response
            ws="auto",
            ws_per_message_deflate=settings.ws_deflate,
            lifespan="on",
            timeout_graceful_shutdown=5,
        )
        announce(f"serving on http://{settings.host}:{settings.port}/ (API docs at /api/docs)")
        uvicorn.Server(config).run()


def _federation_options(
    url: str | None,
    centre: str | None,
    partners: list[str],
    picture_every_s: float,
    max_age_h: float,
    settings: Any,
) -> Any:
    """The federation options (None without ``--federation``); a ledger file that does not
    exist yet is created with an origin naming the centre (its public key is then exported
    with ``channelwatch ledger pubkey`` for the partner)."""
    if url is None:
        if centre is not None or partners:
            from channelwatch.federation.errors import FederationInputError

            raise FederationInputError("--centre and --partner need --federation URL")
        return None
    from channelwatch.api.federation import FederationOptions, read_partner_keys
    from channelwatch.federation.errors import FederationInputError

    if centre is None:
        raise FederationInputError("--federation needs --centre (this server's centre: FR, GB)")
    options = FederationOptions(
        url=url,
        centre=centre,
        partner_keys=read_partner_keys(partners),
        picture_every_s=picture_every_s,
        max_age_s=max_age_h * 3600.0,
    )
    location = settings.ledger_location()
    from channelwatch.ledger.ledger import is_url

    if not is_url(location) and not Path(location).exists():
        from channelwatch.ledger import Ledger

        Path(location).parent.mkdir(parents=True, exist_ok=True)
        origin = f"channelwatch.{centre.lower()}"
        Ledger.create(location, origin=origin, key_path=settings.ledger_key_path()).close()
    return options
