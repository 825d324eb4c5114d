"""Security headers on every HTTP response: a Content-Security-Policy per kind of
response, no framing, no MIME sniffing, no referrer.

A small ASGI middleware rather than a package: it is four fixed headers and a policy
chosen by path, which no Starlette built-in does.
"""

from __future__ import annotations

import base64
import hashlib
import re
from functools import cache

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from strawberry.http.ides import get_graphql_ide_html

#: The API answers JSON: nothing in it may load anything.
API_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

#: The example pages use only their own origin: scripts, styles, fetch and the websocket
#: to the same host ('self' covers ws: and wss: to it).
PAGE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)

#: Where GraphiQL (development only) loads React, GraphiQL and its styles from.
GRAPHIQL_CDN = "https://unpkg.com"

PAGE_PREFIXES = ("/book", "/panel", "/assets")

COMMON = {
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
}


@cache
def graphiql_policy() -> str:
    """Strawberry's GraphiQL page: its CDN scripts, and its inline scripts by hash (so no
    other inline script runs); inline styles, which React sets; fetch and websocket to
    this host."""
    html = get_graphql_ide_html("graphiql")
    inline = re.findall(r"<script>(.*?)</script>", html, flags=re.DOTALL)
    hashes = " ".join(
        f"'sha256-{base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()}'" for s in inline
    )
    return (
        f"default-src 'self'; script-src 'self' {GRAPHIQL_CDN} {hashes}; "
        f"style-src 'self' {GRAPHIQL_CDN} 'unsafe-inline'; img-src 'self' data:; "
        f"font-src 'self' data: {GRAPHIQL_CDN}; connect-src 'self'; object-src 'none'; "
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )


class SecurityHeaders:
    """Adds the headers to every HTTP response that does not set them itself."""

    def __init__(self, app: ASGIApp, *, production: bool) -> None:
        self.app = app
        self.production = production

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                policy = self.policy(path, headers.get("content-type", ""))
                for name, value in {**COMMON, "content-security-policy": policy}.items():
                    if name not in headers:
                        headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)

    def policy(self, path: str, content_type: str) -> str:
        if path.startswith(PAGE_PREFIXES):
            return PAGE_POLICY
        if not self.production and path == "/graphql" and content_type.startswith("text/html"):
            return graphiql_policy()
        return API_POLICY
