"""Hostile request bodies: too large, or JSON nested too deep, are refused before parsing.

A pure ASGI middleware rather than a library: Starlette and uvicorn bound headers but
not bodies, and the check has to see the bytes before Strawberry parses them.
"""

from __future__ import annotations

import json
import re
from itertools import accumulate
from typing import Any
from urllib.parse import parse_qsl

from starlette.datastructures import Headers
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from portal.fhir.answers import FhirProblem, refused
from portal.http.media_types import GRAPHQL_RESPONSE, answer_type

DEFAULT_MAX_BODY_BYTES = 1024 * 1024
#: GraphQL requests nest a few levels (variables holding input objects); 64 is plenty.
MAX_JSON_DEPTH = 64

# A JSON string, closed or running to the end, so the scan never restarts inside one
# (linear time whatever the input). Only what is outside strings can nest.
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"?')
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_STEP = [0] * 256
for _open in b"[{":
    _STEP[_open] = 1
for _close in b"]}":
    _STEP[_close] = -1


def json_depth(text: bytes | str) -> int:
    """How deep arrays and objects nest in a JSON text, without parsing it."""
    raw = text.encode() if isinstance(text, str) else text
    brackets = _STRING.sub(b"", raw).translate(None, _NOT_BRACKETS)
    return max(accumulate(map(_STEP.__getitem__, brackets)), default=0)


class TooDeep(json.JSONDecodeError):
    """JSON nested past MAX_JSON_DEPTH: refused as unparseable."""

    def __init__(self, text: bytes | str) -> None:
        doc = text if isinstance(text, str) else text.decode(errors="replace")
        super().__init__(f"JSON nested deeper than {MAX_JSON_DEPTH} levels", doc[:100], 0)


def decode_bounded_json(text: bytes | str) -> object:
    """json.loads for anything the view decodes (websocket messages, GET parameters)."""
    if json_depth(text) > MAX_JSON_DEPTH:
        raise TooDeep(text)
    return json.loads(text)


def refusal(
    status: int, code: str, message: str, *, accept: str | None = None, **extensions: Any
) -> JSONResponse:
    """An HTTP-level refusal in the shape of a GraphQL response, so clients read it alike:
    in the media type the request's Accept asks for, with `"data": null` for JSON clients
    and no data entry for GraphQL-response clients (nothing ran)."""
    media_type = answer_type(accept)
    errors = [{"message": message, "extensions": {"code": code, **extensions}}]
    body: dict[str, Any] = (
        {"errors": errors} if media_type == GRAPHQL_RESPONSE else {"data": None, "errors": errors}
    )
    return JSONResponse(body, status_code=status, media_type=media_type)


def _fhir(scope: Scope) -> bool:
    """FHIR's clients are answered with OperationOutcomes (portal/fhir)."""
    return str(scope.get("path", "")).startswith("/fhir/")


class BodyLimits:
    """Reads each HTTP request body before the app does, at most `max_bytes` of it: a
    declared Content-Length over the limit, or a streamed (chunked) body that passes it,
    is answered 413 at once; a JSON body (or GET `variables`/`extensions`) nested deeper
    than MAX_JSON_DEPTH is answered 400. The app then gets the body from memory."""

    def __init__(self, app: ASGIApp, max_bytes: int = DEFAULT_MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        declared = headers.get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            await self.too_large(scope, headers)(scope, receive, send)
            return
        body = bytearray()
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                return
            body += message.get("body", b"")
            if len(body) > self.max_bytes:
                await self.too_large(scope, headers)(scope, receive, send)
                return
            if not message.get("more_body", False):
                break
        if self.too_deep(scope, headers, bytes(body)):
            if _fhir(scope):
                await refused(
                    FhirProblem(
                        400,
                        "too-costly",
                        f"JSON nested deeper than {MAX_JSON_DEPTH} levels is refused.",
                    )
                )(scope, receive, send)
                return
            await refusal(
                400,
                "BAD_REQUEST",
                f"JSON nested deeper than {MAX_JSON_DEPTH} levels is refused.",
                accept=headers.get("accept"),
            )(scope, receive, send)
            return
        await self.app(scope, _replay(bytes(body), receive), send)

    def too_large(self, scope: Scope, headers: Headers) -> Response:
        if _fhir(scope):
            return refused(
                FhirProblem(
                    413, "too-long", f"Request bodies are limited to {self.max_bytes} bytes."
                )
            )
        return refusal(
            413,
            "PAYLOAD_TOO_LARGE",
            f"Request bodies are limited to {self.max_bytes} bytes.",
            accept=headers.get("accept"),
            limit=self.max_bytes,
        )

    @staticmethod
    def too_deep(scope: Scope, headers: Headers, body: bytes) -> bool:
        texts: list[bytes | str] = []
        if body and "json" in headers.get("content-type", ""):
            texts.append(body)
        query_string = scope.get("query_string", b"").decode("latin-1")
        texts += [v for k, v in parse_qsl(query_string) if k in ("variables", "extensions")]
        return any(json_depth(text) > MAX_JSON_DEPTH for text in texts)


def _replay(body: bytes, receive: Receive) -> Receive:
    """The body read already, as one message; then whatever the client sends next
    (a disconnect)."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay
