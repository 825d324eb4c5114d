"""What a client notices of its cost budget per minute: every answer says what is left;
once spent, operations are refused with HTTP 429, Retry-After and the code RATE_LIMITED,
and nothing runs. Each user, API client and anonymous address has a budget of its own,
shared by every process of the deployment."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest

from portal.app import create_app
from portal.settings import Settings
from resolvers.deps import Deps
from tests import factories
from tests.api.partners import access_token, partner
from tests.support import GraphQL, on_redis

#: 20 practitioners, each with up to 10 services: 220.
PRACTITIONERS = "{ practitioners { name services { name } } }"
PRACTITIONERS_COST = 220
#: Room for one such query a minute, not two.
BUDGET = 300


@dataclasses.dataclass
class Answer:
    status: int
    headers: httpx.Headers
    body: dict[str, Any]

    @property
    def code(self) -> str | None:
        errors = self.body.get("errors") or [{}]
        return errors[0].get("extensions", {}).get("code")


@dataclasses.dataclass
class Client:
    http: httpx.AsyncClient

    async def post(
        self, query: str, token: str | None = None, forwarded_for: str | None = None
    ) -> Answer:
        headers = {}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if forwarded_for:
            headers["X-Forwarded-For"] = forwarded_for
        response = await self.http.post("/graphql", json={"query": query}, headers=headers)
        return Answer(response.status_code, response.headers, response.json())


@asynccontextmanager
async def app_with(settings: Settings, **changes: Any) -> AsyncIterator[Client]:
    """An in-process app with its own settings; on Redis it shares the budgets of every
    other app on the same database (the in-process app's were emptied for this test)."""
    app = create_app(dataclasses.replace(settings, **changes))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://portal.test") as http:
            yield Client(http)


async def test_every_answer_tells_what_is_left_of_the_budget(
    settings: Settings, deps: Deps
) -> None:
    async with app_with(settings, cost_budget_per_minute=10_000) as api:
        first = await api.post(PRACTITIONERS)
        second = await api.post(PRACTITIONERS)

    assert first.status == 200
    assert first.body["extensions"]["budget"]["limit"] == 10_000
    assert first.body["extensions"]["budget"]["remaining"] == 10_000 - PRACTITIONERS_COST
    assert second.body["extensions"]["budget"]["remaining"] == 10_000 - 2 * PRACTITIONERS_COST
    assert 0 < second.body["extensions"]["budget"]["resetSeconds"] <= 120


async def test_a_spent_budget_is_answered_429_with_retry_after_and_nothing_runs(
    settings: Settings, deps: Deps
) -> None:
    async with app_with(settings, cost_budget_per_minute=BUDGET) as api:
        first = await api.post(PRACTITIONERS)
        refused = await api.post(PRACTITIONERS)

    assert first.status == 200 and "errors" not in first.body
    assert refused.status == 429
    assert refused.code == "RATE_LIMITED"
    assert refused.body["data"] is None
    (error,) = refused.body["errors"]
    wait = error["extensions"]["retryAfterSeconds"]
    assert refused.headers["retry-after"] == str(wait)
    assert 1 <= wait <= 120
    assert error["extensions"]["budget"] == {
        "limit": BUDGET,
        "remaining": BUDGET - PRACTITIONERS_COST,
        "resetSeconds": error["extensions"]["budget"]["resetSeconds"],
    }
    assert "try again" in error["message"]


async def api_locations(settings: Settings, token: str) -> dict[str, Any]:
    async with app_with(settings, cost_budget_per_minute=0) as api:
        return (await api.post("{ locations { name } }", token)).body["data"]


async def test_a_refused_mutation_does_not_run(settings: Settings, deps: Deps) -> None:
    desk = await factories.staff(deps)
    async with app_with(settings, cost_budget_per_minute=PRACTITIONERS_COST) as api:
        spent = await api.post(PRACTITIONERS, desk.token)
        refused = await api.post(
            'mutation { createLocation(name: "Never") { __typename } }', desk.token
        )

    assert spent.status == 200
    assert spent.body["extensions"]["budget"]["remaining"] == 0
    assert refused.status == 429  # even the cheapest operation costs 1
    assert (await api_locations(settings, desk.token))["locations"] == []


async def test_users_do_not_share_a_budget(settings: Settings, deps: Deps) -> None:
    anna = await factories.user(deps)
    ben = await factories.user(deps)
    async with app_with(settings, cost_budget_per_minute=BUDGET) as api:
        annas = [await api.post(PRACTITIONERS, anna.token) for _ in range(2)]
        bens = await api.post(PRACTITIONERS, ben.token)
        anonymous = await api.post(PRACTITIONERS)

    assert [a.status for a in annas] == [200, 429]
    assert bens.status == 200
    assert anonymous.status == 200  # the address's budget is not Anna's either


async def test_each_api_client_has_a_budget_of_its_own(
    settings: Settings, deps: Deps, gql: GraphQL
) -> None:
    first = await partner(gql, deps, "availability:read", name="First hub")
    second = await partner(gql, deps, "availability:read", name="Second hub")
    async with app_with(settings, cost_budget_per_minute=BUDGET) as api:
        tokens = [await access_token(api.http, p) for p in (first, second)]
        firsts = [await api.post(PRACTITIONERS, tokens[0]) for _ in range(2)]
        seconds = await api.post(PRACTITIONERS, tokens[1])

    assert [a.status for a in firsts] == [200, 429]
    assert firsts[1].code == "RATE_LIMITED"
    assert seconds.status == 200


async def test_anonymous_callers_pay_per_address_as_a_trusted_proxy_tells_it(
    settings: Settings, deps: Deps
) -> None:
    async with app_with(
        settings, cost_budget_per_minute=BUDGET, trusted_proxies=("127.0.0.1",)
    ) as api:
        here = [await api.post(PRACTITIONERS, forwarded_for="192.0.2.7") for _ in range(2)]
        there = await api.post(PRACTITIONERS, forwarded_for="192.0.2.8")
        # One IPv6 household or server is its /64.
        v6 = [await api.post(PRACTITIONERS, forwarded_for=f"2001:db8:1:2::{i}") for i in (1, 2)]

    assert [a.status for a in here] == [200, 429]
    assert there.status == 200
    assert [a.status for a in v6] == [200, 429]


async def test_without_a_trusted_proxy_a_forwarded_address_changes_nothing(
    settings: Settings, deps: Deps
) -> None:
    async with app_with(settings, cost_budget_per_minute=BUDGET) as api:
        answers = [await api.post(PRACTITIONERS, forwarded_for=f"192.0.2.{i}") for i in range(1, 3)]

    assert [a.status for a in answers] == [200, 429]


async def test_an_operation_over_the_whole_budget_takes_all_of_it_once(
    settings: Settings, deps: Deps
) -> None:
    async with app_with(settings, cost_budget_per_minute=100) as api:
        big = await api.post(PRACTITIONERS)
        small = await api.post("{ clinic { name } }")

    assert big.status == 200
    assert big.body["extensions"]["budget"]["remaining"] == 0
    assert small.status == 429


async def test_a_budget_of_zero_turns_budgets_off(settings: Settings, deps: Deps) -> None:
    async with app_with(settings, cost_budget_per_minute=0) as api:
        answers = [await api.post(PRACTITIONERS) for _ in range(3)]

    assert [a.status for a in answers] == [200] * 3
    assert "budget" not in answers[0].body["extensions"]


@pytest.mark.skipif(not on_redis(), reason="budgets are shared between processes through Redis")
async def test_two_processes_spend_from_one_budget(settings: Settings, deps: Deps) -> None:
    anna = await factories.user(deps)
    async with (
        app_with(settings, cost_budget_per_minute=BUDGET) as one,
        app_with(settings, cost_budget_per_minute=BUDGET) as other,
    ):
        first = await one.post(PRACTITIONERS, anna.token)
        second = await other.post(PRACTITIONERS, anna.token)
        others_user = await other.post(PRACTITIONERS)

    assert first.status == 200
    assert second.status == 429
    assert others_user.status == 200
