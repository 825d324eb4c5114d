"""Attempt tallies in Redis: the same rules as in memory, shared by every process, and
still counted (in the process) while Redis cannot be reached."""

from __future__ import annotations

import httpx
import pytest

from domain.throttling import SIGN_IN_PER_ACCOUNT, Charge
from persistence.attempts import RedisAttempts
from resolvers.deps import Deps
from tests import factories
from tests.api.test_sign_in_limits import login
from tests.support import GraphQL, ServerProcess, broadcast_url, free_port, on_redis
from tests.unit.test_throttling import TEST, check_store_rules

needs_redis = pytest.mark.skipif(not on_redis(), reason="needs BROADCAST_URL=redis://")


@needs_redis
async def test_the_redis_store_keeps_the_same_rules_as_memory() -> None:
    store = RedisAttempts(broadcast_url())
    try:
        await check_store_rules(store)
    finally:
        await store.close()


@needs_redis
async def test_failed_sign_ins_on_one_process_are_refused_on_the_other(
    two_servers: list[ServerProcess], deps: Deps
) -> None:
    anna = await factories.user(deps)
    async with (
        httpx.AsyncClient(base_url=two_servers[0].url, timeout=30) as left,
        httpx.AsyncClient(base_url=two_servers[1].url, timeout=30) as right,
    ):
        for _ in range(SIGN_IN_PER_ACCOUNT.free):
            await login(GraphQL(left), anna.user.email, "not the password")

        refused = await login(GraphQL(right), anna.user.email, factories.PASSWORD)

    assert refused["__typename"] == "TooManyAttempts"


async def test_while_redis_is_away_attempts_are_counted_in_the_process() -> None:
    store = RedisAttempts(f"redis://127.0.0.1:{free_port()}/0")
    try:
        waits = [await store.spend(0.0, [Charge(TEST, "me")]) for _ in range(TEST.free + 1)]
    finally:
        await store.close()
    assert waits[:-1] == [0] * TEST.free
    assert waits[-1] > 0


@needs_redis
async def test_deployments_sharing_a_redis_keep_their_own_tallies() -> None:
    ours, theirs = (RedisAttempts(broadcast_url(), name) for name in ("clinic-a", "clinic-b"))
    charge = Charge(TEST, "someone@example.com")
    try:
        await ours.forget_all()
        await theirs.forget_all()
        for _ in range(TEST.free):
            assert await ours.spend(0.0, [charge]) == 0

        # Their deployment's first attempt for the same subject is free, and forgetting
        # theirs leaves ours counted.
        assert await theirs.spend(0.0, [charge]) == 0
        await theirs.forget_all()
        assert await ours.spend(0.0, [charge]) > 0
    finally:
        await ours.forget_all()
        await theirs.forget_all()
        await ours.close()
        await theirs.close()
