"""Redis away: a real server answers every request in time, whole or coded (a budget per
minute and sign-in attempts are counted in Redis, live updates go through it), never
with Redis's words, and with the security and CORS headers."""

from __future__ import annotations

import contextlib
import subprocess
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from portal.settings import Settings
from resolvers.deps import Deps
from tests import factories
from tests.api.partners import partner
from tests.conftest import running_servers
from tests.live.test_redis_restart import ThrowawayRedis, redis_of_our_own
from tests.support import GraphQL, ServerProcess, free_port, household
from tests.unavailable import (
    ORIGIN,
    Asker,
    assert_headed,
    assert_no_leak,
    assert_unavailable,
    headers_of,
)

__all__ = ["redis_of_our_own"]  # the fixture, used here

#: Long enough for anything that waits its turn with a deadline; a hang fails.
ANSWERED_WITHIN_SECONDS = 15


@pytest.fixture
def server_on_redis_with_origin(
    settings: Settings, run_dir: Path, redis_of_our_own: ThrowawayRedis
) -> Iterator[ServerProcess]:
    with running_servers(
        settings, run_dir, 1, BROADCAST_URL=redis_of_our_own.url, CORS_ORIGINS=ORIGIN
    ) as servers:
        yield servers[0]


@contextlib.asynccontextmanager
async def asker_of(server: ServerProcess, deps: Deps) -> AsyncIterator[Asker]:
    """One of each kind of request, from a page of the allowed origin in a household of its
    own: a practitioner to ask about, a signed-in patient and a partner."""
    diary = await factories.online_practitioner(deps)
    patient = await factories.user(deps)
    async with httpx.AsyncClient(
        base_url=server.url,
        headers=headers_of(ORIGIN, household()),
        timeout=ANSWERED_WITHIN_SECONDS,
    ) as client:
        made = await partner(GraphQL(client), deps, "availability:read")
        yield Asker(
            client,
            diary.practitioner_id,
            diary.service_id,
            user_token=patient.token,
            client_id=made.client_id,
            client_secret=made.secret,
        )


def assert_whole_or_coded(kind: str, response: httpx.Response) -> None:
    """A whole answer, or an error with a code and, when it asks to wait, Retry-After;
    the headers either way, and nothing of Redis's or a driver's words."""
    assert_no_leak(response)
    assert_headed(response)
    body = response.json()
    if response.status_code == 200 and not body.get("errors"):
        return
    if kind == "token request":
        assert body.get("error"), body
    else:
        assert all(e.get("extensions", {}).get("code") for e in body["errors"]), body
        assert "INTERNAL" not in {e["extensions"]["code"] for e in body["errors"]}, body
    if response.status_code in (429, 503):
        assert response.headers.get("retry-after", "").isdigit(), response.headers


async def test_while_redis_is_away_every_request_is_answered_in_time_and_coded(
    server_on_redis_with_origin: ServerProcess, redis_of_our_own: ThrowawayRedis, deps: Deps
) -> None:
    async with asker_of(server_on_redis_with_origin, deps) as asker:
        # When Redis goes away
        redis_of_our_own.stop()
        # Then each kind of request is answered in time (a hang fails with a timeout),
        # whole or coded, twice
        for _ in range(2):
            answers = await asker.everything()
            for kind, response in answers.items():
                assert_whole_or_coded(kind, response)
            # A per-minute budget is never counted in this process instead: an operation
            # it must charge is told to try again.
            assert_unavailable(answers["anonymous clinic"])
            assert_unavailable(answers["signed-in query"])


def redis_cli(redis: ThrowawayRedis, *command: str) -> str:
    return subprocess.run(
        ["redis-cli", "-p", str(redis.port), *command], capture_output=True, check=True, text=True
    ).stdout.strip()


async def test_a_redis_turned_replica_is_answered_unavailable_until_it_takes_writes_again(
    server_on_redis_with_origin: ServerProcess, redis_of_our_own: ThrowawayRedis, deps: Deps
) -> None:
    """A failover can leave a process on a Redis that became a replica: it answers, but
    refuses every write (READONLY), which no fallback expects."""
    async with asker_of(server_on_redis_with_origin, deps) as asker:
        # When Redis becomes a replica (of a loopback port where nothing listens)
        assert redis_cli(redis_of_our_own, "REPLICAOF", "127.0.0.1", str(free_port())) == "OK"
        answers = await asker.everything()

        # Then what needs a write to Redis is answered coded, in time, and headed
        for kind, response in answers.items():
            assert_whole_or_coded(kind, response)
        assert_unavailable(answers["token request"], oauth=True)
        assert answers["sign-in"].status_code in (429, 503), answers["sign-in"].text

        # When it takes writes again, token requests and sign-ins are answered again
        assert redis_cli(redis_of_our_own, "REPLICAOF", "NO", "ONE") == "OK"
        token = await asker.client.post(
            "/oauth/token",
            data={"grant_type": "client_credentials"},
            auth=httpx.BasicAuth(asker.client_id, asker.client_secret),
        )
        assert token.status_code == 200, token.text
