"""Live slot changes through real server processes and websockets; the race for one slot."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from persistence.models import AppointmentRow
from portal.settings import Settings
from resolvers.deps import Deps
from tests import factories
from tests.api.test_holds import HOLD, RELEASE, REQUEST, expire_holds, hold
from tests.api.test_reschedule import MOVE
from tests.conftest import running_servers
from tests.support import GraphQL, LiveSocket, ServerProcess, on_redis

SLOT_CHANGES = """
subscription Changes($p: ID!, $from: DateTime!, $to: DateTime!) {
  slotChanges(practitionerId: $p, from: $from, to: $to) { practitionerId start end state }
}
"""

MY_UPDATES = "subscription { myAppointmentUpdates { id status patient { name } } }"


def window(diary: factories.Diary, start: datetime) -> dict[str, str]:
    return {
        "p": diary.practitioner_id,
        "from": (start - timedelta(hours=1)).isoformat(),
        "to": (start + timedelta(hours=1)).isoformat(),
    }


async def next_change(socket: LiveSocket, timeout: float = 5.0) -> tuple[datetime, str]:
    change = (await socket.next_data(timeout))["slotChanges"]
    return datetime.fromisoformat(change["start"]), change["state"]


async def live_appointments_at(deps: Deps, start: datetime) -> int:
    async with deps.database.reader() as session:
        query = (
            select(func.count())
            .select_from(AppointmentRow)
            .where(
                AppointmentRow.start_at == start.astimezone(UTC),
                AppointmentRow.status.in_(("TEMPORARY", "REQUESTED", "PROVISIONAL", "BOOKED")),
            )
        )
        return int((await session.execute(query)).scalar_one())


async def race(
    urls: list[str], diary: factories.Diary, start: datetime, tokens: list[str]
) -> list[dict]:
    """Every token tries to hold the same slot at once, spread over the given servers."""
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=0)
    clients = [httpx.AsyncClient(base_url=u, timeout=60, limits=limits) for u in urls]
    try:
        variables = {
            "practitionerId": diary.practitioner_id,
            "serviceId": diary.service_id,
            "start": start.isoformat(),
        }
        calls = [
            portal(clients[i % len(clients)], f"198.18.{i // 256}.{i % 256}", variables, token)
            for i, token in enumerate(tokens)
        ]
        results = await asyncio.gather(*calls)
    finally:
        for client in clients:
            await client.aclose()
    return [r["hold"] for r in results]


async def portal(
    client: httpx.AsyncClient, address: str, variables: dict[str, str], token: str
) -> dict:
    """One portal's hold, from its own address (the servers trust 127.0.0.1 to say so)."""
    headers = {"Authorization": f"Bearer {token}", "X-Forwarded-For": address}
    response = await client.post(
        "/graphql", json={"query": HOLD, "variables": variables}, headers=headers
    )
    body = response.json()
    assert not body.get("errors"), body
    return dict(body["data"])


def kinds(results: list[dict]) -> list[str]:
    return [r["__typename"] for r in results]


async def test_a_subscriber_sees_a_slot_held_released_and_lapsed(
    server: ServerProcess, server_gql: GraphQL, deps: Deps
) -> None:
    diary = await factories.online_practitioner(deps)
    anna = await factories.user(deps)
    start = factories.slot_start()
    async with LiveSocket(server.ws_url) as socket:
        await socket.subscribe(SLOT_CHANGES, window(diary, start))

        held = await hold(server_gql, diary, start, anna.token)
        assert await next_change(socket) == (start, "HELD")

        await server_gql(RELEASE, {"id": held["appointment"]["id"]}, token=anna.token)
        assert await next_change(socket) == (start, "FREE")

        await hold(server_gql, diary, start, anna.token)
        assert await next_change(socket) == (start, "HELD")
        await expire_holds(deps)
        assert await next_change(socket, timeout=10) == (start, "FREE")


async def test_a_move_frees_the_old_time_and_takes_the_new_for_every_portal_watching(
    server: ServerProcess, server_gql: GraphQL, deps: Deps
) -> None:
    await factories.set_clinic(deps, approval_required=False)
    diary = await factories.online_practitioner(deps)
    anna = await factories.patient(deps, name="Anna Schmidt")
    user = await factories.user(deps, patients=(anna,))
    old, new = factories.slot_start(hour=10), factories.slot_start(hour=10, minute=30)
    held = await hold(server_gql, diary, old, user.token)
    visit = held["appointment"]["id"]
    await server_gql(REQUEST, {"id": visit, "patientId": str(anna.id)}, token=user.token)
    async with LiveSocket(server.ws_url) as slots, LiveSocket(server.ws_url, user.token) as mine:
        await slots.subscribe(SLOT_CHANGES, window(diary, old))
        await mine.subscribe("subscription { myAppointmentUpdates { id start } }")

        await server_gql(MOVE, {"id": visit, "start": new.isoformat()}, token=user.token)

        assert {await next_change(slots), await next_change(slots)} == {
            (old, "FREE"),
            (new, "BOOKED"),
        }
        update = (await mine.next_data())["myAppointmentUpdates"]
        assert update["id"] == visit and datetime.fromisoformat(update["start"]) == new


