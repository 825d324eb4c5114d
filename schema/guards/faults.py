"""Unexpected faults: masked for every client in every mode, logged in one line each.

Expected outcomes (domain errors, malformed operations, refusals such as a query that
costs too much) keep their message and code. Anything else reaches the client masked,
with its path, never its message (which may carry SQL or personal data) nor a
traceback: "Unexpected error." with the code INTERNAL for a bug (SQL that failed, a
table gone missing), and a request to try again with the code UNAVAILABLE and
`retryAfterSeconds` when the database or Redis is away (`persistence.outages`); over
HTTP the latter is answered 503 with `Retry-After`. The log gets one line per fault:
operation, path and error class; the traceback only when the logger is at DEBUG.

Errors of resolvers are masked by `MaskUnexpected`; a fault raised before execution
reaches a resolver (a schema extension's read, a budget's Redis) escapes Strawberry's
extensions, so the schema masks its result once more (`mask_result`).
"""

from __future__ import annotations

import logging
from typing import Any

from graphql import GraphQLError
from starlette.responses import Response
from strawberry.extensions import MaskErrors
from strawberry.types import ExecutionContext

from domain.errors import DomainError
from persistence.outages import is_outage, kind
from subscriptions.hub import SubscriptionEnded

log = logging.getLogger("portal.errors")

MASKED = "Unexpected error."
INTERNAL = "INTERNAL"
UNAVAILABLE = "UNAVAILABLE"
UNAVAILABLE_MESSAGE = "The service is briefly unavailable; try again in a few seconds."
#: What an UNAVAILABLE answer asks the client to wait before trying again.
RETRY_AFTER_SECONDS = 5


def unavailable_extensions() -> dict[str, Any]:
    return {"code": UNAVAILABLE, "retryAfterSeconds": RETRY_AFTER_SECONDS}


def is_expected(error: GraphQLError) -> bool:
    """Malformed operations and domain outcomes are the client's to read; bugs are not.

    A GraphQLError as the cause is graphql-core's or Strawberry's own account of bad input
    (a variable that is missing or does not coerce, e.g. a malformed DateTime).
    """
    return error.original_error is None or isinstance(
        error.original_error, DomainError | SubscriptionEnded | GraphQLError
    )


def masked(error: GraphQLError) -> GraphQLError:
    """The error as the client may see it: itself when expected, else masked and coded
    (idempotent: a masked error has no original error, so it counts as expected)."""
    if is_expected(error):
        return error
    outage = error.original_error is not None and is_outage(error.original_error)
    return GraphQLError(
        UNAVAILABLE_MESSAGE if outage else MASKED,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        extensions=unavailable_extensions() if outage else {"code": INTERNAL},
    )


class MaskUnexpected(MaskErrors):
    """Strawberry's MaskErrors for unexpected faults only, with a code to tell them by."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=lambda error: not is_expected(error))

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        return masked(error)


def mask_result(errors: list[GraphQLError] | None, context: object) -> list[GraphQLError] | None:
    """The errors of a result, masked; over HTTP, an outage among them makes the answer
    a 503 with `Retry-After`, and it is told once."""
    if not errors:
        return errors
    answered = [masked(error) for error in errors]
    outages = [e for e in answered if (e.extensions or {}).get("code") == UNAVAILABLE]
    if outages:
        response = getattr(context, "response", None)
        if isinstance(response, Response):
            response.status_code = 503
            response.headers["retry-after"] = str(RETRY_AFTER_SECONDS)
        # Several fields failing for one outage say it once: the client retries the
        # whole request either way.
        answered = [e for e in answered if e not in outages[1:]]
    return answered


def log_unexpected(errors: list[GraphQLError], context: ExecutionContext | None) -> None:
    """One line per unexpected fault, never variables, payloads or the fault's message."""
    operation = (context.operation_name if context else None) or "<anonymous>"
    with_traceback = log.isEnabledFor(logging.DEBUG)
    for error in errors:
        if is_expected(error):
            continue
        cause = error.original_error
        assert cause is not None
        path = ".".join(str(p) for p in error.path or []) or "<operation>"
        if is_outage(cause):
            log.warning(
                "Unavailable: %s in operation %s at %s",
                kind(cause),
                operation,
                path,
                exc_info=cause if with_traceback else None,
            )
            continue
        cls = type(cause)
        log.error(
            "Unexpected %s.%s in operation %s at %s",
            cls.__module__,
            cls.__qualname__,
            operation,
            path,
            exc_info=cause if with_traceback else None,
        )
