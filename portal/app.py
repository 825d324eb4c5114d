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
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from persistence.attempts import AttemptStore, attempt_store_for
from persistence.budgets import CostBudgets, cost_budgets_for
from persistence.database import Database
from persistence.identity import database_identity
from portal.background import mailer_for, send_mail_forever, sweep_forever
from portal.bearer import InvalidCredentials, identify_request, unauthenticated
from portal.http_limits import BodyLimits, decode_bounded_json
from portal.live_sessions import (
    SessionBoundHandler,
    SocketRegistry,
    close_expired_sessions,
    follow_ended_sessions,
)
from portal.security_headers import SecurityHeaders
from portal.settings import Settings
from resolvers.accounts.identity import bearer_token, identify
from resolvers.deps import Deps
from schema.build import build_schema
from schema.core.context import Context
from schema.core.loaders import Loaders
from subscriptions.hub import Hub, prefix_for

log = logging.getLogger(__name__)

MAX_SUBSCRIPTIONS_PER_SOCKET = 20


class PortalGraphQL(GraphQL[Context, None]):
    """Strawberry's ASGI view with our context and websocket sign-in; a socket closes
    (4401) when the session it signed in with ends."""

    graphql_transport_ws_handler_class = SessionBoundHandler

    def __init__(self, deps: Deps) -> None:
        super().__init__(
            build_schema(
                production=deps.settings.production,
                cost_budget=deps.settings.query_cost_budget,
                timeout_seconds=deps.settings.operation_timeout_seconds,
            ),
            graphql_ide=None if deps.settings.production else "graphiql",
            keep_alive=True,
            keep_alive_interval=15,
            # graphql-transport-ws only: the legacy protocol has no connection_init to sign in on.
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            connection_init_wait_timeout=timedelta(seconds=10),
            max_subscriptions_per_connection=MAX_SUBSCRIPTIONS_PER_SOCKET,
        )
        self.deps = deps
        self.sockets = SocketRegistry()

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


async def _shut_down(
    tasks: list[asyncio.Task[None]],
    hub: Hub,
    database: Database,
    attempts: AttemptStore,
    budgets: CostBudgets,
) -> None:
    """Stop background tasks, the hub, the engines, the attempt store and the budgets; a
    step that hangs is logged and left behind, so a shutdown always ends."""
    for task in tasks:
        task.cancel()
    _, stuck = await asyncio.wait(tasks, timeout=SHUTDOWN_SECONDS)
    if stuck:
        log.warning("Background tasks did not stop in time: %s", [t.get_name() for t in stuck])
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


def _background_tasks(deps: Deps, sockets: SocketRegistry) -> list[asyncio.Task[None]]:
    """What every process runs beside the API: the mail sender, the closing of sockets
    whose sessions ended or expired, and (unless turned off) the hold sweeper."""
    tasks = [
        asyncio.create_task(send_mail_forever(deps, mailer_for(deps)), name="mailer"),
        asyncio.create_task(follow_ended_sessions(deps, sockets), name="sessions"),
        asyncio.create_task(close_expired_sessions(deps, sockets), name="expiry"),
    ]
    if deps.settings.sweep_seconds > 0:
        tasks.append(asyncio.create_task(sweep_forever(deps), name="hold-sweeper"))
    return tasks


def _health(hub: Hub) -> Callable[[Request], Awaitable[JSONResponse]]:
    async def health(_request: Request) -> JSONResponse:
        """Up, with this process's live subscriptions: those open now, and those started
        since it began (each counted once subscribed at the broadcaster)."""
        return JSONResponse(
            {
                "status": "ok",
                "subscriptions": hub.subscriber_count(),
                "subscriptionsStarted": hub.subscriptions_started,
            }
        )

    return health


def create_app(settings: Settings | None = None) -> Starlette:
    """The whole service, on a database already migrated (`portal migrate`)."""
    settings = settings or Settings.from_env()
    database = Database(settings.database_url)
    hub = Hub(settings.broadcast_url)
    deps = Deps(
        settings=settings,
        database=database,
        hub=hub,
        attempts=attempt_store_for(settings.broadcast_url),
    )
    graphql = PortalGraphQL(deps)

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        hub.prefix = settings.channel_prefix or prefix_for(await database_identity(database))
        log.info("Live update channels start with %s:", hub.prefix)
        # Budgets are kept per deployment: user ids repeat across deployments.
        deps.budgets = cost_budgets_for(settings.broadcast_url, hub.prefix)
        await hub.connect()
        tasks = _background_tasks(deps, graphql.sockets)
        try:
            yield
        finally:
            await _shut_down(tasks, hub, database, deps.attempts, deps.budgets)

    app = Starlette(
        routes=[
            Route("/health", _health(hub)),
            Route("/graphql", graphql, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql),
            *web_pages(),
        ],
        lifespan=lifespan,
        middleware=[
            *_trusting(settings.trusted_proxies),
            Middleware(SecurityHeaders, production=settings.production),
            Middleware(BodyLimits, max_bytes=settings.max_body_bytes),
        ],
        exception_handlers={InvalidCredentials: unauthenticated},
    )
    app.state.deps = deps
    return app
