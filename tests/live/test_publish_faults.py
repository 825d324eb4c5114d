"""A change is never announced to nobody: a publish after a Redis restart goes out, and
one that cannot go out ends the subscribers it would have reached."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from redis import asyncio as redis

from portal.settings import Settings
from resolvers.deps import Deps
from subscriptions.events import slot_channel
from tests import factories
from tests.api.test_holds import hold
from tests.conftest import running_servers
from tests.live.test_live_slots import SLOT_CHANGES, next_change, window
from tests.live.test_redis_restart import ThrowawayRedis, ended_with_error
from tests.redis_watch import live_subscription
from tests.support import GraphQL


@pytest.fixture
def own_redis() -> Iterator[ThrowawayRedis]:
    instance = ThrowawayRedis()
    instance.start()
    try:
        yield instance
    finally:
        instance.stop()


async def set_publishing(redis_url: str, *, allowed: bool) -> None:
    """Let Redis accept or refuse PUBLISH (an ACL rule), leaving every connection up."""
    client = redis.Redis.from_url(redis_url)
    try:
        rule = "+publish" if allowed else "-publish"
        await client.execute_command("ACL", "SETUSER", "default", rule)
    finally:
        await client.aclose()


async def test_a_process_idle_through_a_redis_restart_announces_its_next_change(
    settings: Settings,
    run_dir: Path,
    own_redis: ThrowawayRedis,
    deps: Deps,
) -> None:
    diary = await factories.online_practitioner(deps)
    anna = await factories.user(deps)
    first = factories.slot_start(hour=10)
    later = first + timedelta(minutes=30)
    channel = deps.hub.wire_channel(slot_channel(int(diary.practitioner_id)))
    redis_url = own_redis.url
    with running_servers(settings, run_dir, 2, BROADCAST_URL=redis_url) as (idle, listening):
        async with httpx.AsyncClient(base_url=idle.url) as client:
            gql = GraphQL(client)
            # A change before the outage leaves a connection in the idle process's pool.
            assert (await hold(gql, diary, first, anna.token))["__typename"] == "Hold"

            own_redis.stop()
            own_redis.start()

            socket = await live_subscription(
                listening.ws_url,
                SLOT_CHANGES,
                window(diary, first),
                redis_url=redis_url,
                channel=channel,
            )
            try:
                assert (await hold(gql, diary, later, anna.token))["__typename"] == "Hold"
                assert await next_change(socket) == (later, "HELD")
            finally:
                await socket.__aexit__(None, None, None)


async def test_a_change_redis_refuses_to_publish_ends_its_subscribers_as_interrupted(
    settings: Settings,
    run_dir: Path,
    own_redis: ThrowawayRedis,
    deps: Deps,
) -> None:
    refused = await factories.online_practitioner(deps, name="Maria Keller")
    other = await factories.online_practitioner(deps, name="Jonas Weber")
    anna = await factories.user(deps)
    start = factories.slot_start(hour=10)
    redis_url = own_redis.url
    with running_servers(settings, run_dir, 1, BROADCAST_URL=redis_url) as (server,):
        sockets = [
            await live_subscription(
                server.ws_url,
                SLOT_CHANGES,
                window(diary, start),
                redis_url=redis_url,
                channel=deps.hub.wire_channel(slot_channel(int(diary.practitioner_id))),
            )
            for diary in (refused, other)
        ]
        on_refused, on_other = sockets
        try:
            async with httpx.AsyncClient(base_url=server.url) as client:
                gql = GraphQL(client)
                await set_publishing(redis_url, allowed=False)
                assert (await hold(gql, refused, start, anna.token))["__typename"] == "Hold"
                ended = await ended_with_error(on_refused, timeout=10)
                assert "interrupted" in str(ended)

                await set_publishing(redis_url, allowed=True)
                assert (await hold(gql, other, start, anna.token))["__typename"] == "Hold"
                assert await next_change(on_other) == (start, "HELD")
        finally:
            for socket in sockets:
                await socket.__aexit__(None, None, None)
