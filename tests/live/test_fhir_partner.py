"""Partners against real servers: `fhirclient` reads the CapabilityStatement, finds the
clinic's Schedules and pages through their free Slots, as a booking hub would; partners
find, hold and book over FHIR while a portal's `slotChanges` hears each change, across
two processes on PostgreSQL and Redis."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import pytest
from fhirclient import client
from fhirclient.models.schedule import Schedule
from fhirclient.models.slot import Slot

from portal.settings import Settings
from resolvers.deps import Deps
from tests import factories
from tests.api.partners import access_token, partner
from tests.api.test_fhir_booking import book, hold, is_free, proposals
from tests.api.test_holds import expire_holds
from tests.conftest import server_env
from tests.fhir_checks import fhir_answer, issue_of
from tests.live.test_live_slots import SLOT_CHANGES, live_appointments_at, next_change, window
from tests.support import GraphQL, LiveSocket, ServerProcess, free_port, on_redis


def search_as_a_partner(api_base: str, day: str, next_day: str) -> tuple[list, list]:
    smart = client.FHIRClient(settings={"app_id": "booking-hub", "api_base": api_base})
    schedules = Schedule.where(struct={}).perform_resources(smart.server)
    found = []
    for schedule in schedules:
        search = Slot.where(
            struct={
                "schedule": f"Schedule/{schedule.id}",
                "start": {"$gte": day, "$lt": next_day},
                "_count": "6",
            }
        )
        found += list(search.perform_resources_iter(smart.server))
    return schedules, found


async def test_fhirclient_finds_schedules_and_pages_through_free_slots(
    settings: Settings, run_dir: Path, deps: Deps
) -> None:
    diary = await factories.online_practitioner(deps)  # 8:00 to 18:00, 30 minutes
    day = factories.days_ahead(3)
    port = free_port()
    # Links in Bundles are made from PUBLIC_URL, as behind a proxy.
    server = ServerProcess(
        {**server_env(settings), "PUBLIC_URL": f"http://127.0.0.1:{port}"},
        run_dir / f"fhir-partner-{port}.log",
        port=port,
    )
    try:
        server.wait_ready()
        schedules, slots = await asyncio.to_thread(
            search_as_a_partner,
            f"{server.url}/fhir/R4",
            day.isoformat(),
            (day + timedelta(days=1)).isoformat(),
        )
    finally:
        server.stop()

    assert [s.id for s in schedules] == [f"{diary.practitioner_id}-{diary.location.id}"]
    assert len(slots) == 20
    assert len({s.id for s in slots}) == 20
    assert all(s.status == "free" for s in slots)
    assert slots[0].start.datetime == factories.slot_start(days=3, hour=8)


HUB = ("availability:read", "appointments:read", "appointments:write", "patients:read")


@pytest.mark.skipif(not on_redis(), reason="cross-process updates need BROADCAST_URL=redis://")
async def test_partners_find_hold_and_book_over_fhir_while_a_portal_watches(
    two_servers: list[ServerProcess], gql: GraphQL, deps: Deps
) -> None:
    await factories.set_clinic(deps, approval_required=False)
    diary = await factories.online_practitioner(deps)
    [patient] = await factories.patients(deps, ["Mara Kühn"])
    first = await access_token(gql.client, await partner(gql, deps, *HUB))
    second = await access_token(gql.client, await partner(gql, deps, *HUB, name="Referrals"))
    left, right = (httpx.AsyncClient(base_url=s.url, timeout=30) for s in two_servers)
    try:
        async with LiveSocket(two_servers[1].ws_url) as portal:
            found = await proposals(left, diary)
            booked_time, lapsing_time = found[0], found[1]
            start = datetime.fromisoformat(booked_time["start"])
            await portal.subscribe(SLOT_CHANGES, window(diary, start))

            held = fhir_answer(await hold(left, first, booked_time), 201)
            assert await next_change(portal) == (start, "HELD")
            taken = await hold(right, second, booked_time)
            assert issue_of(taken, 409)["code"] == "conflict"
            booked = fhir_answer(await book(right, first, held["id"], patient.id))
            assert booked["status"] == "booked"
            assert await next_change(portal) == (start, "BOOKED")

            fhir_answer(await hold(right, second, lapsing_time), 201)
            assert not await is_free(left, lapsing_time)
            await expire_holds(deps)  # as if its minutes had run out: the server lapses it
            lapsed = datetime.fromisoformat(lapsing_time["start"])
            assert await next_change(portal, timeout=10) == (lapsed, "HELD")
            assert await next_change(portal, timeout=10) == (lapsed, "FREE")
            assert await is_free(left, lapsing_time)
    finally:
        await left.aclose()
        await right.aclose()


@pytest.mark.skipif(not on_redis(), reason="two processes share holds over one database")
async def test_thirty_partners_holding_one_time_over_two_processes_get_one_hold(
    two_servers: list[ServerProcess], gql: GraphQL, deps: Deps
) -> None:
    diary = await factories.online_practitioner(deps)
    tokens = [
        await access_token(gql.client, await partner(gql, deps, *HUB, name=f"Hub {n}"))
        for n in range(30)
    ]
    limits = httpx.Limits(max_connections=100, max_keepalive_connections=0)
    clients = [httpx.AsyncClient(base_url=s.url, timeout=60, limits=limits) for s in two_servers]
    try:
        proposal = (await proposals(clients[0], diary))[0]
        answers = await asyncio.gather(
            *(hold(clients[n % 2], token, proposal) for n, token in enumerate(tokens))
        )
    finally:
        for client_ in clients:
            await client_.aclose()

    statuses = sorted(a.status_code for a in answers)
    assert statuses == [201] + [409] * 29
    start = datetime.fromisoformat(proposal["start"])
    assert await live_appointments_at(deps, start) == 1
