"""The ASGI application: GraphQL on /graphql, health, and shared resources in one lifespan."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.websockets import WebSocket
from strawberry.exceptions import ConnectionRejectionError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from domain.socket_limits import SocketLimits
from persistence.attempts import attempt_store_for
from persistence.budgets import cost_budgets_for
from persistence.database import Database
from persistence.database_identity import database_identity
from portal.http.bearer import InvalidCredentials, identify_request, unauthenticated
from portal.http.calendar_feed import calendar_feed_endpoint
from portal.http.graphql_http import GraphQLOverHTTP
from portal.http.health import health_endpoint
from portal.http.ide import graphiql_assets, graphiql_page
from portal.http.oauth_token import token_endpoint
from portal.http.visit_links import visit_link_endpoint
from portal.live.live_sessions import SessionBoundHandler, SocketRegistry
from portal.live.shared_feeds import SharedFeeds
from portal.middleware.fault_barrier import FaultBarrier
from portal.middleware.http_limits import BodyLimits, decode_bounded_json
from portal.middleware.security_headers import SecurityHeaders
from portal.settings import Settings, settings_of
from portal.workers import WORKERS, worker
from resolvers.accounts.identity import bearer_token, identify
from resolvers.deps import Deps
from resolvers.live.relay import hand_over
from schema.build import build_schema
from schema.core.context import Context
from schema.core.loaders import Loaders
from subscriptions.hub import Hub, prefix_for

log = logging.getLogger(__name__)

MAX_SUBSCRIPTIONS_PER_SOCKET = 20


class PortalGraphQL(GraphQLOverHTTP):
    """Strawberry's ASGI view, answering GraphQL over HTTP as specified, with our context
    and websocket sign-in (a socket closes with 4401 when the session it signed in with
    ends) and GraphiQL from this server's own assets."""

    graphql_transport_ws_handler_class = SessionBoundHandler

    def __init__(self, deps: Deps) -> None:
        settings = settings_of(deps)
        super().__init__(
            build_schema(
                production=settings.production,
                cost_budget=settings.query_cost_budget,
                timeout_seconds=settings.operation_timeout_seconds,
            ),
            graphql_ide=None if settings.production else "graphiql",
            keep_alive=True,
            keep_alive_interval=15,
            # graphql-transport-ws only: the legacy protocol has no connection_init to sign in on.
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            connection_init_wait_timeout=timedelta(seconds=10),
            max_subscriptions_per_connection=MAX_SUBSCRIPTIONS_PER_SOCKET,
            # Pages of these origins may open a websocket, as they may call over HTTP (CORS).
            allowed_origins=settings.cors_origins,
        )
        self.deps = deps
        self.sockets = SocketRegistry()
        self.socket_limits = SocketLimits.of(
            settings.max_sockets_per_address, settings.max_sockets_per_user
        )
        self.feeds = SharedFeeds(self.schema, self._feed_context)

    def _feed_context(self) -> Context:
        """A shared feed's context: nobody signed in (it serves only public fields)."""
        return Context(
            deps=self.deps, identity=None, token=None, loaders=Loaders(self.deps.database)
        )

    async def render_graphql_ide(self, request: Request) -> Response:
        return graphiql_page()

    async def get_context(self, request: Request | WebSocket, response: Any) -> Context:
        token = None
        identity = None
        if isinstance(request, Request):
            token, identity = await identify_request(
                self.deps, request.headers.get("authorization")
            )
        return Context(
            deps=self.deps,
            identity=identity,
            token=token,
            loaders=Loaders(self.deps.database),
            request=request,
            response=response,
            client_address=request.client.host if request.client else None,
        )

    def decode_json(self, data: str | bytes) -> object:
        return decode_bounded_json(data)

    async def on_ws_connect(self, context: Context) -> dict[str, object] | None:
        """Sign the socket in once, from connection_init's payload; refuse a bad token."""
        params = context.connection_params or {}
        header = params.get("authorization") or params.get("Authorization")
        token = bearer_token(header) if isinstance(header, str) else None
        if header and token is None:
            raise ConnectionRejectionError({"reason": "malformed authorization"})
        if token is not None:
            identity = await identify(self.deps, token)
            if identity is None:
                raise ConnectionRejectionError({"reason": "unknown or expired token"})
            context.identity = identity
            context.token = token
        return None


WEB_PAGES = Path(__file__).resolve().parent.parent / "client-examples" / "web" / "public"


def web_pages() -> list[BaseRoute]:
    """The example booking page and staff panel at /book/ and /panel/, when present."""
    if not WEB_PAGES.is_dir():
        return []
    return [
        Mount(f"/{name}", StaticFiles(directory=WEB_PAGES / name, html=True), name=name)
        for name in ("book", "panel", "assets")
        if (WEB_PAGES / name).is_dir()
    ]


SHUTDOWN_SECONDS = 5


