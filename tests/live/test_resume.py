"""A portal that lost its socket resumes with the last cursor it saw: it gets exactly
what happened meanwhile, in order, then live events, none twice; a cursor the history no
longer reaches is told RESYNC_REQUIRED, and a cursor never gives another family's news."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import func, select

from persistence.models import EventOutboxRow
from resolvers.deps import Deps
from subscriptions.events import SlotChanged, SlotState
from subscriptions.hub import Hub
from tests import factories
from tests.api.test_holds import RELEASE, REQUEST, hold
from tests.support import (
    GraphQL,
    LiveSocket,
    ServerProcess,
    broadcast_url,
    eventually,
    household,
    on_redis,
)

SLOT_CHANGES = """
subscription Changes($p: ID!, $from: DateTime!, $to: DateTime!, $since: String) {
  slotChanges(practitionerId: $p, from: $from, to: $to, since: $since) { start state cursor }
}
"""
MY_UPDATES = """
subscription Mine($since: String) { myAppointmentUpdates(since: $since) { id status cursor } }
"""


@pytest.fixture
async def server_gql(server: ServerProcess, deps: Deps) -> AsyncIterator[GraphQL]:
    """The server, asked from a home network of this test's own (holds are counted per
    network)."""
    headers = {"X-Forwarded-For": household()}
    async with httpx.AsyncClient(base_url=server.url, timeout=30, headers=headers) as client:
        yield GraphQL(client)


def day_window(diary: factories.Diary, since: str | None = None) -> dict[str, object]:
    start = factories.slot_start(hour=8)
    return {
        "p": diary.practitioner_id,
        "from": start.isoformat(),
        "to": (start + timedelta(hours=12)).isoformat(),
        "since": since,
    }


async def changes(socket: LiveSocket, count: int) -> list[tuple[datetime, str, str]]:
    found = []
    for _ in range(count):
        change = (await socket.next_data())["slotChanges"]
        found.append((datetime.fromisoformat(change["start"]), change["state"], change["cursor"]))
    return found


async def test_a_portal_resuming_with_its_cursor_gets_exactly_what_it_missed_then_live_ones(
    server: ServerProcess, server_gql: GraphQL, deps: Deps
) -> None:
    diary = await factories.online_practitioner(deps)
    user = await factories.user(deps)
    starts = [factories.slot_start(hour=9) + timedelta(minutes=30 * n) for n in range(5)]
    async with LiveSocket(server.ws_url) as portal:
        await portal.subscribe(SLOT_CHANGES, day_window(diary))
        first = await hold(server_gql, diary, starts[0], user.token)
        [(_, _, cursor)] = await changes(portal, 1)

    # Away: 25 holds and 25 releases, 50 changes.
    missed = []
    for n in range(25):
        start = starts[n % 5]
        held = first if n == 0 else await hold(server_gql, diary, start, user.token)
        if n > 0:
            missed.append((start, "HELD"))
        await server_gql(RELEASE, {"id": held["appointment"]["id"]}, token=user.token)
        missed.append((start, "FREE"))
    await hold(server_gql, diary, starts[4], user.token)
    missed.append((starts[4], "HELD"))
    assert len(missed) == 50

    async with LiveSocket(server.ws_url) as portal:
        await portal.subscribe(SLOT_CHANGES, day_window(diary, since=cursor))
        replayed = await changes(portal, 50)
        await hold(server_gql, diary, starts[0], user.token)
        [live] = await changes(portal, 1)

    assert [(start, state) for start, state, _ in replayed] == missed
    assert len({c for _, _, c in replayed} | {live[2]}) == 51
    assert (live[0], live[1]) == (starts[0], "HELD")


async def test_a_cursor_the_history_does_not_hold_is_told_to_resync_and_live_ones_follow(
    server: ServerProcess, server_gql: GraphQL, deps: Deps
) -> None:
    diary = await factories.online_practitioner(deps)
    user = await factories.user(deps)
    for foreign in ("0123456789ab.1-0", "local.1-0"):
        async with LiveSocket(server.ws_url) as portal:
            await portal.subscribe(SLOT_CHANGES, day_window(diary, since=foreign))
            told = await portal.receive()
            held = await hold(server_gql, diary, factories.slot_start(hour=11), user.token)
            [(_, state, _)] = await changes(portal, 1)
            await server_gql(RELEASE, {"id": held["appointment"]["id"]}, token=user.token)

        assert told["payload"]["data"] is None, told
        assert [e["extensions"]["code"] for e in told["payload"]["errors"]] == ["RESYNC_REQUIRED"]
        assert state == "HELD"


async def test_a_malformed_cursor_is_invalid_input(server: ServerProcess, deps: Deps) -> None:
    diary = await factories.online_practitioner(deps)
    async with LiveSocket(server.ws_url) as portal:
        await portal.subscribe(SLOT_CHANGES, day_window(diary, since="x" * 70))
        told = await portal.receive()

    assert told["type"] in ("next", "error"), told
    errors = told["payload"]["errors"] if told["type"] == "next" else told["payload"]
    assert [e["extensions"]["code"] for e in errors] == ["INVALID_INPUT"]


async def test_a_patient_resuming_from_any_cursor_never_hears_of_another_family(
    server: ServerProcess, server_gql: GraphQL, deps: Deps
) -> None:
    await factories.set_clinic(deps, approval_required=True)
    diary = await factories.online_practitioner(deps)
    anna = await factories.patient(deps, name="Anna Schmidt")
    otto = await factories.patient(deps, name="Otto Brandt", email="otto@example.com")
    annas = await factories.user(deps, patients=(anna,))
    ottos = await factories.user(deps, patients=(otto,))
    async with LiveSocket(server.ws_url, ottos.token) as otto_portal:
        await otto_portal.subscribe(MY_UPDATES, {"since": None})
        otto_hold = await hold(server_gql, diary, factories.slot_start(hour=9), ottos.token)
        otto_cursor = (await otto_portal.next_data())["myAppointmentUpdates"]["cursor"]
        otto_id = otto_hold["appointment"]["id"]
        # Otto's family goes on booking while Anna's holds and requests.
        anna_hold = await hold(server_gql, diary, factories.slot_start(hour=10), annas.token)
        anna_id = anna_hold["appointment"]["id"]
        await server_gql(REQUEST, {"id": otto_id, "patientId": str(otto.id)}, token=ottos.token)
        await server_gql(REQUEST, {"id": anna_id, "patientId": str(anna.id)}, token=annas.token)
        await otto_portal.next_data()  # Otto's request, heard live

    async with LiveSocket(server.ws_url, annas.token) as anna_portal:
        await anna_portal.subscribe(MY_UPDATES, {"since": otto_cursor})
        heard = [(await anna_portal.next_data())["myAppointmentUpdates"] for _ in range(2)]
        marker = await hold(server_gql, diary, factories.slot_start(hour=11), annas.token)
        live = (await anna_portal.next_data())["myAppointmentUpdates"]

    assert [(h["id"], h["status"]) for h in heard] == [(anna_id, "REQUESTED")] * 2
    assert live["id"] == marker["appointment"]["id"]


async def test_an_event_a_dead_process_committed_but_never_relayed_is_relayed_by_another(
    server: ServerProcess, deps: Deps
) -> None:
    diary = await factories.online_practitioner(deps)
    start = factories.slot_start(hour=12)
    left = SlotChanged(
        int(diary.practitioner_id), start, start + timedelta(minutes=30), SlotState.HELD
    )
    async with LiveSocket(server.ws_url) as portal:
        await portal.subscribe(SLOT_CHANGES, day_window(diary))
        # What a process killed between its commit and its relay leaves behind.
        async with deps.database.writer() as session:
            session.add(
                EventOutboxRow(
                    event_id=secrets.token_hex(16),
                    channels=" ".join(left.channels()),
                    body=left.to_json(),
                    created_at=datetime.now(UTC) - timedelta(seconds=3),
                )
            )
            await session.commit()
        [(heard_start, state, _)] = await changes(portal, 1)

    async def relayed_and_forgotten() -> bool:
        async with deps.database.reader() as session:
            staged = await session.execute(select(func.count()).select_from(EventOutboxRow))
            return staged.scalar_one() == 0

    assert (heard_start, state) == (start, "HELD")
    assert await eventually(relayed_and_forgotten)


@pytest.mark.skipif(not on_redis(), reason="the history is a Redis stream beside Redis")
@pytest.mark.parametrize("missed", [5, 6])
async def test_a_resume_reads_a_bounded_part_of_the_redis_history(missed: int) -> None:
    hub = Hub(broadcast_url(), prefix=secrets.token_hex(6), replay_read_limit=5)
    await hub.connect()
    start = factories.slot_start(hour=9)
    try:
        async with hub.listen(["portal.slots.1"]) as first:
            await hub.publish_events([SlotChanged(1, start, start, SlotState.HELD)])
            seen = await asyncio.wait_for(anext(first), 5)
        await hub.publish_events([SlotChanged(1, start, start, SlotState.FREE)] * missed)

        async with hub.listen(["portal.slots.1"], since=seen.position) as resumed:
            told = resumed.resync_required
            replayed = (
                [] if told else [await asyncio.wait_for(anext(resumed), 5) for _ in range(missed)]
            )
    finally:
        await hub.disconnect()

    assert told is (missed > 5)
    assert len(replayed) == (0 if told else missed)
