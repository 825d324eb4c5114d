"""Security headers on every HTTP response: a Content-Security-Policy per kind of
response, no framing, no MIME sniffing, no referrer.

A small ASGI middleware rather than a package: it is four fixed headers and a policy
chosen by path, which no Starlette built-in does.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: The API answers JSON: nothing in it may load anything.
API_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

#: The example pages use only their own origin: scripts, styles, fetch and the websocket
#: to the same host ('self' covers ws: and wss: to it).
PAGE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)


def graphiql_policy(nonce: str | None = None) -> str:
    """GraphiQL (development only): its page and bundle from this server, the fonts its
    stylesheet carries inline (data:), fetch and the websocket to this host, and the style
    elements its dialogs add, by the page's nonce (GraphiQL's page sets this policy
    itself, with a nonce per response; its assets get it without)."""
    styles = f"'self' 'nonce-{nonce}'" if nonce else "'self'"
    return (
        f"default-src 'none'; script-src 'self'; style-src {styles}; img-src 'self' data:; "
        "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
        "form-action 'none'; frame-ancestors 'none'"
    )


PAGE_PREFIXES = ("/book", "/panel", "/assets")
GRAPHIQL_PREFIX = "/graphiql/"

COMMON = {
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
}


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
        if not self.production and (
            path.startswith(GRAPHIQL_PREFIX)
            or (path == "/graphql" and content_type.startswith("text/html"))
        ):
            return graphiql_policy()
        return API_POLICY
