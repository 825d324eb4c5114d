"""/visit-link/<token>: a visit link from an email, answered with a small page. GET shows
what it would do and one button (a mail scanner that fetches links changes nothing);
POST (the button) does it, once."""

from __future__ import annotations

import html
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import HTMLResponse

from domain.language import accepted_language, chosen_language
from domain.phrases import N_, Phrase
from domain.words import translated
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
        language = chosen_language(
            accepted_language(request.headers.get("accept-language")), page.language
        )
        return HTMLResponse(_render(page, request.url.path, language), headers=HEADERS)

    return visit_link


def _render(page: LinkPage, action: str, language: str) -> str:
    """The page in `language`; every value (names, the clinic's) escaped, and laid out
    by the direction of its own text."""

    def said(text: str | Phrase) -> str:
        return html.escape(translated(text, language))

    lines = page.visit.lines(language)[1:] if page.visit else []
    facts = "".join(f'<li dir="auto">{said(line)}</li>' for line in lines)
    form = (
        f'<form method="post" action="{html.escape(action)}">'
        f'<button type="submit">{said(page.button)}</button></form>'
        if page.button
        else ""
    )
    clinic = html.escape(page.visit.clinic_name) if page.visit else said(N_("Clinic portal"))
    return (
        f'<!doctype html><html lang="{language}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{clinic}</title></head><body><main>"
        f'<h1 dir="auto">{clinic}</h1><p>{said(page.message)}</p><ul>{facts}</ul>{form}'
        "</main></body></html>"
    )
