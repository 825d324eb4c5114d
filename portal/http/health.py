"""GET /health: whether this process is up, and to those allowed, what it holds."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import JSONResponse

from domain.policy import may_see_process_detail
from portal.http.bearer import identify_request
from portal.live.shared_feeds import SharedFeeds
from portal.settings import settings_of
from resolvers.deps import Deps
from subscriptions.hub import Hub

UP = {"status": "ok"}


def health_endpoint(
    deps: Deps, hub: Hub, feeds: SharedFeeds
) -> Callable[[Request], Awaitable[JSONResponse]]:
    async def health(request: Request) -> JSONResponse:
        """Up, and for those who may see it (anyone in development, staff signed in with
        a bearer token in production) this process's live subscriptions: those open now,
        and those started since it began (each counted once subscribed at the
        broadcaster, directly or through a shared feed that is). A probe sends no token
        and needs no database; a wrong token is answered 401 as everywhere."""
        production = settings_of(deps).production
        actor = None
        if production:
            _token, identity = await identify_request(deps, request.headers.get("authorization"))
            actor = identity.actor if identity else None
        if not may_see_process_detail(actor, production=production):
            return JSONResponse(UP)
        return JSONResponse(
            {
                **UP,
                "subscriptions": hub.subscriber_count() + feeds.members(),
                "subscriptionsStarted": hub.subscriptions_started + feeds.counted,
                "sharedFeeds": len(feeds),
            }
        )

    return health
