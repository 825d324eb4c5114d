"""/visit-link/<token>: a visit link from an email, answered with a small page. GET shows
what it would do and one button (a mail scanner that fetches links changes nothing);
POST (the button) does it, once."""

from __future__ import annotations

import html
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import HTMLResponse

from resolvers.deps import Deps
from resolvers.visits.links import LinkPage, open_link, use_link

#: The token names a link; nothing about the page may be kept or passed on.
HEADERS = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}
MAX_TOKEN = 200


def visit_link_endpoint(deps: Deps) -> Callable[[Request], Awaitable[HTMLResponse]]:
    async def visit_link(request: Request) -> HTMLResponse:
        token = str(request.path_params["token"])[:MAX_TOKEN]
        if request.method == "POST":
            address = request.client.host if request.client else None
            page = await use_link(deps, token, address)
        else:
            page = await open_link(deps, token)
        return HTMLResponse(_render(page, request.url.path), headers=HEADERS)

    return visit_link


def _render(page: LinkPage, action: str) -> str:
    facts = (
        "".join(f"<li>{html.escape(line)}</li>" for line in page.visit.lines()[1:])
        if page.visit
        else ""
    )
    form = (
        f'<form method="post" action="{html.escape(action)}">'
        f'<button type="submit">{html.escape(page.button)}</button></form>'
        if page.button
        else ""
    )
    clinic = html.escape(page.visit.clinic_name) if page.visit else "Clinic portal"
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{clinic}</title></head><body><main>"
        f"<h1>{clinic}</h1><p>{html.escape(page.message)}</p><ul>{facts}</ul>{form}"
        "</main></body></html>"
    )
