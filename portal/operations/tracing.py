"""OpenTelemetry traces, off unless `OTEL_EXPORTER_OTLP_ENDPOINT` (or its traces-only
twin) is set: a span per request (the ASGI instrumentation, which continues a trace its
`traceparent` names), Strawberry's spans for the operation and its resolvers under it,
and SQLAlchemy's and Redis' spans under those. The exporter reads the standard OTEL_*
settings itself (endpoint, headers, protocol http/protobuf, OTEL_SERVICE_NAME)."""

from __future__ import annotations

import os
from typing import Any

from opentelemetry.instrumentation.asgi import OpenTelemetryMiddleware
from opentelemetry.instrumentation.redis import RedisInstrumentor
from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from starlette.types import ASGIApp
from strawberry.extensions.tracing import OpenTelemetryExtension

from persistence.database import Database

SERVICE_NAME = "clinic-portal"
ENDPOINTS = ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")


def tracing_configured() -> bool:
    return any(os.environ.get(name, "").strip() for name in ENDPOINTS)


def exporting_provider() -> TracerProvider:
    """Spans batched to the OTLP endpoint the environment names."""
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

    provider = TracerProvider(
        resource=Resource.create(
            {"service.name": os.environ.get("OTEL_SERVICE_NAME", SERVICE_NAME)}
        )
    )
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    return provider


class Tracing:
    """Instrumentation on this app's database engines and Redis, spans to `provider`."""

    def __init__(self, provider: TracerProvider) -> None:
        self.provider = provider
        self._redis = False

    def schema_extension(self) -> Any:
        return lambda: OpenTelemetryExtension(tracer_provider=self.provider)

    def around(self, app: ASGIApp) -> ASGIApp:
        return OpenTelemetryMiddleware(app, tracer_provider=self.provider)

    def instrument(self, database: Database, *, redis: bool) -> None:
        engines = {database.engine.sync_engine, database.read_engine.sync_engine}
        # Its declared range ends below SQLAlchemy 2.1, whose engine events it uses are
        # unchanged; the trace test holds it to producing the statements' spans.
        SQLAlchemyInstrumentor().instrument(
            engines=list(engines), tracer_provider=self.provider, skip_dep_check=True
        )
        if redis and not RedisInstrumentor().is_instrumented_by_opentelemetry:
            RedisInstrumentor().instrument(tracer_provider=self.provider, skip_dep_check=True)
            self._redis = True

    def shutdown(self) -> None:
        """Stop instrumenting and send what is still batched."""
        SQLAlchemyInstrumentor().uninstrument()
        if self._redis:
            RedisInstrumentor().uninstrument()
        self.provider.shutdown()
