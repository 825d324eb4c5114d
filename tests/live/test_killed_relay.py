"""A process killed mid-burst never takes an announcement with it: every hold it
committed reaches the other process's subscribers within seconds, each once."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from persistence.models import AppointmentRow
from portal.settings import Settings
from resolvers.deps import Deps
from tests import factories
from tests.api.test_holds import HOLD
from tests.conftest import running_servers
from tests.live.test_session_sockets import closed_with
from tests.support import LiveSocket, on_redis

pytestmark = pytest.mark.skipif(not on_redis(), reason="processes share live events through Redis")

SLOT_CHANGES = """
subscription Changes($p: ID!, $from: DateTime!, $to: DateTime!) {
  slotChanges(practitionerId: $p, from: $from, to: $to) { start state }
}
"""
HOLDS = 40
ANNOUNCED_WITHIN_SECONDS = 5


def burst_starts() -> list[datetime]:
    """40 slots of 30 minutes over two days' sessions (08:00 to 18:00)."""
    return [
        factories.slot_start(days=2 + n // 20, hour=8) + timedelta(minutes=30 * (n % 20))
        for n in range(HOLDS)
    ]


async def hold_from(
    client: httpx.AsyncClient,
    diary: factories.Diary,
    start: datetime,
    token: str,
    address: str,
) -> httpx.Response:
    """One portal's hold of `start`, from its own home network (holds are counted per
    network; the test servers believe 127.0.0.1's X-Forwarded-For)."""
    variables = {
        "practitionerId": diary.practitioner_id,
        "serviceId": diary.service_id,
        "start": start.isoformat(),
    }
    headers = {"Authorization": f"Bearer {token}", "X-Forwarded-For": address}
    return await client.post(
        "/graphql", json={"query": HOLD, "variables": variables}, headers=headers
    )


async def held_in_database(deps: Deps, starts: list[datetime]) -> set[datetime]:
    async with deps.database.reader() as session:
        query = select(AppointmentRow.start_at).where(
            AppointmentRow.start_at.in_([s.astimezone(UTC) for s in starts]),
            AppointmentRow.status == "TEMPORARY",
        )
        return {row.astimezone(UTC) for row in (await session.execute(query)).scalars()}


async def heard_until(
    socket: LiveSocket, wanted: set[datetime], deadline: float
) -> Counter[datetime]:
    """HELD announcements until every wanted one came or the deadline passed."""
    heard: Counter[datetime] = Counter()
    loop = asyncio.get_running_loop()
    while not wanted <= set(heard) and loop.time() < deadline:
        try:
            change = (await socket.next_data(timeout=deadline - loop.time()))["slotChanges"]
        except TimeoutError:
            break
        if change["state"] == "HELD":
            heard[datetime.fromisoformat(change["start"]).astimezone(UTC)] += 1
    return heard


async def test_holds_committed_by_a_killed_process_reach_the_survivors_subscribers_once(
    settings: Settings, run_dir: Path, deps: Deps
) -> None:
    diary = await factories.online_practitioner(deps)
    crowd = await factories.patients_with_accounts(deps, HOLDS)
    starts = burst_starts()
    window = {
        "p": diary.practitioner_id,
        "from": starts[0].isoformat(),
        "to": (starts[-1] + timedelta(hours=1)).isoformat(),
    }
    with running_servers(settings, run_dir, 2) as (doomed, survivor):
        async with (
            LiveSocket(survivor.ws_url) as first,
            LiveSocket(survivor.ws_url) as second,
            httpx.AsyncClient(base_url=doomed.url, timeout=30) as to_doomed,
            httpx.AsyncClient(base_url=survivor.url, timeout=30) as to_survivor,
        ):
            for socket in (first, second):
                await socket.subscribe(SLOT_CHANGES, window)

            async def portal(n: int) -> None:
                client = to_doomed if n % 2 else to_survivor
                token, address = crowd[n][0].token, f"198.18.7.{n + 1}"
                await hold_from(client, diary, starts[n], token, address)

            burst = [asyncio.create_task(portal(n)) for n in range(HOLDS)]
            quarter_answered = asyncio.Event()
            for task in burst:
                task.add_done_callback(
                    lambda _: sum(t.done() for t in burst) >= HOLDS // 4 and quarter_answered.set()
                )
            await quarter_answered.wait()
            doomed.kill()
            killed_at = asyncio.get_running_loop().time()
            await asyncio.gather(*burst, return_exceptions=True)

            held = await held_in_database(deps, starts)
            deadline = killed_at + ANNOUNCED_WITHIN_SECONDS
            heard = [await heard_until(s, held, deadline) for s in (first, second)]

    assert len(held) > HOLDS // 4
    for counted in heard:
        assert set(counted) == held, sorted(held - set(counted))
        assert set(counted.values()) == {1}, counted


RESUMING = """
subscription Changes($p: ID!, $from: DateTime!, $to: DateTime!, $since: String) {
  slotChanges(practitionerId: $p, from: $from, to: $to, since: $since) { start state cursor }
}
"""
IN_FLIGHT = 20
AWAY = 50


async def test_a_stopping_process_answers_what_is_in_flight_and_its_portals_resume_elsewhere(
    settings: Settings, run_dir: Path, deps: Deps
) -> None:
    diary = await factories.online_practitioner(deps)
    crowd = await factories.patients_with_accounts(deps, IN_FLIGHT + 1)
    starts = burst_starts()[: IN_FLIGHT + 1]
    window = {
        "p": diary.practitioner_id,
        "from": starts[0].isoformat(),
        "to": (starts[-1] + timedelta(hours=1)).isoformat(),
        "since": None,
    }
    limits = httpx.Limits(max_connections=IN_FLIGHT, max_keepalive_connections=IN_FLIGHT)
    with running_servers(settings, run_dir, 2) as (stopping, staying):
        async with (
            LiveSocket(stopping.ws_url) as portal_socket,
            httpx.AsyncClient(base_url=stopping.url, timeout=60, limits=limits) as client,
        ):

            async def hold_at(n: int) -> httpx.Response:
                token, address = crowd[n][0].token, f"198.18.8.{n + 1}"
                return await hold_from(client, diary, starts[n], token, address)

            await portal_socket.subscribe(RESUMING, window)
            await hold_at(0)
            cursor = (await portal_socket.next_data())["slotChanges"]["cursor"]
            # Twenty connections open, so that every hold below is under way at once.
            await asyncio.gather(*(client.get("/health") for _ in range(IN_FLIGHT)))

            burst = [asyncio.create_task(hold_at(n)) for n in range(1, IN_FLIGHT + 1)]
            first_answer = asyncio.Event()
            for task in burst:
                task.add_done_callback(lambda _: first_answer.set())
            await first_answer.wait()
            stopping.process.terminate()
            answers = await asyncio.gather(*burst)
            code, _ = await closed_with(portal_socket, timeout=15)

        async with LiveSocket(staying.ws_url) as resumed:
            await resumed.subscribe(RESUMING, {**window, "since": cursor})
            held = await held_in_database(deps, starts[1:])
            heard = await heard_until(resumed, held, asyncio.get_running_loop().time() + 10)

    assert [a.json()["data"]["hold"]["__typename"] for a in answers] == ["Hold"] * IN_FLIGHT
    assert code == 1012
    assert len(held) == IN_FLIGHT
    assert set(heard) == held
    assert set(heard.values()) == {1}


async def test_a_portal_resumes_with_every_change_both_processes_made_meanwhile_once(
    settings: Settings, run_dir: Path, deps: Deps
) -> None:
    diary = await factories.online_practitioner(deps)
    crowd = await factories.patients_with_accounts(deps, AWAY + 2)
    starts = [
        factories.slot_start(days=2 + n // 20, hour=8) + timedelta(minutes=30 * (n % 20))
        for n in range(AWAY + 2)
    ]
    window = {
        "p": diary.practitioner_id,
        "from": starts[0].isoformat(),
        "to": (starts[-1] + timedelta(hours=1)).isoformat(),
        "since": None,
    }
    with running_servers(settings, run_dir, 2) as (first, second):
        async with (
            httpx.AsyncClient(base_url=first.url, timeout=30) as to_first,
            httpx.AsyncClient(base_url=second.url, timeout=30) as to_second,
        ):

            async def hold_at(n: int) -> None:
                client = to_first if n % 2 else to_second
                token, address = crowd[n][0].token, f"198.18.6.{n + 1}"
                answer = await hold_from(client, diary, starts[n], token, address)
                assert answer.json()["data"]["hold"]["__typename"] == "Hold", answer.text

            async with LiveSocket(first.ws_url) as portal_socket:
                await portal_socket.subscribe(RESUMING, window)
                await hold_at(0)
                cursor = (await portal_socket.next_data())["slotChanges"]["cursor"]

            # Away: 50 holds, one after another, every other one on each process.
            for n in range(1, AWAY + 1):
                await hold_at(n)

            async with LiveSocket(second.ws_url) as resumed:
                await resumed.subscribe(RESUMING, {**window, "since": cursor})
                missed = [(await resumed.next_data())["slotChanges"] for _ in range(AWAY)]
                await hold_at(AWAY + 1)
                live = (await resumed.next_data())["slotChanges"]

    told = [datetime.fromisoformat(m["start"]) for m in missed]
    assert told == starts[1 : AWAY + 1]
    assert {m["state"] for m in missed} == {"HELD"}
    assert datetime.fromisoformat(live["start"]) == starts[AWAY + 1]
    assert len({m["cursor"] for m in missed} | {live["cursor"]}) == AWAY + 1
