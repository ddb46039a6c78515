"""Errors of the server: one base class; HTTP status codes are chosen in :mod:`.app` only."""

from __future__ import annotations

from channelwatch.errors import ChannelWatchError, InputError


class ApiError(ChannelWatchError):
    """Base class of every error raised by :mod:`channelwatch.api`."""


class SettingsError(ApiError, InputError):
    """The server's settings are invalid or unsafe (e.g. no secret in production)."""


class AuthenticationError(ApiError):
    """No valid credentials: a missing, malformed, expired or revoked token, a bad password."""


class ForbiddenError(ApiError):
    """The user's role may not do this."""


class RateLimitedError(ApiError):
    """Too many requests for this token (or address); retry after ``retry_after_s``."""

    def __init__(self, message: str, retry_after_s: float) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class ApiInputError(ApiError, InputError):
    """A request is well formed but its values are not acceptable (the message names them)."""


class NotFoundApiError(ApiInputError):
    """The request names something that does not exist."""


class ConflictError(ApiInputError):
    """The request conflicts with the current state (e.g. an advice that is not advice)."""


class UnavailableError(ApiError):
    """The service is starting or stopping; try again."""
