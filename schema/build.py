"""The schema: every capability's operations joined, with limits (depth, aliases, tokens,
cost and time), checked input, and masking of unexpected errors."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import strawberry
from graphql import ASTValidationRule, GraphQLError
from graphql.validation.rules import overlapping_fields_can_be_merged
from strawberry.extensions import (
    AddValidationRules,
    MaxTokensLimiter,
    ParserCache,
    ValidationCache,
)
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext, ExecutionResult
from strawberry.types.graphql import OperationType

from schema.accounts.clinic_users import ClinicUsersMutation
from schema.accounts.language import LanguageMutation
from schema.accounts.mutation import AccountsMutation
from schema.accounts.query import AccountsQuery
from schema.accounts.sessions import SessionsMutation, SessionsQuery
from schema.accounts.verification import VerificationMutation
from schema.answers.mutation import AnswersMutation
from schema.answers.query import AnswersQuery
from schema.answers.subscription import AnswersSubscription
from schema.booking.mutation import BookingMutation
from schema.booking.query import BookingQuery
from schema.booking.subscription import BookingSubscription
from schema.clients.operations import ClientsMutation, ClientsQuery
from schema.core.descriptions import describe
from schema.core.scalars import SCALAR_OVERRIDES
from schema.guards import budget, cost, deadline, faults, suggestions
from schema.guards.call_log import CallLog
from schema.guards.input_guard import InputGuard
from schema.guards.kept_answers import KeptSlotAnswers
from schema.guards.selection_limits import selection_limits
from schema.setup.mutation import SetupMutation
from schema.setup.query import SetupQuery
from schema.visits.calendar import CalendarMutation, CalendarQuery
from schema.visits.mutation import VisitsMutation
from schema.visits.query import VisitsQuery
from schema.visits.subscription import VisitsSubscription
from schema.waitlist.operations import WaitlistMutation, WaitlistQuery
from schema.webhooks.mutation import WebhooksMutation
from schema.webhooks.query import WebhooksQuery

MAX_DEPTH = 10
MAX_ALIASES = 30
MAX_TOKENS = 4000
#: graphql-core's budget for comparing fields that share a response name (its default,
#: 500,000, let 900 repeats of `clinic { name }`, 14 KB, take a second of CPU); the pages,
#: examples and tests spend a handful. Over it, graphql-core answers "Validation aborted".
MAX_OVERLAP_COMPARISONS = 20_000
overlapping_fields_can_be_merged.MAX_COMPLEXITY_BUDGET = MAX_OVERLAP_COMPARISONS


class PortalSchema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Log unexpected faults with the operation and path, never variables or payloads."""
        faults.log_unexpected(errors, execution_context)

    async def execute(
        self,
        query: str | None,
        variable_values: dict[str, Any] | None = None,
        context_value: Any | None = None,
        root_value: Any | None = None,
        operation_name: str | None = None,
        allowed_operation_types: Iterable[OperationType] | None = None,
        operation_extensions: dict[str, Any] | None = None,
    ) -> ExecutionResult:
        """As Strawberry's, with the answer's errors masked once more: a fault raised in
        an extension before execution (a read of the kept slot answers, a budget's
        Redis) ends Strawberry's extensions, masking included, and would reach the
        client as the driver's own words."""
        result = await super().execute(
            query,
            variable_values,
            context_value,
            root_value,
            operation_name,
            allowed_operation_types,
            operation_extensions,
        )
        result.errors = faults.mask_result(result.errors, context_value)
        return result

    # Strawberry calls this for every error when field suggestions are off (production);
    # its own version drops only the suggestions of field names.
    remove_field_suggestion = staticmethod(suggestions.without_suggestions)


# The limits' validation rule, made once so every request's rule set is the same and
# ValidationCache hits. Ours, not Strawberry's QueryDepthLimiter and MaxAliasesLimiter,
# which walk a fragment again at every spread (see schema/guards/selection_limits.py).
LIMIT_RULES: list[type[ASTValidationRule]] = [selection_limits(MAX_DEPTH, MAX_ALIASES)]


class QueryLimits(AddValidationRules):
    """Depth, alias and expanded-size limits, with a rule class shared by every request."""

    def __init__(self) -> None:
        super().__init__(LIMIT_RULES)


#: Each capability's operations, joined into the root types. A new capability adds its
#: classes here and nowhere else.
Query = merge_types(
    "Query",
    (
        AccountsQuery,
        SessionsQuery,
        SetupQuery,
        BookingQuery,
        AnswersQuery,
        VisitsQuery,
        ClientsQuery,
        WebhooksQuery,
        WaitlistQuery,
        CalendarQuery,
    ),
)
Mutation = merge_types(
    "Mutation",
    (
        AccountsMutation,
        ClinicUsersMutation,
        SessionsMutation,
        BookingMutation,
        AnswersMutation,
        VisitsMutation,
        SetupMutation,
        VerificationMutation,
        LanguageMutation,
        ClientsMutation,
        WebhooksMutation,
        WaitlistMutation,
        CalendarMutation,
    ),
)
Subscription = merge_types(
    "Subscription", (BookingSubscription, AnswersSubscription, VisitsSubscription)
)
describe(
    Query,
    "Reading the clinic, its diary and the user's own data. Fields a user may not read "
    "answer an error coded NOT_ALLOWED, or nothing (null, an empty list) where saying "
    "so would tell that something exists.",
)
describe(
    Mutation,
    "Changes. Each answers its success type or a Problem (select `... on Problem { code "
    "message }`); GraphQL errors mean a malformed operation or an unexpected fault.",
)
describe(
    Subscription,
    "Live updates over websockets (graphql-transport-ws on /graphql; sign in with "
    '{"authorization": "Bearer <token>"} in connection_init). A subscription the user may '
    "not start ends with an error coded NOT_ALLOWED; the socket closes with 4401 when its "
    "session ends.",
)


def build_schema(
    *,
    production: bool,
    cost_budget: int = cost.DEFAULT_BUDGET,
    timeout_seconds: float = deadline.DEFAULT_SECONDS,
    observers: Sequence[object] = (),
) -> strawberry.Schema:
    """`observers`: the portal's own extensions (metrics, the request log, tracing),
    run around everything else."""
    extensions: list[object] = [
        *observers,
        # Parsing and validating the same document again costs more than most resolvers.
        lambda: ParserCache(maxsize=256),
        lambda: ValidationCache(maxsize=256),
        QueryLimits,
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
        # Text, dates and times are checked before any resolver runs.
        InputGuard,
        # Priced, then charged to the sender's budget per minute.
        lambda: cost.QueryCost(cost_budget, meter=budget.charge_client),
        lambda: deadline.OperationTimeout(timeout_seconds),
        # After the guards and the charge: availableSlots from the answer kept with its list.
        KeptSlotAnswers,
        faults.MaskUnexpected,
        CallLog,
    ]
    return PortalSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        extensions=extensions,  # type: ignore[arg-type]
        scalar_overrides=SCALAR_OVERRIDES,
        config=StrawberryConfig(disable_field_suggestions=production),
    )