async def test_a_booking_shows_as_booked_and_the_patient_portal_hears_of_it(
    server: ServerProcess, server_gql: GraphQL, deps: Deps
) -> None:
    await factories.set_clinic(deps, approval_required=False)
    diary = await factories.online_practitioner(deps)
    anna = await factories.patient(deps, name="Anna Schmidt")
    user = await factories.user(deps, patients=(anna,))
    start = factories.slot_start()
    async with LiveSocket(server.ws_url) as slots, LiveSocket(server.ws_url, user.token) as mine:
        await slots.subscribe(SLOT_CHANGES, window(diary, start))
        await mine.subscribe(MY_UPDATES)
        held = await hold(server_gql, diary, start, user.token)
        assert (await mine.next_data())["myAppointmentUpdates"]["status"] == "TEMPORARY"

        await server_gql(
            REQUEST, {"id": held["appointment"]["id"], "patientId": str(anna.id)}, token=user.token
        )

        assert await next_change(slots) == (start, "HELD")
        assert await next_change(slots) == (start, "BOOKED")
        update = (await mine.next_data())["myAppointmentUpdates"]
        assert update == {
            "id": held["appointment"]["id"],
            "status": "BOOKED",
            "patient": {"name": "Anna Schmidt"},
        }


async def test_a_refused_hold_and_changes_outside_the_window_reach_nobody(
    server: ServerProcess, server_gql: GraphQL, deps: Deps
) -> None:
    diary = await factories.online_practitioner(deps)
    first, second = await factories.user(deps), await factories.user(deps)
    start = factories.slot_start()
    elsewhere = factories.slot_start(hour=15)
    held = await hold(server_gql, diary, start, first.token)
    async with LiveSocket(server.ws_url) as socket:
        await socket.subscribe(SLOT_CHANGES, window(diary, start))

        assert (await hold(server_gql, diary, start, second.token))[
            "__typename"
        ] == "SlotUnavailable"
        assert (await hold(server_gql, diary, elsewhere, second.token))["__typename"] == "Hold"

        # A change in the window, published after both: it must be the first thing heard.
        await server_gql(RELEASE, {"id": held["appointment"]["id"]}, token=first.token)
        assert await next_change(socket) == (start, "FREE")


async def test_a_hundred_portals_racing_for_one_slot_on_one_process_get_one_hold(
    server: ServerProcess, deps: Deps
) -> None:
    diary = await factories.online_practitioner(deps)
    users = [await factories.user(deps) for _ in range(100)]
    start = factories.slot_start()

    outcomes = kinds(await race([server.url], diary, start, [u.token for u in users]))

    assert outcomes.count("Hold") == 1
    assert outcomes.count("SlotUnavailable") == 99
    assert await live_appointments_at(deps, start) == 1


@pytest.mark.skipif(not on_redis(), reason="cross-process updates need BROADCAST_URL=redis://")
async def test_a_hundred_portals_on_two_processes_get_one_hold_and_both_processes_hear_it(
    two_servers: list[ServerProcess], deps: Deps
) -> None:
    diary = await factories.online_practitioner(deps)
    users = [await factories.user(deps) for _ in range(100)]
    start = factories.slot_start()
    urls = [s.url for s in two_servers]
    async with (
        LiveSocket(two_servers[0].ws_url) as left,
        LiveSocket(two_servers[1].ws_url) as right,
    ):
        for socket in (left, right):
            await socket.subscribe(SLOT_CHANGES, window(diary, start))

        results = await race(urls, diary, start, [u.token for u in users])

        outcomes = kinds(results)
        assert outcomes.count("Hold") == 1
        assert outcomes.count("SlotUnavailable") == 99
        assert await live_appointments_at(deps, start) == 1
        assert await next_change(left) == (start, "HELD")
        assert await next_change(right) == (start, "HELD")

        winner = users[outcomes.index("Hold")]
        hold_id = results[outcomes.index("Hold")]["appointment"]["id"]
        async with httpx.AsyncClient(base_url=urls[1]) as client:
            await GraphQL(client)(RELEASE, {"id": hold_id}, token=winner.token)
        assert await next_change(left) == (start, "FREE")
        assert await next_change(right) == (start, "FREE")

        async with httpx.AsyncClient(base_url=urls[0]) as client:
            assert (await hold(GraphQL(client), diary, start, users[0].token))[
                "__typename"
            ] == "Hold"
        assert await next_change(left) == (start, "HELD")
        assert await next_change(right) == (start, "HELD")
        await expire_holds(deps)
        assert await next_change(left, timeout=10) == (start, "FREE")
        assert await next_change(right, timeout=10) == (start, "FREE")
        async with httpx.AsyncClient(base_url=urls[1]) as client:
            assert (await hold(GraphQL(client), diary, start, users[1].token))[
                "__typename"
            ] == "Hold"


async def test_a_killed_server_leaves_no_slot_blocked_beyond_its_holds_expiry(
    settings: Settings, run_dir: Path, gql: GraphQL, deps: Deps
) -> None:
    diary = await factories.online_practitioner(deps)
    first, second = await factories.user(deps), await factories.user(deps)
    start = factories.slot_start()
    with running_servers(settings, run_dir, 1) as (doomed,):
        async with httpx.AsyncClient(base_url=doomed.url) as client:
            assert (await hold(GraphQL(client), diary, start, first.token))["__typename"] == "Hold"
        doomed.kill()

    assert (await hold(gql, diary, start, second.token))["__typename"] == "SlotUnavailable"
    await expire_holds(deps)
    assert (await hold(gql, diary, start, second.token))["__typename"] == "Hold"
