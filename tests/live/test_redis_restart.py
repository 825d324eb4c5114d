"""A Redis restart never leaves a live socket silently deaf."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from portal.settings import Settings
from resolvers.deps import Deps
from tests import factories
from tests.api.test_holds import hold
from tests.conftest import running_servers
from tests.live.test_live_slots import SLOT_CHANGES, next_change, window
from tests.live.test_session_sockets import closed_with
from tests.support import GraphQL, LiveSocket, ServerProcess, free_port


class ThrowawayRedis:
    """A redis-server of the test's own, on its own port, that the test may stop."""

    def __init__(self, keeps_to: Path | None = None) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None
        #: A folder to keep an append-only file in, so a restart keeps the data.
        self.keeps_to = keeps_to

    def start(self) -> None:
        binary = shutil.which("redis-server")
        assert binary, "redis-server must be installed"
        self.process = subprocess.Popen(
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                *(
                    ["--appendonly", "yes", "--appendfsync", "always", "--dir", str(self.keeps_to)]
                    if self.keeps_to
                    else ["--appendonly", "no"]
                ),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(100):
            if (
                subprocess.run(
                    ["redis-cli", "-p", str(self.port), "ping"], capture_output=True
                ).stdout.strip()
                == b"PONG"
            ):
                return
            import time

            time.sleep(0.05)
        raise RuntimeError("throwaway redis did not start")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)


@pytest.fixture
def redis_of_our_own() -> Iterator[ThrowawayRedis]:
    redis = ThrowawayRedis()
    redis.start()
    try:
        yield redis
    finally:
        redis.stop()


@pytest.fixture
def server_on_our_redis(
    settings: Settings, run_dir: Path, redis_of_our_own: ThrowawayRedis
) -> Iterator[ServerProcess]:
    with running_servers(settings, run_dir, 1, BROADCAST_URL=redis_of_our_own.url) as servers:
        yield servers[0]


async def ended_with_error(socket: LiveSocket, timeout: float) -> dict:
    message = await socket.receive(timeout=timeout)
    errors = message.get("payload")
    if message.get("type") == "next":
        errors = message["payload"].get("errors")
    assert message.get("type") in ("error", "next") and errors, f"expected an error, got {message}"
    return message


async def subscribe_when_live(url: str, variables: dict, attempts: int = 100) -> LiveSocket:
    """Subscribe, retrying as a portal does while live updates are reconnecting."""
    for _ in range(attempts):
        socket = await LiveSocket(url).__aenter__()
        await socket.subscribe(SLOT_CHANGES, variables)
        if not socket.answered():
            return socket  # subscribed at the broadcaster: live again
        message = await socket.receive()
        await socket.__aexit__(None, None, None)
        assert message.get("type") in ("error", "next"), message
        await asyncio.sleep(0.1)
    raise AssertionError("could not subscribe again after Redis came back")


async def test_after_a_redis_restart_subscribers_are_told_and_live_updates_resume(
    server_on_our_redis: ServerProcess, redis_of_our_own: ThrowawayRedis, deps: Deps
) -> None:
    server = server_on_our_redis
    diary = await factories.online_practitioner(deps)
    anna = await factories.user(deps)
    start = factories.slot_start()
    variables = window(diary, start)
    async with httpx.AsyncClient(base_url=server.url) as client:
        gql = GraphQL(client)
        async with LiveSocket(server.ws_url) as before:
            await before.subscribe(SLOT_CHANGES, variables)

            redis_of_our_own.stop()
            await ended_with_error(before, timeout=10)

        redis_of_our_own.start()
        after = await subscribe_when_live(server.ws_url, variables)
        try:
            assert (await hold(gql, diary, start, anna.token))["__typename"] == "Hold"
            assert await next_change(after) == (start, "HELD")
        finally:
            await after.__aexit__(None, None, None)


async def test_a_logout_while_redis_is_away_closes_the_socket_once_it_is_back(
    server_on_our_redis: ServerProcess, redis_of_our_own: ThrowawayRedis, deps: Deps
) -> None:
    """The announcement of the logout is lost; the process re-checks its sockets' sessions
    as soon as it listens again, well before its half-minute re-check."""
    user = await factories.user(deps)
    server = server_on_our_redis
    async with (
        httpx.AsyncClient(base_url=server.url) as client,
        LiveSocket(server.ws_url, user.token) as socket,
    ):
        redis_of_our_own.stop()
        assert (await GraphQL(client)("mutation { logout }", token=user.token))["logout"]
        redis_of_our_own.start()

        code, heard = await closed_with(socket, timeout=15)

    assert (code, heard) == (4401, [])
