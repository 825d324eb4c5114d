"""Each client's cost budget per minute, charged with every operation's estimated cost.

Who pays is `domain.budgets.budget_subject` (the API client, else the user, else the
client address); the counting is `persistence.budgets`'. Every answer tells what is
left in `extensions.budget`; an operation over the budget does not run: it is answered
with the code RATE_LIMITED and `retryAfterSeconds`, over HTTP with status 429 and a
`Retry-After` header. A subscription is charged once, when it starts.
"""

from __future__ import annotations

from typing import Any

from graphql import GraphQLError
from starlette.responses import Response
from strawberry.types import ExecutionContext

from domain.budgets import (
    BudgetState,
    OverBudget,
    budget_subject,
    seconds_until_room,
    state,
)
from schema.core.context import Context


def told(budget: BudgetState) -> dict[str, int]:
    return {
        "limit": budget.limit,
        "remaining": budget.remaining,
        "resetSeconds": budget.reset_seconds,
    }


async def charge_client(execution: ExecutionContext, cost: int) -> dict[str, Any]:
    """Spend the operation's cost from its sender's budget, or refuse it. An operation
    costs at least 1 (so a flood of trivial ones counts), and one that costs more than
    the whole budget takes all of it."""
    context = execution.context
    if not isinstance(context, Context):
        return {}
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
