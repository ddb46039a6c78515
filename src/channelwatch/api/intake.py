"""The contact intake's hot path: ``POST /api/contacts`` and ``POST /api/contacts/batch``
answered by a lean ASGI handler before the framework's machinery.

These two routes carry the load (radar and aircraft integrations, many reports a second). On
the load test the framework's routing, dependency resolution and response rendering cost more
CPU per report than recording it, so this handler does the same work with less machinery:

* the bearer token, the rate limit and the role: :func:`channelwatch.api.deps.authorize`, as
  the routes;
* the body: read once and validated once, from its bytes, by the routes' own pydantic models
  (no intermediate objects); a bad body is a 422 in FastAPI's shape (``detail`` lists the
  errors, ``loc`` starting with ``body``); the body limit as
  :class:`~channelwatch.api.limits.BodyLimitMiddleware` (413 before parsing);
* the recording: :func:`channelwatch.api.routes.picture.accept`, as the routes;
* the answer: serialised once and sent as bytes.

The FastAPI routes of the same paths stay: they declare these operations in OpenAPI, and they
answer when the intake is switched off (``CHANNELWATCH_FAST_INTAKE=false``). One difference: the
token is checked before the body is parsed (FastAPI parses first), so an unauthenticated request
is a 401 whatever its body.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from pydantic import TypeAdapter, ValidationError

from channelwatch.api.app import http_status
from channelwatch.api.auth.principal import Principal
from channelwatch.api.auth.roles import Permission
from channelwatch.api.deps import Services, authorize
from channelwatch.api.errors import UnavailableError
from channelwatch.api.limits import Receive, Scope, Send, reject_too_large
from channelwatch.api.routes.picture import NOTHING_ACCEPTED, accept, accepted_body, batch_records
from channelwatch.api.schemas import BatchIn, CallRecordIn, ContactOrCall, ContactRecordIn
from channelwatch.errors import ChannelWatchError

log = logging.getLogger("channelwatch.api")

SINGLE_PATH = "/api/contacts"
BATCH_PATH = "/api/contacts/batch"
_JSON = (b"content-type", b"application/json")


class _TooLargeError(Exception):
    pass


class _DisconnectedError(Exception):
    pass


class _BodyError(Exception):
    """A body that does not validate: the errors, FastAPI's way."""

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        super().__init__("invalid body")
        self.errors = errors


def _errors(exc: ValidationError) -> list[dict[str, Any]]:
    # Without the input: a body that is not UTF-8 cannot be echoed back as JSON.
    out: list[dict[str, Any]] = json.loads(exc.json(include_url=False, include_input=False))
    for e in out:
        e["loc"] = ["body", *e.get("loc", ())]
    return out


def _is_json(content_type: bytes | None) -> bool:
    """As FastAPI: no content type, ``application/json`` or ``application/*+json``."""
    if content_type is None:
        return True
    main = content_type.split(b";", 1)[0].strip().lower()
    return main == b"application/json" or (
        main.startswith(b"application/") and main.endswith(b"+json")
    )


_ENCODER = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def dumps(body: Any) -> bytes:
    """JSON as Starlette's JSONResponse renders it."""
    return _ENCODER.encode(body).encode("utf-8")


async def send_json(
    send: Send, status: int, body: bytes, headers: dict[str, str] | None = None
) -> None:
    raw = [_JSON, (b"content-length", str(len(body)).encode("ascii"))]
    if headers:
        raw += [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})


class ContactIntake:
    """The handler of the two contact routes (see the module docstring); the application
    (``channelwatch.api.app``) gives it the requests it :meth:`takes`."""

    def __init__(self, max_body_bytes: int) -> None:
        self.max_bytes = max_body_bytes
        single: Any = ContactOrCall  # an annotated union: pydantic takes it, its stub does not
        self._single: TypeAdapter[ContactRecordIn | CallRecordIn] = TypeAdapter(single)
        self._batch: TypeAdapter[BatchIn] = TypeAdapter(BatchIn)
        self.answered = 0

    @staticmethod
    def takes(scope: Scope) -> bool:
        """Whether this is a request for the intake: POST to one of its two paths."""
        return (
            scope["type"] == "http"
            and scope["method"] == "POST"
            and scope["path"] in (SINGLE_PATH, BATCH_PATH)
        )

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer one request it :meth:`takes` (``scope["app"]`` is the application)."""
        await self._handle(scope, receive, send, batch=scope["path"] == BATCH_PATH)

    async def _handle(self, scope: Scope, receive: Receive, send: Send, *, batch: bool) -> None:
        authorization = b""
        content_type: bytes | None = None
        declared = -1
        for name, value in scope["headers"]:
            if name == b"authorization":
                authorization = value
            elif name == b"content-type":
                content_type = value
            elif name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = -1
        if declared > self.max_bytes:
            await reject_too_large(send, self.max_bytes)
            return
        try:
            principal, services = self._authorize(scope, authorization)
            body = await self._body(receive)
            answer = await self._record(services, principal, body, content_type, batch=batch)
        except _TooLargeError:
            await reject_too_large(send, self.max_bytes)
            return
        except _DisconnectedError:
            return
        except _BodyError as exc:
            await send_json(send, 422, dumps({"detail": exc.errors}))
            return
        except ChannelWatchError as exc:
            status, headers = http_status(exc)
            if status >= 500:
                log.error("%s on POST %s: %s", type(exc).__name__, scope["path"], exc, exc_info=exc)
            await send_json(send, status, dumps({"detail": str(exc)}), headers)
            return
        except Exception as exc:  # outside the framework's error middleware: answer it here
            log.error("%s on POST %s: %s", type(exc).__name__, scope["path"], exc, exc_info=exc)
            await send_json(send, 500, dumps({"detail": "Internal Server Error"}))
            return
        self.answered += 1
        await send_json(send, 202, answer)

    def _authorize(self, scope: Scope, authorization: bytes) -> tuple[Principal, Services]:
        services: Services | None = getattr(scope["app"].state, "services", None)
        if services is None or not services.ops.started:
            raise UnavailableError("the server is starting or stopping; try again")
        header = authorization.decode("latin-1")
        return authorize(services, header, Permission.POST_CONTACTS), services

    async def _body(self, receive: Receive) -> bytes:
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise _DisconnectedError
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                raise _TooLargeError
            chunks.append(chunk)
            if not message.get("more_body", False):
                return chunks[0] if len(chunks) == 1 else b"".join(chunks)

    async def _record(
        self,
        services: Services,
        principal: Principal,
        body: bytes,
        content_type: bytes | None,
        *,
        batch: bool,
    ) -> bytes:
        if not _is_json(content_type):
            raise _BodyError(
                [
                    {
                        "type": "content_type",
                        "loc": ["body"],
                        "msg": "the body must be JSON (Content-Type: application/json)",
                        "input": None,
                    }
                ]
            )
        try:
            if not batch:
                record = self._single.validate_json(body)
            else:
                records = self._batch.validate_json(body).records
        except ValidationError as exc:
            raise _BodyError(_errors(exc)) from None
        if not batch:
            submitted = await accept(services, principal, [record.to_observation()], sweeps=False)
            return dumps(accepted_body(submitted))
        observations, rejected = batch_records(records)
        if not observations:
            return dumps({**NOTHING_ACCEPTED, "rejected": rejected})
        submitted = await accept(services, principal, observations, sweeps=True)
        return dumps(accepted_body(submitted, rejected))
