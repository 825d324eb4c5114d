"""Websockets are bounded per client address and per signed-in user: one too many is
closed at once with 1008 ("policy violation"), before it can subscribe, and a socket
closed makes room for another."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import websockets
from websockets.exceptions import ConnectionClosed

from domain.socket_limits import TOO_MANY_SOCKETS_CODE
from portal.settings import Settings
from resolvers.deps import Deps
from tests import factories
from tests.conftest import running_servers
from tests.support import ServerProcess, eventually, household

PER_ADDRESS = 3
PER_USER = 2


@pytest.fixture
def strict_server(settings: Settings, run_dir: Path) -> Iterator[ServerProcess]:
    with running_servers(
        settings,
        run_dir,
        1,
        MAX_SOCKETS_PER_ADDRESS=str(PER_ADDRESS),
        MAX_SOCKETS_PER_USER=str(PER_USER),
    ) as servers:
        yield servers[0]


async def open_socket(server: ServerProcess, address: str, token: str | None = None) -> Any:
    """A signed-in (or anonymous) graphql-transport-ws socket from `address`, or the code
    it was closed with."""
    socket = await websockets.connect(
        server.ws_url,
        subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
        additional_headers={"X-Forwarded-For": address},
    )
    payload = {"authorization": f"Bearer {token}"} if token else {}
    try:
        await socket.send(json.dumps({"type": "connection_init", "payload": payload}))
        answer = json.loads(await socket.recv())
        assert answer["type"] == "connection_ack", answer
        # A socket refused after its sign-in is closed right after the ack.
        await socket.send(json.dumps({"type": "ping"}))
        assert json.loads(await socket.recv())["type"] == "pong"
    except ConnectionClosed as closed:
        return closed.rcvd.code if closed.rcvd else None
    return socket


async def test_one_socket_too_many_from_an_address_is_closed_until_one_closes(
    strict_server: ServerProcess,
) -> None:
    address = household()
    sockets = [await open_socket(strict_server, address) for _ in range(PER_ADDRESS)]
    assert all(not isinstance(s, int) for s in sockets), sockets

    assert await open_socket(strict_server, address) == TOO_MANY_SOCKETS_CODE
    # Another address is not held back.
    elsewhere = await open_socket(strict_server, household())
    assert not isinstance(elsewhere, int), elsewhere

    await sockets.pop().close()

    async def admitted() -> Any:
        opened = await open_socket(strict_server, address)
        return None if isinstance(opened, int) else opened

    sockets.append(await eventually(admitted))
    for socket in [*sockets, elsewhere]:
        await socket.close()


async def test_one_socket_too_many_for_a_user_is_closed_whatever_the_address(
    strict_server: ServerProcess, deps: Deps
) -> None:
    anna = await factories.user(deps)
    sockets = [await open_socket(strict_server, household(), anna.token) for _ in range(PER_USER)]
    assert all(not isinstance(s, int) for s in sockets), sockets

    assert await open_socket(strict_server, household(), anna.token) == TOO_MANY_SOCKETS_CODE
    # Someone else signed in is not held back.
    other = await open_socket(strict_server, household(), (await factories.user(deps)).token)
    assert not isinstance(other, int), other

    await sockets.pop().close()

    async def admitted() -> Any:
        opened = await open_socket(strict_server, household(), anna.token)
        return None if isinstance(opened, int) else opened

    sockets.append(await eventually(admitted))
    for socket in [*sockets, other]:
        await socket.close()
