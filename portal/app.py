"""The ASGI application: GraphQL on /graphql, health, and shared resources in one lifespan."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

from opentelemetry.sdk.trace import TracerProvider
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.gzip import GZipMiddleware
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
from portal.fhir.routes import fhir_routes
from portal.http.bearer import InvalidCredentials, identify_request, unauthenticated
from portal.http.calendar_feed import calendar_feed_endpoint
from portal.http.graphql_http import GraphQLOverHTTP
from portal.http.health import health_endpoint
from portal.http.ide import graphiql_assets, graphiql_page
from portal.http.oauth_token import token_endpoint
from portal.http.operations import live, metrics_endpoint, ready_endpoint
from portal.http.visit_links import visit_link_endpoint
from portal.live.live_sessions import SessionBoundHandler, SocketRegistry
from portal.live.shared_feeds import SharedFeeds
from portal.middleware.fault_barrier import FaultBarrier
from portal.middleware.http_limits import BodyLimits, decode_bounded_json
from portal.middleware.security_headers import SecurityHeaders
from portal.operations import metrics
from portal.operations.gauges import count_subscriptions_with, keep_gauges
from portal.operations.operation_observer import OperationLog, OperationObserver
from portal.operations.readiness import Readiness
from portal.operations.request_log import RequestLog
from portal.operations.shutdown import drain_on_sigterm
from portal.operations.tracing import Tracing, exporting_provider, tracing_configured
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

    def __init__(self, deps: Deps, observers: Sequence[object] = ()) -> None:
        settings = settings_of(deps)
        super().__init__(
            build_schema(
                production=settings.production,
                cost_budget=settings.query_cost_budget,
                timeout_seconds=settings.operation_timeout_seconds,
                observers=observers,
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
    readiness: Readiness, sockets: SocketRegistry, tracing: Tracing | None
) -> Callable[[Starlette], contextlib.AbstractAsyncContextManager[None]]:
    """Shared resources and every worker (`portal/workers/`), from start to shutdown."""
    deps = readiness.deps
    settings, hub = settings_of(deps), deps.hub

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        hub.prefix = settings.channel_prefix or prefix_for(await database_identity(deps.database))
        log.info("Live update channels start with %s:", hub.prefix)
        # Attempt tallies and budgets are kept per deployment: user ids and addresses'
        # counts of one deployment are not another's.
        deps.attempts = attempt_store_for(settings.broadcast_url, hub.prefix)
        deps.budgets = cost_budgets_for(settings.broadcast_url, hub.prefix)
        if tracing is not None:
            tracing.instrument(deps.database, redis=hub.uses_redis)
        await hub.connect()
        tasks = worker.start(WORKERS, worker.WorkerDeps(deps, settings, sockets))
        readiness.workers = list(tasks)
        undrain = drain_on_sigterm(readiness, settings.shutdown_drain_seconds)
        if settings.metrics and metrics.multiprocess_mode():
            tasks.append(asyncio.create_task(keep_gauges(deps), name="metrics-gauges"))
        try:
            yield
        finally:
            readiness.draining = True
            undrain()
            await _shut_down(tasks, deps)
            if tracing is not None:
                tracing.shutdown()

    return lifespan


#: Answers longer than this are gzip-compressed for clients that accept it.
COMPRESS_FROM_BYTES = 1024


def _middleware(settings: Settings, tracing: Tracing | None) -> list[Middleware]:
    """Outermost first. The trace's span and the request's log line see the answer as it
    leaves. CORS sits outside the body limits and around the exception handlers, so a
    401 or 413 still tells an allowed page what happened; security headers go on every
    answer, preflights included. Any fault escaping a route (the database or Redis away)
    is answered, coded, inside both; compressed inside that."""
    return [
        *([Middleware(tracing.around)] if tracing is not None else []),
        Middleware(
            RequestLog,
            log_requests=settings.log_requests,
            measure=settings.metrics,
            traced=tracing is not None,
        ),
        *_trusting(settings.trusted_proxies),
        Middleware(SecurityHeaders, production=settings.production),
        *_cross_origin(settings.cors_origins),
        Middleware(FaultBarrier),
        Middleware(GZipMiddleware, minimum_size=COMPRESS_FROM_BYTES),
        Middleware(BodyLimits, max_bytes=settings.max_body_bytes),
    ]


def _observers(settings: Settings, tracing: Tracing | None) -> list[object]:
    """The GraphQL extensions that watch operations: metrics and the log line's facts,
    then tracing's spans."""
    watching: list[object] = []
    if settings.metrics:
        watching.append(OperationObserver)
    elif settings.log_requests:
        watching.append(OperationLog)
    if tracing is not None:
        watching.append(tracing.schema_extension())
    return watching


def create_app(
    settings: Settings | None = None, *, tracer_provider: TracerProvider | None = None
) -> Starlette:
    """The whole service, on a database already migrated (`portal migrate`). Traces go
    to `tracer_provider`, else where OTEL_EXPORTER_OTLP_ENDPOINT says, else nowhere."""
    settings = settings or Settings.from_env()
    if tracer_provider is None and tracing_configured():
        tracer_provider = exporting_provider()
    tracing = Tracing(tracer_provider) if tracer_provider is not None else None
    hub = Hub(
        settings.broadcast_url,
        history_minutes=settings.event_history_minutes,
        history_count=settings.event_history_count,
    )
    deps = Deps(settings=settings, database=Database(settings.database_url), hub=hub)
    if settings.metrics:
        deps.facts.observer = metrics.observe_fact
    graphql = PortalGraphQL(deps, _observers(settings, tracing))
    count_subscriptions_with(lambda: hub.subscriber_count() + graphql.feeds.members())
    readiness = Readiness(deps)
    app = Starlette(
        routes=[
            Route("/", _front_door(settings.production)),
            Route("/health", health_endpoint(deps, hub, graphql.feeds)),
            Route("/health/live", live),
            Route("/health/ready", ready_endpoint(readiness)),
            Route("/metrics", metrics_endpoint(readiness)),
            Route("/oauth/token", token_endpoint, methods=["POST"]),
            Route("/visit-link/{token}", visit_link_endpoint(deps), methods=["GET", "POST"]),
            Route("/calendar/{token}.ics", calendar_feed_endpoint(deps)),
            *fhir_routes(deps),
            Route("/graphql", graphql, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql),
            *([] if settings.production else [graphiql_assets()]),
            *web_pages(),
        ],
        lifespan=_lifespan(readiness, graphql.sockets, tracing),
        middleware=_middleware(settings, tracing),
        exception_handlers={InvalidCredentials: unauthenticated},
    )
    app.state.deps = deps
    app.state.readiness = readiness
    return app
