"""A Redis restart during a burst of holds loses no announcement: a portal resuming
from its cursor once Redis is back hears every hold that was committed, once."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from persistence.database import Database
from persistence.migrate import upgrade_async
from portal.settings import Settings
from resolvers.deps import Deps
from subscriptions.hub import Hub
from tests import factories
from tests.conftest import running_servers
from tests.databases import fresh_database
from tests.live.test_killed_relay import burst_starts, held_in_database, hold_from
from tests.live.test_redis_restart import ThrowawayRedis
from tests.support import LiveSocket, ServerProcess

SLOT_CHANGES = """
subscription Changes($p: ID!, $from: DateTime!, $to: DateTime!, $since: String) {
  slotChanges(practitionerId: $p, from: $from, to: $to, since: $since) { start state cursor }
}
"""


@pytest.fixture
def kept_redis(tmp_path: Path) -> Iterator[ThrowawayRedis]:
    """Redis as production runs it for the history: with an append-only file."""
    redis = ThrowawayRedis(keeps_to=tmp_path)
    redis.start()
    try:
        yield redis
    finally:
        redis.stop()


@dataclass
class Deployment:
    """A deployment of its own (its database, its Redis, one server): no process of
    another deployment relays what this one's left staged while its Redis was away."""

    server: ServerProcess
    deps: Deps


@pytest.fixture
async def kept_deployment(
    settings: Settings, run_dir: Path, kept_redis: ThrowawayRedis
) -> AsyncIterator[Deployment]:
    with fresh_database(run_dir, "kept_redis") as url:
        await upgrade_async(url)
        deps = Deps(settings=settings, database=Database(url), hub=Hub("memory://"))
        try:
            await factories.clinic(deps)
            env = {"DATABASE_URL": url, "BROADCAST_URL": kept_redis.url}
            with running_servers(settings, run_dir, 1, **env) as (server,):
                yield Deployment(server, deps)
        finally:
            await deps.database.dispose()


async def resumed(url: str, variables: dict[str, object], attempts: int = 100) -> LiveSocket:
    """Subscribe with `since`, retrying while live updates reconnect to Redis."""
    for _ in range(attempts):
        socket = await LiveSocket(url).__aenter__()
        await socket.subscribe(SLOT_CHANGES, variables)
        if not socket.answered():
            return socket
        message = await socket.receive()
        if message.get("type") == "next" and not message["payload"].get("errors"):
            socket._early.appendleft(message)  # the first replayed event
            return socket
        await socket.__aexit__(None, None, None)
        await asyncio.sleep(0.1)
    raise AssertionError("could not subscribe again after Redis came back")


async def test_a_portal_resuming_after_a_redis_restart_hears_every_committed_hold_once(
    kept_deployment: Deployment, kept_redis: ThrowawayRedis
) -> None:
    server, deps = kept_deployment.server, kept_deployment.deps
    diary = await factories.online_practitioner(deps)
    crowd = await factories.patients_with_accounts(deps, 40)
    starts = burst_starts()
    window = {
        "p": diary.practitioner_id,
        "from": starts[0].isoformat(),
        "to": (starts[-1] + timedelta(hours=1)).isoformat(),
        "since": None,
    }
    answered = 0
    reached = {13: asyncio.Event(), 25: asyncio.Event()}
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:

        async def portal(n: int) -> None:
            nonlocal answered
            await hold_from(client, diary, starts[n], crowd[n][0].token, f"198.18.9.{n + 1}")
            answered += 1
            for mark, event in reached.items():
                if answered >= mark:
                    event.set()

        async with LiveSocket(server.ws_url) as before:
            await before.subscribe(SLOT_CHANGES, window)
            await portal(0)
            cursor = (await before.next_data())["slotChanges"]["cursor"]

            # Holds keep coming, four at a time, while Redis stops and starts again.
            async def burst() -> None:
                for first in range(1, 40, 4):
                    await asyncio.gather(*(portal(n) for n in range(first, min(first + 4, 40))))

            holds = asyncio.create_task(burst())
            await reached[13].wait()
            kept_redis.stop()
            await reached[25].wait()
            kept_redis.start()
            await holds

        held = await held_in_database(deps, starts)
        after = await resumed(server.ws_url, {**window, "since": cursor})
        heard: Counter[datetime] = Counter()
        try:
            loop = asyncio.get_running_loop()
            deadline = loop.time() + 10
            while not held - {starts[0].astimezone(UTC)} <= set(heard) and loop.time() < deadline:
                change = (await after.next_data(timeout=deadline - loop.time()))["slotChanges"]
                if change["state"] == "HELD":
                    heard[datetime.fromisoformat(change["start"]).astimezone(UTC)] += 1
        finally:
            await after.__aexit__(None, None, None)

    assert set(heard) == held - {starts[0].astimezone(UTC)}
    assert set(heard.values()) == {1}, heard
