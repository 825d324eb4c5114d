"""Sign-in and registration limited per account and per client address, on a clock the
test moves: nobody waits for real time."""

from __future__ import annotations

import asyncio
import dataclasses
import threading
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest

from domain.throttling import (
    REGISTRATIONS_PER_ADDRESS,
    SIGN_IN_PER_ACCOUNT,
    SIGN_IN_PER_ADDRESS,
)
from portal.app import create_app
from portal.settings import Settings
from resolvers.accounts import passwords
from resolvers.deps import Deps
from tests import factories
from tests.api.conftest import Clock
from tests.api.test_sign_in import LOGIN, REGISTER
from tests.support import GraphQL

LOGIN_RETRY = """
mutation Login($email: String!, $password: String!) {
  login(email: $email, password: $password) {
    __typename
    ... on SignIn { token }
    ... on Problem { code message }
    ... on TooManyAttempts { retryAfterSeconds }
  }
}
"""
REGISTER_RETRY = """
mutation Register($email: String!) {
  register(email: $email, password: "long enough", name: "Someone") {
    __typename
    ... on SignIn { token }
    ... on Problem { code message }
    ... on TooManyAttempts { retryAfterSeconds }
  }
}
"""
WRONG = "not the password"


async def login(gql: GraphQL, email: str, password: str) -> dict[str, Any]:
    return (await gql(LOGIN_RETRY, {"email": email, "password": password}))["login"]


async def test_fifty_wrong_passwords_are_refused_well_before_the_fiftieth(
    gql: GraphQL, deps: Deps, clock: Clock
) -> None:
    anna = await factories.user(deps)

    answers = [await login(gql, anna.user.email, f"guess {i}") for i in range(50)]

    kinds = [a["__typename"] for a in answers]
    free = SIGN_IN_PER_ACCOUNT.free
    assert kinds[:free] == ["InvalidInput"] * free
    assert kinds[free:] == ["TooManyAttempts"] * (50 - free)
    assert answers[free]["code"] == "TOO_MANY_ATTEMPTS"
    assert answers[free]["retryAfterSeconds"] == SIGN_IN_PER_ACCOUNT.first_delay


async def test_the_right_password_during_the_delay_is_refused_like_a_wrong_one(
    gql: GraphQL, deps: Deps, clock: Clock
) -> None:
    anna = await factories.user(deps)
    for _ in range(SIGN_IN_PER_ACCOUNT.free):
        await login(gql, anna.user.email, WRONG)

    wrong = await login(gql, anna.user.email, WRONG)
    right = await login(gql, anna.user.email, factories.PASSWORD)

    assert right == wrong
    assert right["__typename"] == "TooManyAttempts"


async def test_after_the_delay_the_owner_signs_in_and_their_tally_starts_again(
    gql: GraphQL, deps: Deps, clock: Clock
) -> None:
    anna = await factories.user(deps)
    for _ in range(SIGN_IN_PER_ACCOUNT.free):
        await login(gql, anna.user.email, WRONG)
    refused = await login(gql, anna.user.email, factories.PASSWORD)

    clock.advance(refused["retryAfterSeconds"])
    signed = await login(gql, anna.user.email, factories.PASSWORD)

    assert signed["__typename"] == "SignIn"
    again = [await login(gql, anna.user.email, WRONG) for _ in range(SIGN_IN_PER_ACCOUNT.free)]
    assert {a["__typename"] for a in again} == {"InvalidInput"}


async def test_each_further_failure_waits_longer_up_to_the_cap(
    gql: GraphQL, deps: Deps, clock: Clock
) -> None:
    anna = await factories.user(deps)
    for _ in range(SIGN_IN_PER_ACCOUNT.free):
        await login(gql, anna.user.email, WRONG)

    waits = []
    for _ in range(10):
        refused = await login(gql, anna.user.email, WRONG)
        waits.append(refused["retryAfterSeconds"])
        clock.advance(refused["retryAfterSeconds"])
        assert (await login(gql, anna.user.email, WRONG))["__typename"] == "InvalidInput"

    assert waits[:4] == [15, 30, 60, 120]
    assert waits == sorted(waits)
    assert waits[-1] == SIGN_IN_PER_ACCOUNT.max_delay


async def test_a_second_address_is_throttled_for_the_same_account_but_not_for_others(
    from_address: Callable[[str], GraphQL], deps: Deps, clock: Clock
) -> None:
    anna, paul = await factories.user(deps), await factories.user(deps)
    first, second = from_address("203.0.113.10"), from_address("198.51.100.20")
    for _ in range(SIGN_IN_PER_ACCOUNT.free):
        await login(first, anna.user.email, WRONG)

    refused = await login(second, anna.user.email, factories.PASSWORD)
    other_account = await login(second, paul.user.email, factories.PASSWORD)

    assert refused["__typename"] == "TooManyAttempts"
    assert other_account["__typename"] == "SignIn"


