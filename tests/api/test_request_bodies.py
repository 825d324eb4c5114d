"""Hostile request bodies: over the size limit they are answered 413 before anything
parses them, whether declared (Content-Length) or streamed (chunked); JSON nested
100,000 deep is answered 400 with a JSON error, never a bare 500. In process and on a
real server."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
import websockets

from portal.middleware.http_limits import DEFAULT_MAX_BODY_BYTES, MAX_JSON_DEPTH
from portal.settings import Settings
from resolvers.deps import Deps
from tests.apps import client_of
from tests.support import GraphQL, LiveSocket, ServerProcess

LIMIT = 10_000
CLINIC = "{ clinic { name } }"


def body_of_size(size: int) -> bytes:
    """A valid GraphQL request of exactly `size` bytes (the query padded with spaces)."""
    bare = json.dumps({"query": CLINIC}).encode()
    return json.dumps({"query": CLINIC + " " * (size - len(bare))}).encode()


def deep_variables(depth: int = 100_000) -> bytes:
    return (
        b'{"query": "{ clinic { name } }", "variables": {"v": '
        + b"[" * depth
        + b"]" * depth
        + b"}}"
    )


def assert_refused(response: httpx.Response | tuple[int, bytes], status: int, code: str) -> None:
    got, content = (
        (response.status_code, response.content)
        if isinstance(response, httpx.Response)
        else response
    )
    assert got == status, content[:200]
    body = json.loads(content)
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == code


@pytest.fixture
async def limited(settings: Settings, deps: Deps) -> AsyncIterator[GraphQL]:
    async with client_of(settings, max_body_bytes=LIMIT) as api:
        yield api


async def post(api: GraphQL, content: Any, **headers: str) -> httpx.Response:
    return await api.client.post(
        "/graphql", content=content, headers={"Content-Type": "application/json", **headers}
    )


async def test_the_default_limit_is_one_megabyte() -> None:
    assert DEFAULT_MAX_BODY_BYTES == 1024 * 1024
    assert Settings.from_env().max_body_bytes == DEFAULT_MAX_BODY_BYTES


async def test_a_body_at_the_limit_is_served_and_one_byte_more_is_refused(
    limited: GraphQL,
) -> None:
    at_limit = await post(limited, body_of_size(LIMIT))
    over = await post(limited, body_of_size(LIMIT + 1))

    assert at_limit.status_code == 200
    assert at_limit.json()["data"]["clinic"]["name"]
    assert_refused(over, 413, "PAYLOAD_TOO_LARGE")
    assert over.json()["errors"][0]["extensions"]["limit"] == LIMIT


async def test_a_streamed_body_is_refused_once_it_passes_the_limit(limited: GraphQL) -> None:
    sent: list[int] = []

    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(100):
            sent.append(1)
            yield b" " * 1000

    response = await post(limited, chunks())

    assert "content-length" not in response.request.headers
    assert_refused(response, 413, "PAYLOAD_TOO_LARGE")
    assert len(sent) <= LIMIT // 1000 + 2  # the app stopped reading at the limit


async def test_json_nested_100000_deep_is_a_400_with_a_json_error(gql: GraphQL) -> None:
    posted = await post(gql, deep_variables())
    # A URL holds less: 10,000 levels, still ten times what json.loads can take.
    in_query_string = await gql.client.get(
        "/graphql", params={"query": CLINIC, "variables": '{"v": ' + "[" * 10_000}
    )

    assert_refused(posted, 400, "BAD_REQUEST")
    assert_refused(in_query_string, 400, "BAD_REQUEST")


async def test_json_nested_within_the_limit_is_served(gql: GraphQL, deps: Deps) -> None:
    response = await post(gql, deep_variables(MAX_JSON_DEPTH - 2))

    assert response.status_code == 200
    # Variables the operation does not declare are ignored; the query is answered.
    assert response.json()["data"]["clinic"]["name"]


# ------------------------------------------------------------------ real server


async def raw_exchange(url: str, head: bytes, chunks: list[bytes]) -> tuple[int, bytes]:
    """Send a request's head and some body bytes over a plain socket, without finishing
    the body, and read the answer: what a client that will not stop sending meets."""
    where = urlsplit(url)
    reader, writer = await asyncio.open_connection(where.hostname, where.port)
    try:
        writer.write(head)
        for chunk in chunks:
            writer.write(chunk)
            await writer.drain()
        status_line = await asyncio.wait_for(reader.readline(), 30)
        headers: dict[str, str] = {}
        while (line := await reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode().partition(":")
            headers[name.strip().lower()] = value.strip()
        content = await reader.readexactly(int(headers["content-length"]))
        return int(status_line.split()[1]), content
    finally:
        writer.close()


def head(url: str, **headers: str) -> bytes:
    lines = ["POST /graphql HTTP/1.1", f"Host: {urlsplit(url).netloc}"]
    lines += [f"{name.replace('_', '-')}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


async def test_a_real_server_refuses_a_declared_oversized_body_before_it_is_sent(
    server: ServerProcess,
) -> None:
    declared = head(
        server.url,
        Content_Type="application/json",
        Content_Length=str(DEFAULT_MAX_BODY_BYTES + 1),
    )

    assert_refused(await raw_exchange(server.url, declared, []), 413, "PAYLOAD_TOO_LARGE")


async def test_a_real_server_refuses_a_chunked_body_past_the_limit(server: ServerProcess) -> None:
    chunk = b" " * 65_536
    frames = [b"%x\r\n%s\r\n" % (len(chunk), chunk)] * (DEFAULT_MAX_BODY_BYTES // len(chunk) + 1)
    chunked = head(server.url, Content_Type="application/json", Transfer_Encoding="chunked")

    assert_refused(await raw_exchange(server.url, chunked, frames), 413, "PAYLOAD_TOO_LARGE")


async def test_a_real_server_answers_deep_json_with_400_and_goes_on_serving(
    server: ServerProcess, server_gql: GraphQL
) -> None:
    response = await post(server_gql, deep_variables())

    assert_refused(response, 400, "BAD_REQUEST")
    assert (await server_gql(CLINIC))["clinic"]["name"]


async def test_a_real_server_closes_a_socket_that_sends_deep_json(server: ServerProcess) -> None:
    async with LiveSocket(server.ws_url) as socket:
        await socket.ws.send(b"[" * 100_000 + b"]" * 100_000)
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await socket.receive()

    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4400
