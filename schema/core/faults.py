"""Unexpected faults: masked for every client in every mode, logged in one line each.

Expected outcomes (domain errors, malformed operations, refusals such as a query that
costs too much) keep their message and code. Anything else — a bug, a database that
went away, SQL that failed — reaches the client as "Unexpected error." with the code
INTERNAL and its path, never its message (which may carry SQL or personal data) nor a
traceback. The log gets one line per fault: operation, path and error class; the
traceback only when the logger is at DEBUG.
"""

from __future__ import annotations

import logging

from graphql import GraphQLError
from strawberry.extensions import MaskErrors
from strawberry.types import ExecutionContext

from domain.errors import DomainError
from subscriptions.hub import SubscriptionEnded

log = logging.getLogger("portal.errors")

MASKED = "Unexpected error."
INTERNAL = "INTERNAL"


def is_expected(error: GraphQLError) -> bool:
    """Malformed operations and domain outcomes are the client's to read; bugs are not.

    A GraphQLError as the cause is graphql-core's or Strawberry's own account of bad input
    (a variable that is missing or does not coerce, e.g. a malformed DateTime).
    """
    return error.original_error is None or isinstance(
        error.original_error, DomainError | SubscriptionEnded | GraphQLError
    )


class MaskUnexpected(MaskErrors):
    """Strawberry's MaskErrors for unexpected faults only, with a code to tell them by."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=lambda error: not is_expected(error))

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        masked = super().anonymise_error(error)
        masked.extensions = {"code": INTERNAL}
        return masked


def log_unexpected(errors: list[GraphQLError], context: ExecutionContext | None) -> None:
    """One line per unexpected fault, never variables, payloads or the fault's message."""
    operation = (context.operation_name if context else None) or "<anonymous>"
    with_traceback = log.isEnabledFor(logging.DEBUG)
    for error in errors:
        if is_expected(error):
            continue
        cause = error.original_error
        kind = type(cause)
        log.error(
            "Unexpected %s.%s in operation %s at %s",
            kind.__module__,
            kind.__qualname__,
            operation,
            ".".join(str(p) for p in error.path or []) or "<operation>",
            exc_info=cause if with_traceback else None,
        )
