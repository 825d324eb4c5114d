"""Faults that escape every route are answered here, coded and masked, never as the
server's plain-text 500.

GraphQL masks what fails while an operation runs (`schema.guards.faults`), but some work
comes before it: the token lookup of any request with an Authorization header, the
request's context, `/oauth/token` and `/health`. A fault there (the database or Redis
away, or a bug) escapes the route, and this middleware answers it in the shape the
client reads everywhere else: a GraphQL error coded UNAVAILABLE (HTTP 503 with
`Retry-After`) or INTERNAL (500), in the media type the request's Accept asks for; on
`/oauth/token` OAuth's JSON error (`temporarily_unavailable` or `server_error`, as
RFC 6749 §5.2 shapes errors, with `Cache-Control: no-store`). Nothing of the fault's
own text reaches the client; the log gets one line (the traceback only at DEBUG), and
the connection stays open for the client's next request.

It sits directly inside the security headers and CORS middlewares, which touch neither
the database nor Redis, so its answers carry their headers like every other answer. A
websocket whose handling fails is closed with 1013 (try again later) for an outage,
else 1011.
"""

from __future__ import annotations

import contextlib
import logging

from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from persistence.outages import is_outage, kind
from portal.fhir.answers import FhirProblem, refused
from portal.middleware.http_limits import refusal
from schema.guards.faults import (
    INTERNAL,
    MASKED,
    RETRY_AFTER_SECONDS,
    UNAVAILABLE,
    UNAVAILABLE_MESSAGE,
)

log = logging.getLogger("portal.errors")

FHIR_PREFIX = "/fhir/"
TOKEN_PATH = "/oauth/token"
#: graphql-ws and RFC 6455's close codes: try again later, and an unexpected condition.
TRY_AGAIN_LATER = 1013
INTERNAL_ERROR = 1011
_STARTED = frozenset({"http.response.start", "websocket.accept", "websocket.close"})


class FaultBarrier:
    """Answers, logs once and swallows any exception the app lets escape."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        started = False

        async def watching(message: Message) -> None:
            nonlocal started
            started = started or message["type"] in _STARTED
            await send(message)

        try:
            await self.app(scope, receive, watching)
        except Exception as fault:  # the last place a fault can be answered
            outage = is_outage(fault)
            _log(scope, fault, outage)
            if scope["type"] == "websocket":
                await _close(send, outage)
            elif not started:
                await fault_answer(scope, outage)(scope, receive, send)
            # An answer already on its way ends there, as with a dropped connection.


def fault_answer(scope: Scope, outage: bool) -> Response:
    """The masked, coded answer to a fault of this request."""
    headers = {"retry-after": str(RETRY_AFTER_SECONDS)} if outage else {}
    if scope.get("path") == TOKEN_PATH:
        body = (
            {"error": "temporarily_unavailable", "error_description": UNAVAILABLE_MESSAGE}
            if outage
            else {"error": "server_error", "error_description": MASKED}
        )
        headers |= {"cache-control": "no-store", "pragma": "no-cache"}
        return JSONResponse(body, status_code=503 if outage else 500, headers=headers)
    if str(scope.get("path", "")).startswith(FHIR_PREFIX):
        problem = (
            FhirProblem(503, "transient", UNAVAILABLE_MESSAGE)
            if outage
            else FhirProblem(500, "exception", MASKED)
        )
        return refused(problem, **headers)
    accept = next((v.decode("latin-1") for k, v in scope["headers"] if k == b"accept"), None)
    if outage:
        response = refusal(
            503,
            UNAVAILABLE,
            UNAVAILABLE_MESSAGE,
            accept=accept,
            retryAfterSeconds=RETRY_AFTER_SECONDS,
        )
    else:
        response = refusal(500, INTERNAL, MASKED, accept=accept)
    response.headers.update(headers)
    return response


def _log(scope: Scope, fault: Exception, outage: bool) -> None:
    """One line: the fault's class (and code), the method and path, never its message."""
    where = f"{scope.get('method', 'WEBSOCKET')} {scope.get('path', '')}"
    traceback = fault if log.isEnabledFor(logging.DEBUG) else None
    if outage:
        log.warning("Unavailable: %s on %s", kind(fault), where, exc_info=traceback)
    else:
        cls = type(fault)
        log.error(
            "Unexpected %s.%s on %s", cls.__module__, cls.__qualname__, where, exc_info=traceback
        )


async def _close(send: Send, outage: bool) -> None:
    """Close the socket (before it was accepted, uvicorn refuses it with 403); a socket
    already closed or gone is left as it is."""
    code = TRY_AGAIN_LATER if outage else INTERNAL_ERROR
    with contextlib.suppress(OSError, RuntimeError):
        await send({"type": "websocket.close", "code": code, "reason": ""})
