"""What Redis itself reports about subscriptions, so a test waits for a fact, not a pause."""

from __future__ import annotations

from typing import Any

from redis import asyncio as redis

from tests.support import LiveSocket, eventually


async def subscribers(redis_url: str, channel: str) -> int:
    """How many connections Redis has subscribed to the channel."""
    client = redis.Redis.from_url(redis_url)
    try:
        counts = await client.pubsub_numsub(channel)
    finally:
        await client.aclose()
    return int(counts[0][1])


async def live_subscription(
    ws_url: str,
    query: str,
    variables: dict[str, Any],
    *,
    redis_url: str,
    channel: str,
    token: str | None = None,
    attempts: int = 10,
) -> LiveSocket:
    """A socket subscribed once Redis reports the server listening on `channel`; a
    subscription refused while live updates reconnect is made again."""

    async def none() -> bool:
        return await subscribers(redis_url, channel) == 0

    async def some() -> int:
        return await subscribers(redis_url, channel)

    await eventually(none, timeout=10)  # a socket of an earlier test has let go
    for _ in range(attempts):
        socket = await LiveSocket(ws_url, token).__aenter__()
        await socket.subscribe(query, variables)
        try:
            await eventually(some, timeout=3)
        except AssertionError:
            await socket.__aexit__(None, None, None)
            continue
        return socket
    raise AssertionError(f"no server subscribed to {channel}")
