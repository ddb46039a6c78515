"""``channelwatch serve``: the API, the live stream and the web page, on uvicorn."""

from __future__ import annotations

from pathlib import Path

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
    ) -> None:
        """Run the ChannelWatch server: REST API (/api, docs at /api/docs), WebSocket stream
        (/api/ws) and the operations page (/). Settings also come from CHANNELWATCH_*
        variables (docs/deploy.md)."""
        import logging

        import uvicorn

        from channelwatch.api.app import create_app, preflight
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
        logging.basicConfig(level=getattr(logging, log_level.upper(), logging.INFO))

        def announce(message: str) -> None:
            console.print(f"[bold cyan]channelwatch:[/] {message}", highlight=False)

        announce(f"{settings.env} mode, store {settings.db}, ledger {settings.ledger_location()}")
        app = create_app(settings, announce=announce)
        config = uvicorn.Config(
            app,
            host=settings.host,
            port=settings.port,
            log_level=log_level,
            access_log=False,
            loop="auto",
            http="auto",
            ws="auto",
            lifespan="on",
            timeout_graceful_shutdown=5,
        )
        announce(f"serving on http://{settings.host}:{settings.port}/ (API docs at /api/docs)")
        uvicorn.Server(config).run()
