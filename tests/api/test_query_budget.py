"""What a client notices of the cost budget and the time limit: an operation priced over
the budget is refused before any resolver runs, an accepted one is told its cost, and a
query that runs too long is stopped and the process serves on."""

from __future__ import annotations

import asyncio
import gc
import warnings
from datetime import timedelta
from pathlib import Path

import httpx

from portal.settings import Settings
from resolvers.deps import Deps
from schema.guards.cost import DEFAULT_BUDGET
from tests import factories
from tests.api.test_holds import hold
from tests.api.test_query_cost import counting_statements
from tests.apps import client_of
from tests.conftest import running_servers
from tests.live.test_live_slots import SLOT_CHANGES, next_change, window
from tests.support import GraphQL, LiveSocket, ServerProcess

SLOT_SELECTION = (
    "slots { start end practitioner { sessions { location { name } practitioner "
    "{ services { name } sessions { location { name } } } } } }"
)


def deep_slots(diary: factories.Diary, aliases: int, days: int) -> str:
    """The request of the issue: aliases of availableSlots over `days`, each slot with
    its practitioner's sessions, their locations, and the practitioner again."""
    start = factories.slot_start(days=1, hour=0)
    end = start + timedelta(days=days)
    fields = " ".join(
        f'a{i}: availableSlots(practitionerId: "{diary.practitioner_id}", '
        f'serviceId: "{diary.service_id}", from: "{start.isoformat()}", '
        f'to: "{end.isoformat()}") {{ {SLOT_SELECTION} }}'
        for i in range(aliases)
    )
    return f"{{ {fields} }}"


async def test_thirty_deep_aliases_over_62_days_are_refused_before_any_resolver_runs(
    gql: GraphQL, deps: Deps
) -> None:
    diary = await factories.online_practitioner(deps)
    query = deep_slots(diary, aliases=30, days=62)
    assert len(query.encode()) < 8192

    with counting_statements(deps) as statements:
        body = await gql.raw(query)

    assert body["data"] is None
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "QUERY_TOO_COSTLY"
    assert error["extensions"]["budget"] == DEFAULT_BUDGET
    assert error["extensions"]["cost"] > 50 * DEFAULT_BUDGET
    assert "budget" in error["message"]
    assert statements == []  # not one resolver read the database


async def test_one_deep_alias_is_refused_over_14_days_and_answered_over_7(
    gql: GraphQL, deps: Deps
) -> None:
    diary = await factories.online_practitioner(deps)

    fortnight = await gql.raw(deep_slots(diary, aliases=1, days=14))
    week = await gql.raw(deep_slots(diary, aliases=1, days=7))

    (refused,) = fortnight["errors"]
    assert refused["extensions"]["code"] == "QUERY_TOO_COSTLY"
    assert DEFAULT_BUDGET < refused["extensions"]["cost"] < 2 * DEFAULT_BUDGET
    assert "errors" not in week, week.get("errors")
    slots = week["data"]["a0"]["slots"]
    assert len(slots) > 100
    assert len(slots[0]["practitioner"]["sessions"]) == 7
    requested = week["extensions"]["cost"]["requested"]
    assert week["extensions"]["cost"] == {"requested": requested, "budget": DEFAULT_BUDGET}
    assert len(slots) < requested < DEFAULT_BUDGET


async def test_every_answer_reports_its_cost(gql: GraphQL, deps: Deps) -> None:
    body = await gql.raw("{ clinic { name } locations { name } }")

    assert body["extensions"]["cost"] == {"requested": 1 + 10, "budget": DEFAULT_BUDGET}


async def test_the_budget_is_a_setting(settings: Settings, deps: Deps) -> None:
    async with client_of(settings, query_cost_budget=5) as tight:
        within = await tight.raw("{ clinic { name } }")
        over = await tight.raw("{ locations { name } }")

    assert within["extensions"]["cost"] == {"requested": 1, "budget": 5}
    assert over["errors"][0]["extensions"] == {"code": "QUERY_TOO_COSTLY", "cost": 10, "budget": 5}


#: A subscription whose every event would carry users of patients of users ... (depth 10).
COSTLY_SUBSCRIPTION = (
    "subscription { myAppointmentUpdates { patient { users { patients { users { patients "
    "{ users { patients { users { patients { name } } } } } } } } } } }"
)


async def test_a_subscription_over_the_budget_is_refused_when_it_starts(
    server: ServerProcess, server_gql: GraphQL, deps: Deps
) -> None:
    diary = await factories.online_practitioner(deps)
    patient = await factories.user(deps)
    async with LiveSocket(server.ws_url, patient.token) as socket:
        refused_id = await socket.subscribe(COSTLY_SUBSCRIPTION)
        refusal = await socket.receive()
        if refusal["type"] == "next":
            assert await socket.receive() == {"id": refused_id, "type": "complete"}
        # The socket goes on serving subscriptions within the budget.
        await socket.subscribe("subscription { myAppointmentUpdates { id status } }")
        await asyncio.sleep(0.2)
        await hold(server_gql, diary, factories.slot_start(), patient.token)
        update = await socket.next_data()

    assert refusal["id"] == refused_id
    errors = refusal["payload"] if refusal["type"] == "error" else refusal["payload"]["errors"]
    assert errors[0]["extensions"]["code"] == "QUERY_TOO_COSTLY"
    assert errors[0]["extensions"]["budget"] == DEFAULT_BUDGET
    assert update["myAppointmentUpdates"]["status"] == "TEMPORARY"


# ------------------------------------------------------------------- time limit


async def test_a_query_running_past_the_time_limit_is_stopped_and_the_process_serves_on(
    settings: Settings, deps: Deps
) -> None:
    diary = await factories.online_practitioner(deps)
    # Lift the budgets so that the hostile request really runs: it needs minutes of CPU.
    async with client_of(
        settings, query_cost_budget=10**12, cost_budget_per_minute=0, operation_timeout_seconds=1
    ) as api:
        body = await api.raw(deep_slots(diary, aliases=30, days=62))
        after = await api("{ locations { name } }")

    assert body["data"] is None
    (error,) = body["errors"]
    assert error["extensions"] == {"code": "TIMEOUT", "seconds": 1}
    assert "time limit of 1 s" in error["message"]
    assert after == {"locations": [{"name": diary.location.name}]}
    collect_abandoned_coroutines()


def collect_abandoned_coroutines() -> None:
    """The cancelled execution leaves coroutines graphql-core made but never awaited:
    collect them here, so that their warnings are not reported against a later test."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "coroutine .* was never awaited", RuntimeWarning)
        gc.collect()


async def test_a_subscription_outlives_the_time_limit(
    settings: Settings, run_dir: Path, deps: Deps
) -> None:
    diary = await factories.online_practitioner(deps)
    anna = await factories.user(deps)
    start = factories.slot_start()
    with running_servers(settings, run_dir, 1, OPERATION_TIMEOUT_SECONDS="0.5") as (server,):
        async with (
            LiveSocket(server.ws_url) as socket,
            httpx.AsyncClient(base_url=server.url, timeout=30) as client,
        ):
            await socket.subscribe(SLOT_CHANGES, window(diary, start))
            assert await socket.silent_for(1.5)  # three times the limit, and not stopped

            await hold(GraphQL(client), diary, start, anna.token)

            assert await next_change(socket) == (start, "HELD")
