"""Each GraphQL operation's type, name, duration and outcome, for the metrics and the
request's log line."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from portal.operations import metrics
from portal.operations.request_facts import CURRENT, caller_kind

UNKNOWN = "unknown"
OK = "ok"


class OperationObserver(SchemaExtension):
    """Outcome: `ok`, else the code of the first error (`INVALID_OPERATION` for one
    without, which graphql-core's own are: a document that does not parse or validate),
    else the type of the first Problem a field answered."""

    measure = True

    async def on_operation(self) -> AsyncIterator[None]:
        started = time.perf_counter()
        yield
        seconds = time.perf_counter() - started
        context = self.execution_context.context
        kind = self._operation_type()
        name = metrics.operation_label(self.execution_context.operation_name)
        outcome = self._outcome(context)
        facts = CURRENT.get()
        if facts is not None:
            facts.caller = caller_kind(getattr(context, "actor", None))
            facts.operation_type, facts.operation_name, facts.outcome = kind, name, outcome
        if self.measure:
            if kind != "subscription":  # a subscription lasts as long as its client wants
                metrics.OPERATION_SECONDS.labels(kind, name).observe(seconds)
            metrics.ANSWERS.labels(kind, name, outcome).inc()

    def _operation_type(self) -> str:
        try:
            return self.execution_context.operation_type.value
        except (RuntimeError, GraphQLError):  # unparsable, or no such operation
            return UNKNOWN

    def _outcome(self, context: object) -> str:
        result = self.execution_context.result
        errors = (result.errors if result is not None else None) or (
            self.execution_context.pre_execution_errors or []
        )
        if errors:
            code = (errors[0].extensions or {}).get("code")
            return str(code) if code else "INVALID_OPERATION"
        problems = getattr(context, "problems", None)
        return problems[0] if problems else OK


class OperationLog(OperationObserver):
    """The same, for the log line only (metrics off)."""

    measure = False
