"""GET /calendar/<token>.ics: a private calendar feed, for calendar apps to subscribe to."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from domain.throttling import TooManyAttempts
from resolvers.calendar.feeds import calendar_feed
from resolvers.deps import Deps

#: Calendar apps poll; five minutes of staleness is nothing to a diary and spares it.
CACHE = "private, max-age=300"
MAX_TOKEN = 200


def calendar_feed_endpoint(deps: Deps) -> Callable[[Request], Awaitable[Response]]:
    async def feed(request: Request) -> Response:
        token = str(request.path_params["token"])[:MAX_TOKEN]
        address = request.client.host if request.client else None
        try:
            text = await calendar_feed(deps, token, address)
        except TooManyAttempts as refused:
            return PlainTextResponse(
                refused.message,
                status_code=429,
                headers={"Retry-After": str(refused.retry_after_seconds)},
            )
        if text is None:
            return PlainTextResponse("Not found.", status_code=404)
        return Response(
            text,
            media_type="text/calendar; charset=utf-8",
            headers={"Cache-Control": CACHE, "Referrer-Policy": "no-referrer"},
        )

    return feed
