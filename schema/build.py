"""The schema with its limits: depth, aliases, tokens, cost and time, and masking of
unexpected errors."""

from __future__ import annotations

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    AddValidationRules,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    ValidationCache,
)
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

from schema import cost, deadline, faults, suggestions
from schema.mutation import Mutation
from schema.query import Query
from schema.subscription import Subscription

MAX_DEPTH = 10
MAX_ALIASES = 30
MAX_TOKENS = 4000


class PortalSchema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Log unexpected faults with the operation and path, never variables or payloads."""
        faults.log_unexpected(errors, execution_context)

    # Strawberry calls this for every error when field suggestions are off (production);
    # its own version drops only the suggestions of field names.
    remove_field_suggestion = staticmethod(suggestions.without_suggestions)


# The limits' validation rules, made once: Strawberry's limiters make a new rule class per
# instance, which would make every request's rule set new and ValidationCache never hit.
LIMIT_RULES = [
    *QueryDepthLimiter(max_depth=MAX_DEPTH).validation_rules,
    *MaxAliasesLimiter(max_alias_count=MAX_ALIASES).validation_rules,
]


class QueryLimits(AddValidationRules):
    """Depth and alias limits, with rule classes shared by every request."""

    def __init__(self) -> None:
        super().__init__(LIMIT_RULES)


def build_schema(
    *,
    production: bool,
    cost_budget: int = cost.DEFAULT_BUDGET,
    timeout_seconds: float = deadline.DEFAULT_SECONDS,
) -> strawberry.Schema:
    extensions: list[object] = [
        # Parsing and validating the same document again costs more than most resolvers.
        lambda: ParserCache(maxsize=256),
        lambda: ValidationCache(maxsize=256),
        QueryLimits,
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
        lambda: cost.QueryCost(cost_budget),
        lambda: deadline.OperationTimeout(timeout_seconds),
        faults.MaskUnexpected,
    ]
    return PortalSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        extensions=extensions,  # type: ignore[arg-type]
        config=StrawberryConfig(disable_field_suggestions=production),
    )
