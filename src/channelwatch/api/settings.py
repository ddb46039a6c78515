"""Settings, validated once at start-up, from ``CHANNELWATCH_*`` variables and options.

Development (the default) runs with nothing set: an embedded store under ``channelwatch-data/``,
a random signing secret per process, and well-known demo users. Production refuses to start
without a strong secret, with a known default secret, or (checked against the store on start)
with demo users.
"""

from __future__ import annotations

import math
import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator

from channelwatch.api.errors import SettingsError

ENV_PREFIX = "CHANNELWATCH_"
MIN_SECRET_CHARS = 32
# Secrets that appear in examples and templates: never accepted in production.
KNOWN_DEFAULT_SECRETS = frozenset(
    {
        "change-me",
        "changeme",
        "secret",
        "development",
        "dev",
        "channelwatch",
        "channelwatch-development-secret",
        "please-change-this-secret-in-production",
    }
)
DEFAULT_DATA_DIR = Path("channelwatch-data")


def parse_host_port(text: str, what: str) -> tuple[str, int]:
    host, sep, port = text.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise SettingsError(f"{what} must be HOST:PORT with a port 1-65535, got {text!r}")
    return host, int(port)


class Settings(BaseModel):
    """Everything the server is configured with (see docs/deploy.md)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    env: Literal["development", "production"] = "development"
    secret: SecretStr | None = None
    db: str = str(DEFAULT_DATA_DIR / "channelwatch.db")
    ledger: str | None = None  # default: beside a SQLite store, or the same PostgreSQL database
    ledger_key: Path | None = None  # default: <ledger file>.key, or <data dir>/ledger.key
    host: str = "127.0.0.1"
    port: int = Field(8000, ge=0, le=65535)
    token_ttl_s: int = Field(12 * 3600, ge=60, le=7 * 86400)
    max_body_bytes: int = Field(1 << 20, ge=1024, le=64 << 20)
    rate_limit_per_s: float = Field(50.0, gt=0)
    rate_burst: int = Field(200, ge=1)
    login_rate_per_min: float = Field(30.0, gt=0)
    region: str | None = None
    policy: str = "fr-2025-11-framework"
    static_dir: Path | None = None
    replay: Path | None = None
    speed: float = Field(1.0, gt=0)
    ais_tcp: str | None = None
    ais_udp: int | None = Field(None, ge=0, le=65535)
    snapshot_interval_s: float = Field(1.0, gt=0, le=60)
    demo_users: bool | None = None  # default: on in development, refused in production
    forcing_wind: Path | None = None
    forcing_current: Path | None = None
    tracker_queue: int = Field(20_000, ge=100)
    tracker_process: bool = True  # the tracker in its own process, off the server's GIL
    ledger_process: bool = True  # ledger commits in their own process, off the server's GIL
    fast_intake: bool = True  # the contact routes answered by api/intake.py, not the router
    commit_window_ms: float = Field(4.0, ge=0, le=50)  # group commit: at most one per window
    # permessage-deflate compresses every message once per client: with 100 pages open it costs
    # more CPU than everything else (bench/api_load.py); the picture is served on a LAN.
    ws_deflate: bool = False

    @field_validator("speed")
    @classmethod
    def _finite_speed(cls, v: float) -> float:
        if not math.isfinite(v):
            raise ValueError("speed must be a finite number")
        return v

    @field_validator("ais_tcp")
    @classmethod
    def _host_port(cls, v: str | None) -> str | None:
        if v is not None:
            try:
                parse_host_port(v, "ais_tcp")
            except SettingsError as exc:
                raise ValueError(str(exc)) from None
        return v

    # -- derived -------------------------------------------------------------------------------
    @property
    def production(self) -> bool:
        return self.env == "production"

    @property
    def create_demo_users(self) -> bool:
        return (not self.production) if self.demo_users is None else self.demo_users

    def secret_bytes(self) -> bytes:
        """The token signing secret (development without one: random, for this process only)."""
        if self.secret is None:
            return _DEV_SECRET
        return self.secret.get_secret_value().encode("utf-8")

    def ledger_location(self) -> str:
        if self.ledger:
            return self.ledger
        if self.db.startswith(("postgresql://", "postgres://")):
            return self.db
        from channelwatch.store import sqlite_path

        p = sqlite_path(self.db)
        return str(p.with_name(p.stem + ".ledger" + (p.suffix or ".db")))

    def ledger_key_path(self) -> Path:
        if self.ledger_key is not None:
            return self.ledger_key
        loc = self.ledger_location()
        if loc.startswith(("postgresql://", "postgres://")):
            return DEFAULT_DATA_DIR / "ledger.key"
        return Path(f"{loc}.key")

    def check(self) -> Settings:
        """Refuse unsafe production settings (the store's users are checked on start)."""
        if self.production:
            if self.secret is None:
                raise SettingsError(
                    "production needs CHANNELWATCH_SECRET (at least "
                    f"{MIN_SECRET_CHARS} characters): refusing to start"
                )
            value = self.secret.get_secret_value()
            if value.strip().lower() in KNOWN_DEFAULT_SECRETS:
                raise SettingsError("CHANNELWATCH_SECRET is a known default: refusing to start")
            if len(value) < MIN_SECRET_CHARS:
                raise SettingsError(
                    f"CHANNELWATCH_SECRET has {len(value)} characters; production needs at least "
                    f"{MIN_SECRET_CHARS}"
                )
            if self.demo_users:
                raise SettingsError("demo users are refused in production")
            if self.ledger_key is None and self.ledger_location().startswith("postgres"):
                raise SettingsError(
                    "a ledger in PostgreSQL needs CHANNELWATCH_LEDGER_KEY (the signing key file)"
                )
        return self


_DEV_SECRET = secrets.token_bytes(32)

_FIELDS_FROM_ENV: dict[str, str] = {
    name: ENV_PREFIX + name.upper() for name in Settings.model_fields if name != "secret"
} | {"secret": ENV_PREFIX + "SECRET"}


def load_settings(
    overrides: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None
) -> Settings:
    """Settings from ``CHANNELWATCH_*`` variables, then ``overrides`` (None values ignored)."""
    env = os.environ if environ is None else environ
    raw: dict[str, Any] = {}
    for name, var in _FIELDS_FROM_ENV.items():
        value = env.get(var)
        if value is not None and value != "":
            raw[name] = value
    for name, value in (overrides or {}).items():
        if value is not None:
            raw[name] = value
    try:
        settings = Settings.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(p) for p in err["loc"]) or "settings"
        var = _FIELDS_FROM_ENV.get(field, field)
        raise SettingsError(f"setting {field} ({var}): {err['msg']}") from None
    return settings.check()