async def test_one_address_guessing_across_many_accounts_is_throttled(
    from_address: Callable[[str], GraphQL], deps: Deps, clock: Clock
) -> None:
    anna = await factories.user(deps)
    guesser, elsewhere = from_address("203.0.113.11"), from_address("198.51.100.21")
    for i in range(SIGN_IN_PER_ADDRESS.free):
        assert (await login(guesser, f"someone{i}@example.com", WRONG))[
            "__typename"
        ] == "InvalidInput"

    from_guesser = await login(guesser, anna.user.email, factories.PASSWORD)
    from_elsewhere = await login(elsewhere, anna.user.email, factories.PASSWORD)

    assert from_guesser["__typename"] == "TooManyAttempts"
    assert from_elsewhere["__typename"] == "SignIn"


async def test_successful_sign_ins_do_not_use_up_the_address(
    gql: GraphQL, deps: Deps, clock: Clock
) -> None:
    users = [await factories.user(deps) for _ in range(SIGN_IN_PER_ADDRESS.free + 5)]

    answers = [await login(gql, u.user.email, factories.PASSWORD) for u in users]

    assert {a["__typename"] for a in answers} == {"SignIn"}


async def test_guesses_sent_all_at_once_cannot_outrun_the_limit(
    gql: GraphQL, deps: Deps, clock: Clock
) -> None:
    anna = await factories.user(deps)

    answers = await asyncio.gather(*(login(gql, anna.user.email, WRONG) for _ in range(30)))

    kinds = [a["__typename"] for a in answers]
    assert kinds.count("InvalidInput") == SIGN_IN_PER_ACCOUNT.free
    assert kinds.count("TooManyAttempts") == 30 - SIGN_IN_PER_ACCOUNT.free


async def test_registrations_from_one_address_are_limited(
    from_address: Callable[[str], GraphQL], deps: Deps, clock: Clock
) -> None:
    busy, other = from_address("203.0.113.12"), from_address("198.51.100.22")

    answers = [
        (await busy(REGISTER_RETRY, {"email": f"new{i}@example.com"}))["register"]
        for i in range(REGISTRATIONS_PER_ADDRESS.free + 1)
    ]
    elsewhere = (await other(REGISTER_RETRY, {"email": "elsewhere@example.com"}))["register"]

    assert [a["__typename"] for a in answers[:-1]] == ["SignIn"] * REGISTRATIONS_PER_ADDRESS.free
    assert answers[-1]["__typename"] == "TooManyAttempts"
    assert answers[-1]["retryAfterSeconds"] == REGISTRATIONS_PER_ADDRESS.first_delay
    assert elsewhere["__typename"] == "SignIn"

    clock.advance(answers[-1]["retryAfterSeconds"])
    later = (await busy(REGISTER_RETRY, {"email": "later@example.com"}))["register"]
    assert later["__typename"] == "SignIn"


@pytest.fixture
async def behind_proxy(settings: Settings, deps: Deps) -> AsyncIterator[GraphQL]:
    """A client of an app that trusts its peer (127.0.0.1, as the in-process client is)
    to forward the client's address."""
    app = create_app(dataclasses.replace(settings, trusted_proxies=("127.0.0.1",)))
    async with app.router.lifespan_context(app):
        await app.state.deps.attempts.forget_all()
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://portal.test") as client:
            yield GraphQL(client)


async def register_from(gql: GraphQL, email: str, forwarded_for: str) -> str:
    response = await gql.client.post(
        "/graphql",
        json={"query": REGISTER_RETRY, "variables": {"email": email}},
        headers={"X-Forwarded-For": forwarded_for},
    )
    return str(response.json()["data"]["register"]["__typename"])


async def test_a_trusted_proxy_says_who_the_client_is(behind_proxy: GraphQL, deps: Deps) -> None:
    free = REGISTRATIONS_PER_ADDRESS.free
    kinds = [
        await register_from(behind_proxy, f"a{i}@example.com", "192.0.2.7") for i in range(free + 1)
    ]
    other = await register_from(behind_proxy, "b@example.com", "192.0.2.8")

    assert kinds == ["SignIn"] * free + ["TooManyAttempts"]
    assert other == "SignIn"


async def test_anyone_else_saying_who_the_client_is_is_ignored(gql: GraphQL, deps: Deps) -> None:
    free = REGISTRATIONS_PER_ADDRESS.free
    kinds = [
        await register_from(gql, f"c{i}@example.com", f"192.0.2.{i + 1}") for i in range(free + 1)
    ]

    assert kinds == ["SignIn"] * free + ["TooManyAttempts"]


async def test_passwords_are_checked_and_hashed_off_the_event_loop(
    gql: GraphQL, deps: Deps, monkeypatch: pytest.MonkeyPatch
) -> None:
    threads: list[threading.Thread] = []

    def recording(work: Callable[..., Any]) -> Callable[..., Any]:
        def run(*args: Any) -> Any:
            threads.append(threading.current_thread())
            return work(*args)

        return run

    monkeypatch.setattr(passwords, "verify_password", recording(passwords.verify_password))
    monkeypatch.setattr(passwords, "hash_password", recording(passwords.hash_password))

    registered = (
        await gql(REGISTER, {"email": "t@example.com", "password": "long enough", "name": "T"})
    )["register"]
    signed = (await gql(LOGIN, {"email": "t@example.com", "password": "long enough"}))["login"]

    assert (registered["__typename"], signed["__typename"]) == ("SignIn", "SignIn")
    assert len(threads) == 2
    assert threading.main_thread() not in threads
