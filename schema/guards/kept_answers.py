"""availableSlots answered once per kept slot list and question.

At nine o'clock every portal asks for the same practitioner's fortnight with the same
selection. The slot list is kept per process (`persistence.read_cache`); completing its
200-300 slots through graphql-core was still most of each answer. An operation that
asks for `availableSlots` alone is answered with the data a previous execution made of
the very same kept list for the same document, operation and variables. The answer is
kept on the list itself, so it goes when the list does (a hold, a changed session, the
next minute, 30 s at most), and where lists are not kept nothing is.

The use case still runs for every request before the kept answer is given: the caller's
right to read availability is checked each time, and the list it returns is the one
whose answers may be used. Nothing under `availableSlots` depends on who asks (slots,
their practitioner and location, the catalogue), so the answer is the same for all.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

from graphql import (
    ExecutionResult,
    FieldNode,
    GraphQLSchema,
    OperationType,
    get_operation_ast,
)
from graphql.error import GraphQLError
from graphql.execution import get_argument_values, get_variable_values
from strawberry.extensions import SchemaExtension

from domain.errors import DomainError
from resolvers.booking.available_slots import Availability, available_slots

#: Different documents asking the same list are few (a portal's one query, a partner's
#: own); past this many, more are answered but not kept.
MAX_ANSWERS_PER_LIST = 8
FIELD = "availableSlots"


class KeptSlotAnswers(SchemaExtension):
    async def on_execute(self) -> AsyncIterator[None]:
        execution = self.execution_context
        arguments = None if execution.result else _only_slots_asked(execution)
        availability = None if arguments is None else await _availability(execution, arguments)
        if availability is None:
            yield
            return
        question = (
            execution.query,
            execution.operation_name,
            json.dumps(execution.variables, sort_keys=True, default=str),
        )
        if (kept := availability.answers.get(question)) is not None:
            execution.result = ExecutionResult(data=kept)
            yield
            return
        yield
        result = execution.result
        if (
            isinstance(result, ExecutionResult)
            and not result.errors
            and result.data is not None
            and len(availability.answers) < MAX_ANSWERS_PER_LIST
        ):
            availability.answers[question] = result.data


def _only_slots_asked(execution: Any) -> dict[str, Any] | None:
    """The arguments of `availableSlots` when it is the operation's only root field (a
    query, no fragments or directives at the root), coerced as execution would."""
    document = execution.graphql_document
    schema: GraphQLSchema = execution.schema._schema
    operation = None if document is None else get_operation_ast(document, execution.operation_name)
    if operation is None or operation.operation is not OperationType.QUERY:
        return None
    selections = operation.selection_set.selections
    if len(selections) != 1 or not isinstance(selections[0], FieldNode):
        return None
    node = selections[0]
    if node.name.value != FIELD or node.directives or schema.query_type is None:
        return None
    variables = get_variable_values(
        schema, operation.variable_definitions or (), execution.variables or {}
    )
    if isinstance(variables, list):
        return None
    try:
        return get_argument_values(schema.query_type.fields[FIELD], node, variables)
    except GraphQLError:
        return None


async def _availability(execution: Any, arguments: dict[str, Any]) -> Availability | None:
    """The list the field would answer from, the caller's right to it checked; None
    when the use case refuses (execution then answers the refusal as usual)."""
    context = execution.context
    try:
        return await available_slots(
            context.deps,
            context.actor,
            practitioner_id=arguments["practitionerId"],
            service_id=arguments["serviceId"],
            start=arguments["from"],
            end=arguments["to"],
        )
    except DomainError:
        return None
