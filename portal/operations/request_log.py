"""One log line per request, the request id, and each request's HTTP figures.

The request id comes from `X-Request-ID` when it is well formed, else is made here; it is
sent back in the same header, put on every log line written while the request runs
(`logs.with_request_id`) and, with tracing on, on the request's span. The line names the route as declared
(`/visit-link/{token}`, never the path with its token), the method, status, duration,
the caller's kind and the GraphQL operation; nothing a person wrote.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from opentelemetry import trace
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from portal.operations import metrics
from portal.operations.request_facts import CURRENT, RequestFacts, request_id_from

log = logging.getLogger("portal.requests")
HEADER = "x-request-id"
UNMATCHED = "unmatched"
#: Methods as labels; any other a client invents is "other", so it makes no new series.
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


class RequestLog:
    def __init__(
        self, app: ASGIApp, *, log_requests: bool, measure: bool, traced: bool = False
    ) -> None:
        self.app = app
        self.log_requests = log_requests
        self.measure = measure
        self.traced = traced

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            await self._socket(scope, receive, send)
            return
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        facts = RequestFacts(request_id_from(_header(scope, b"x-request-id")))
        status = 500
        started = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
                headers.append((HEADER.encode(), facts.request_id.encode()))
                message = {**message, "headers": headers}
            await send(message)

        token = CURRENT.set(facts)
        if self.traced:
            trace.get_current_span().set_attribute("portal.request_id", facts.request_id)
        try:
            await self.app(scope, receive, send_with_id)
        finally:
            CURRENT.reset(token)
            self._done(scope, facts, status, time.perf_counter() - started)

    def _done(self, scope: Scope, facts: RequestFacts, status: int, seconds: float) -> None:
        route = _route(scope)
        method = scope["method"] if scope["method"] in METHODS else "other"
        if self.measure:
            metrics.HTTP_SECONDS.labels(route, method).observe(seconds)
            metrics.HTTP_ANSWERS.labels(route, f"{status // 100}xx").inc()
        if self.log_requests:
            line: dict[str, object] = {
                "request_id": facts.request_id,
                "method": method,
                "route": route,
                "status": status,
                "duration_ms": round(seconds * 1000, 2),
                "caller": facts.caller,
            }
            if facts.operation_type is not None:
                line["operation_type"] = facts.operation_type
                line["operation_name"] = facts.operation_name
                line["outcome"] = facts.outcome
            log.info("request", extra=line)

    async def _socket(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Websockets open, counted from the accept to the close."""
        accepted = False

        async def counting_send(message: Message) -> None:
            nonlocal accepted
            if message["type"] == "websocket.accept" and not accepted and self.measure:
                accepted = True
                metrics.WEBSOCKETS.inc()
            await send(message)

        try:
            await self.app(scope, receive, counting_send)
        finally:
            if accepted:
                metrics.WEBSOCKETS.dec()


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            try:
                return str(value.decode("latin-1"))
            except UnicodeDecodeError:
                return None
    return None


def _route(scope: Scope) -> str:
    """The matched route's declared path (a mount's prefix for pages), bounded."""
    route: Any = scope.get("route")
    if isinstance(route, Route) or hasattr(route, "path"):
        return str(route.path) or "/"
    return UNMATCHED
