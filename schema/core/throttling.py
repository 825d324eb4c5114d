"""TooManyAttempts: the problem of an operation limited per account or client address."""

from __future__ import annotations

import strawberry

from domain import throttling
from schema.core.problems import CUSTOM, Problem


@strawberry.type(
    description="Too many attempts in a short time (code TOO_MANY_ATTEMPTS): nothing was tried; try again after retryAfterSeconds."
)
class TooManyAttempts(Problem):
    retry_after_seconds: int = strawberry.field(description="Seconds to wait before trying again.")


def _too_many(error: throttling.TooManyAttempts) -> TooManyAttempts:
    return TooManyAttempts(
        code=error.code, message=error.message, retry_after_seconds=error.retry_after_seconds
    )


CUSTOM[throttling.TooManyAttempts] = _too_many
