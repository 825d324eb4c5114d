"""What operators and their load balancers ask: `/health/live`, `/health/ready` and
`/metrics` (docs/operations.md)."""

from __future__ import annotations

import hmac
import ipaddress
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from domain.policy import may_read_operations, may_see_readiness_detail
from persistence.operations import backlog
from portal.operations import metrics
from portal.operations.gauges import refresh_process_gauges
from portal.operations.readiness import Readiness
from portal.settings import Settings, settings_of

NO_STORE = {"cache-control": "no-store"}


async def live(_request: Request) -> JSONResponse:
    """The process answers; nothing else is asked (a restart would not mend a database
    that is away)."""
    return JSONResponse({"status": "live"}, headers=NO_STORE)


def ready_endpoint(readiness: Readiness) -> Callable[[Request], Awaitable[JSONResponse]]:
    async def ready(request: Request) -> JSONResponse:
        """200 when every check passes, else 503 naming the failed ones; what each found
        only to operators (`may_see_readiness_detail`)."""
        settings = settings_of(readiness.deps)
        checks = await readiness.checks()
        failed = [check.name for check in checks if not check.ok]
        body: dict[str, object] = {"status": "unavailable" if failed else "ready"}
        if failed:
            body["failed"] = failed
        if may_see_readiness_detail(
            production=settings.production, token_given=_token_given(request, settings)
        ):
            body["checks"] = {
                check.name: {"ok": check.ok, "detail": check.detail, "ms": check.milliseconds}
                for check in checks
            }
        return JSONResponse(body, status_code=503 if failed else 200, headers=NO_STORE)

    return ready


def metrics_endpoint(readiness: Readiness) -> Callable[[Request], Awaitable[Response]]:
    deps = readiness.deps

    async def scrape(request: Request) -> Response:
        """Prometheus' text format; to the metrics token's bearer (and in development to
        this machine). Anyone else is answered 404, as if there were no such page."""
        settings = settings_of(deps)
        if not settings.metrics or not may_read_operations(
            production=settings.production,
            token_given=_token_given(request, settings),
            from_loopback=_loopback(request),
        ):
            return Response(status_code=404)
        refresh_process_gauges(deps)
        figures = metrics.exposition(await backlog(deps.database, deps.now()))
        return Response(figures, media_type=metrics.CONTENT_TYPE, headers=NO_STORE)

    return scrape


def _token_given(request: Request, settings: Settings) -> bool:
    expected = settings.metrics_token
    header = request.headers.get("authorization", "")
    scheme, _, given = header.partition(" ")
    if not expected or scheme.lower() != "bearer" or not given:
        return False
    return hmac.compare_digest(given.strip().encode(), expected.encode())


def _loopback(request: Request) -> bool:
    host = request.client.host if request.client else ""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
