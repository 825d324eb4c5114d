"""Each client's cost budget per minute, charged with every operation's estimated cost.

Who pays is `domain.budgets.budget_subject` (the API client, else the user, else the
client address); the counting is `persistence.budgets`'. Every answer tells what is
left in `extensions.budget`; an operation over the budget does not run: it is answered
with the code RATE_LIMITED and `retryAfterSeconds`, over HTTP with status 429 and a
`Retry-After` header. A subscription is charged once, when it starts.
"""

from __future__ import annotations

from typing import Any

from graphql import FieldNode, GraphQLError, GraphQLSchema, get_operation_ast, parse
from starlette.responses import Response
from strawberry.types import ExecutionContext

from domain.budgets import (
    BudgetState,
    OverBudget,
    budget_subject,
    seconds_until_room,
    state,
)
from persistence.outages import is_outage
from schema.core.context import Context
from schema.guards.cost import Unpriceable, estimate_cost


def told(budget: BudgetState) -> dict[str, int]:
    return {
        "limit": budget.limit,
        "remaining": budget.remaining,
        "resetSeconds": budget.reset_seconds,
    }


#: Ending one's own sessions is never refused for want of a budget count: while Redis
#: cannot be reached, an operation of only these root fields runs uncharged (each ends
#: access, none can be used to spend the server). Everything else is told UNAVAILABLE.
UNCHARGED_IN_OUTAGE = frozenset({"logout", "endSession", "endOtherSessions"})


async def charge_client(execution: ExecutionContext, cost: int) -> dict[str, Any]:
    """Spend the operation's cost from its sender's budget, or refuse it."""
    context = execution.context
    if not isinstance(context, Context):
        return {}
    try:
        return await charge(context, cost)
    except Exception as error:
        if is_outage(error) and _only_ends_sessions(execution):
            return {}
        raise


def _only_ends_sessions(execution: ExecutionContext) -> bool:
    document = execution.graphql_document
    operation = get_operation_ast(document, execution.operation_name) if document else None
    if operation is None:
        return False
    fields = operation.selection_set.selections
    return all(isinstance(f, FieldNode) and f.name.value in UNCHARGED_IN_OUTAGE for f in fields)


async def charge_shared(
    context: Context,
    schema: GraphQLSchema,
    query: str,
    operation_name: str | None,
    variables: dict[str, Any] | None,
) -> GraphQLError | None:
    """A socket joining a shared live feed pays the subscription's cost as if it ran it
    alone (the feed's own run is charged to no one); the refusal, when over budget."""
    try:
        cost = estimate_cost(schema, parse(query), operation_name, variables) or 1
    except Unpriceable:
        cost = context.deps.settings.cost_budget_per_minute
    try:
        await charge(context, cost)
    except GraphQLError as refusal:
        return refusal
    return None


async def charge(context: Context, cost: int) -> dict[str, Any]:
    """Spend `cost` from the sender's budget, or refuse with RATE_LIMITED. An operation
    costs at least 1 (so a flood of trivial ones counts), and one that costs more than
    the whole budget takes all of it."""
    per_minute = context.deps.settings.cost_budget_per_minute
    if per_minute <= 0:
        return {}
    subject = budget_subject(context.actor, context.client_address)
    charged = min(max(cost, 1), per_minute)
    spending = await context.deps.budgets.spend(subject, charged, per_minute)
    budget = state(per_minute, spending.window)
    if not spending.spent:
        raise _refusal(
            context,
            OverBudget(budget, cost, seconds_until_room(per_minute, charged, spending.window)),
        )
    return {"budget": told(budget)}


def _refusal(context: Context, error: OverBudget) -> GraphQLError:
    if isinstance(context.response, Response):
        context.response.status_code = 429
        context.response.headers["retry-after"] = str(error.retry_after_seconds)
    return GraphQLError(
        error.message,
        extensions={
            "code": error.code,
            "retryAfterSeconds": error.retry_after_seconds,
            "budget": told(error.state),
        },
    )
