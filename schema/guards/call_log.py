"""Every operation an API client runs is recorded: which client, which operation (name
and type), when, and how many errors it answered — never variables or answers."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from resolvers.clients.record_call import record_call

UNKNOWN = "unknown"

log = logging.getLogger("portal.errors")


class CallLog(SchemaExtension):
    async def on_operation(self) -> AsyncIterator[None]:
        yield
        context = self.execution_context.context
        actor = getattr(context, "actor", None)
        if actor is None or actor.client_id is None:
            return
        try:
            await record_call(
                context.deps,
                actor,
                operation_type=self._operation_type(),
                operation_name=self.execution_context.operation_name,
                errors=len(self._errors()),
            )
        except Exception as fault:  # the answer stands; the gap is logged
            log.error("Recording a call of API client %s failed: %s", actor.client_id, type(fault))

    def _operation_type(self) -> str:
        try:
            return self.execution_context.operation_type.value
        except (RuntimeError, GraphQLError):  # unparsable, or no such operation
            return UNKNOWN

    def _errors(self) -> list[GraphQLError]:
        result = self.execution_context.result
        if result is not None and result.errors:
            return list(result.errors)
        return list(self.execution_context.pre_execution_errors or [])
