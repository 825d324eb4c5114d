"""With tracing on, one hold is one trace: the request's span (continuing the caller's
`traceparent`, carrying the request id), the GraphQL operation's under it, and the
database's (and Redis') under those. Spans go to the SDK's in-memory exporter."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import httpx
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from portal.app import create_app
from portal.settings import Settings
from resolvers.deps import Deps
from tests import factories
from tests.api.test_holds import HOLD
from tests.support import on_redis

CALLERS_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"
CALLERS_SPAN = "00f067aa0ba902b7"


def ancestors(span: ReadableSpan, by_id: dict[int, ReadableSpan]) -> list[ReadableSpan]:
    found = []
    while span.parent is not None and span.parent.span_id in by_id:
        span = by_id[span.parent.span_id]
        found.append(span)
    return found


def database_spans(spans: Sequence[ReadableSpan], system: str) -> list[ReadableSpan]:
    return [s for s in spans if (s.attributes or {}).get("db.system") == system]


async def test_a_hold_is_one_trace_with_its_database_spans(settings: Settings, deps: Deps) -> None:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    diary = await factories.online_practitioner(deps)
    anna = await factories.user(deps)
    app = create_app(dataclasses.replace(settings, sweep_seconds=0), tracer_provider=provider)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://portal.test") as client:
            exporter.clear()
            response = await client.post(
                "/graphql",
                json={
                    "query": HOLD,
                    "variables": {
                        "practitionerId": diary.practitioner_id,
                        "serviceId": diary.service_id,
                        "start": factories.slot_start().isoformat(),
                    },
                },
                headers={
                    "Authorization": f"Bearer {anna.token}",
                    "traceparent": f"00-{CALLERS_TRACE}-{CALLERS_SPAN}-01",
                    "X-Request-ID": "trace-me-1",
                },
            )
    assert response.json()["data"]["hold"]["__typename"] == "Hold", response.text
    spans = [
        s for s in exporter.get_finished_spans() if f"{s.context.trace_id:032x}" == CALLERS_TRACE
    ]
    by_id = {s.context.span_id: s for s in spans}
    (request,) = [s for s in spans if s.parent and f"{s.parent.span_id:016x}" == CALLERS_SPAN]
    operation = [s for s in spans if s.name == "GraphQL Resolving: hold"]
    system = "postgresql" if "postgresql" in settings.database_url else "sqlite"
    statements = database_spans(spans, system)

    assert request.name.startswith("POST /graphql")
    assert (request.attributes or {}).get("portal.request_id") == "trace-me-1"
    assert operation and request in ancestors(operation[0], by_id), [s.name for s in spans]
    assert statements, [s.name for s in spans]
    assert any("INSERT" in s.name or "INSERT" in str(s.attributes) for s in statements)
    # Every database span of the hold lies under the request's span.
    assert all(request in ancestors(s, by_id) for s in statements)
    if on_redis():
        assert database_spans(spans, "redis"), [s.name for s in spans]