async def _shut_down(tasks: list[asyncio.Task[None]], deps: Deps) -> None:
    """Stop the workers, relay what is still staged, then stop the hub, the engines, the
    attempt store and the budgets; a step that hangs is logged and left behind, so a
    shutdown always ends."""
    hub, database, attempts, budgets = deps.hub, deps.database, deps.attempts, deps.budgets
    await worker.stop(tasks)
    try:
        await asyncio.wait_for(hand_over(deps), SHUTDOWN_SECONDS)
    except Exception:
        log.exception("Could not hand over the staged live events; another process will")
    for step in (hub.disconnect(), database.dispose(), attempts.close(), budgets.close()):
        try:
            await asyncio.wait_for(step, SHUTDOWN_SECONDS)
        except TimeoutError:
            log.warning("A shutdown step did not finish in %s s", SHUTDOWN_SECONDS)


def _trusting(proxies: tuple[str, ...]) -> list[Middleware]:
    """Behind trusted proxies the client is the first untrusted address of
    X-Forwarded-For, read from the right; from anyone else the header is ignored."""
    if not proxies:
        return []
    return [Middleware(ProxyHeadersMiddleware, trusted_hosts=list(proxies))]


def _cross_origin(origins: tuple[str, ...]) -> list[Middleware]:
    """Pages of these origins may call the API from a browser. Bearer tokens only, so no
    credentials (cookies) are allowed; the 401's challenge and a 429's or 503's
    Retry-After may be read."""
    if not origins:
        return []
    return [
        Middleware(
            CORSMiddleware,
            allow_origins=list(origins),
            allow_credentials=False,
            allow_methods=["GET", "POST", "OPTIONS"],
            allow_headers=["authorization", "content-type", "accept"],
            expose_headers=["www-authenticate", "retry-after"],
            max_age=600,
        )
    ]


SERVICE = "Clinic portal booking API"


def _front_door(production: bool) -> Callable[[Request], Awaitable[Response]]:
    async def front_door(_request: Request) -> Response:
        """In development, GraphiQL; in production, what this is and where GraphQL is."""
        if not production:
            return RedirectResponse("/graphql", status_code=307)
        return JSONResponse({"service": SERVICE, "graphql": "/graphql"})

    return front_door


def _lifespan(
    deps: Deps, sockets: SocketRegistry
) -> Callable[[Starlette], contextlib.AbstractAsyncContextManager[None]]:
    """Shared resources and every worker (`portal/workers/`), from start to shutdown."""
    settings, hub = settings_of(deps), deps.hub

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        hub.prefix = settings.channel_prefix or prefix_for(await database_identity(deps.database))
        log.info("Live update channels start with %s:", hub.prefix)
        # Attempt tallies and budgets are kept per deployment: user ids and addresses'
        # counts of one deployment are not another's.
        deps.attempts = attempt_store_for(settings.broadcast_url, hub.prefix)
        deps.budgets = cost_budgets_for(settings.broadcast_url, hub.prefix)
        await hub.connect()
        tasks = worker.start(WORKERS, worker.WorkerDeps(deps, settings, sockets))
        try:
            yield
        finally:
            await _shut_down(tasks, deps)

    return lifespan


def _middleware(settings: Settings) -> list[Middleware]:
    """Outermost first. CORS sits outside the body limits and around the exception
    handlers, so a 401 or 413 still tells an allowed page what happened; security headers
    go on every answer, preflights included. Any fault escaping a route (the database or
    Redis away) is answered, coded, inside both."""
    return [
        *_trusting(settings.trusted_proxies),
        Middleware(SecurityHeaders, production=settings.production),
        *_cross_origin(settings.cors_origins),
        Middleware(FaultBarrier),
        Middleware(BodyLimits, max_bytes=settings.max_body_bytes),
    ]


def create_app(settings: Settings | None = None) -> Starlette:
    """The whole service, on a database already migrated (`portal migrate`)."""
    settings = settings or Settings.from_env()
    hub = Hub(
        settings.broadcast_url,
        history_minutes=settings.event_history_minutes,
        history_count=settings.event_history_count,
    )
    deps = Deps(settings=settings, database=Database(settings.database_url), hub=hub)
    graphql = PortalGraphQL(deps)
    app = Starlette(
        routes=[
            Route("/", _front_door(settings.production)),
            Route("/health", health_endpoint(deps, hub, graphql.feeds)),
            Route("/oauth/token", token_endpoint, methods=["POST"]),
            Route("/visit-link/{token}", visit_link_endpoint(deps), methods=["GET", "POST"]),
            Route("/calendar/{token}.ics", calendar_feed_endpoint(deps)),
            Route("/graphql", graphql, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql),
            *([] if settings.production else [graphiql_assets()]),
            *web_pages(),
        ],
        lifespan=_lifespan(deps, graphql.sockets),
        middleware=_middleware(settings),
        exception_handlers={InvalidCredentials: unauthenticated},
    )
    app.state.deps = deps
    return app
