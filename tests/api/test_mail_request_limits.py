"""Requests that send email (password reset, a new verification link) are limited per
client address, on a clock the test moves."""

from __future__ import annotations

from collections.abc import Callable

from domain.throttling import MAIL_REQUESTS_PER_ADDRESS
from resolvers.deps import Deps
from tests import factories
from tests.api.conftest import Clock
from tests.support import GraphQL

RESET = """mutation($e: String!) {
  requestPasswordReset(email: $e) {
    __typename ... on TooManyAttempts { retryAfterSeconds }
  }
}"""
RESEND = (
    "mutation { resendVerification { __typename ... on TooManyAttempts { retryAfterSeconds } } }"
)


async def test_reset_requests_from_one_address_are_limited_and_others_are_not(
    from_address: Callable[[str], GraphQL], deps: Deps, clock: Clock
) -> None:
    busy, other = from_address("203.0.113.30"), from_address("198.51.100.30")
    answers = [
        (await busy(RESET, {"e": f"someone{i}@example.com"}))["requestPasswordReset"]
        for i in range(MAIL_REQUESTS_PER_ADDRESS.free + 1)
    ]
    assert [a["__typename"] for a in answers[:-1]] == (
        ["PasswordResetRequested"] * MAIL_REQUESTS_PER_ADDRESS.free
    )
    assert answers[-1] == {
        "__typename": "TooManyAttempts",
        "retryAfterSeconds": MAIL_REQUESTS_PER_ADDRESS.first_delay,
    }
    elsewhere = (await other(RESET, {"e": "x@example.com"}))["requestPasswordReset"]
    assert elsewhere["__typename"] == "PasswordResetRequested"

    clock.advance(answers[-1]["retryAfterSeconds"])
    later = (await busy(RESET, {"e": "later@example.com"}))["requestPasswordReset"]
    assert later["__typename"] == "PasswordResetRequested"


async def test_new_verification_links_share_the_same_limit(
    from_address: Callable[[str], GraphQL], deps: Deps, clock: Clock
) -> None:
    busy = from_address("203.0.113.31")
    user = await factories.user(deps)
    answers = [
        (await busy(RESEND, token=user.token))["resendVerification"]["__typename"]
        for _ in range(MAIL_REQUESTS_PER_ADDRESS.free + 1)
    ]
    assert answers == ["User"] * MAIL_REQUESTS_PER_ADDRESS.free + ["TooManyAttempts"]
