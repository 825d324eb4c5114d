"""GraphiQL served by the service itself: a page at GET /graphql (development only) and
its bundle at /graphiql/, built by esbuild from the npm packages pinned in
`portal/graphiql/package.json`, so it works with no network but this server's."""

from __future__ import annotations

import hashlib
import secrets
from functools import cache
from pathlib import Path

from starlette.responses import HTMLResponse
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from portal.middleware.security_headers import graphiql_policy

GRAPHIQL = Path(__file__).resolve().parent.parent / "graphiql"
#: What `npm run build` writes, committed: graphiql.js and graphiql.css.
ASSETS = GRAPHIQL / "static"
ASSETS_PATH = "/graphiql"


def _version(name: str) -> str:
    """A short digest of an asset, put in its URL, so a browser never keeps an old bundle."""
    return hashlib.sha256((ASSETS / name).read_bytes()).hexdigest()[:12]


@cache
def _page_template() -> str:
    page = (GRAPHIQL / "page.html").read_text(encoding="utf-8")
    return page.replace("{css_version}", _version("graphiql.css")).replace(
        "{js_version}", _version("graphiql.js")
    )


def graphiql_page() -> HTMLResponse:
    """The HTML page: two files from this server, no inline script; its policy allows
    the style elements GraphiQL adds by a nonce made for this response."""
    nonce = secrets.token_urlsafe(18)
    return HTMLResponse(
        _page_template().replace("{nonce}", nonce),
        headers={"content-security-policy": graphiql_policy(nonce)},
    )


def graphiql_assets() -> Mount:
    return Mount(ASSETS_PATH, StaticFiles(directory=ASSETS), name="graphiql")
