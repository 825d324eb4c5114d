"""A broadcaster backend on redis.asyncio that survives Redis restarts.

broadcaster's own RedisBackend runs one listener task; when Redis drops, that task dies
and every subscriber waits forever in silence (encode/broadcaster#144). This backend
keeps one pub/sub connection alive: it reconnects with backoff, resubscribes every
channel, and pings on a heartbeat so a half-open connection is noticed. Each time the
connection is lost it hands the hub an INTERRUPTED event, so subscriptions that may
have missed messages end with an error instead of going quiet. Publishing retries once
on a fresh connection when the pooled one went stale during an outage.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from broadcaster import Event
from broadcaster._backends.base import BroadcastBackend
from redis import asyncio as redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger(__name__)
T = TypeVar("T")

#: Pseudo-channel the backend uses to tell the hub that messages may have been lost.
INTERRUPTED = "portal.internal.interrupted"
_LOST = (RedisConnectionError, RedisTimeoutError, OSError, asyncio.TimeoutError)


class ReconnectingRedisBackend(BroadcastBackend):
    def __init__(
        self,
        url: str,
        *,
        heartbeat_seconds: float = 5.0,
        max_backoff_seconds: float = 2.0,
    ) -> None:
        self._url = url
        self._heartbeat = heartbeat_seconds
        self._max_backoff = max_backoff_seconds
        self._channels: set[str] = set()
        self._events: asyncio.Queue[Event] = asyncio.Queue()
        self._publisher = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)
        self._pubsub: Any = None
        self._connected = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    @property
    def connected(self) -> bool:
        return self._connected.is_set()

    async def connect(self) -> None:
        self._task = asyncio.create_task(self._run(), name="redis-pubsub")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._connected.wait(), timeout=5)
        if not self.connected:
            log.warning("Redis is not answering at start-up; will keep trying")

    async def disconnect(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self._publisher.aclose()

    async def subscribe(self, channel: str) -> None:
        if not self.connected:
            raise RedisConnectionError("live updates are reconnecting to Redis")
        self._channels.add(channel)
        await self._pubsub.subscribe(channel)

    async def unsubscribe(self, channel: str) -> None:
        self._channels.discard(channel)
        if self.connected:
            with contextlib.suppress(*_LOST):
                await self._pubsub.unsubscribe(channel)

    async def publish(self, channel: str, message: Any) -> None:
        """Publish, replacing connections that went stale while Redis was away
        (`_once_more_if_stale`)."""
        await self.once_more_if_stale(lambda: self._publisher.publish(channel, message))

    async def publish_many(self, messages: list[tuple[str, Any]]) -> None:
        """Publish (channel, message) pairs in order in one round trip (a pipeline, not
        a transaction), retried as `publish` is."""

        async def send() -> None:
            pipeline = self._publisher.pipeline(transaction=False)
            for channel, message in messages:
                pipeline.publish(channel, message)
            await pipeline.execute()

        await self.once_more_if_stale(send)

    @property
    def publisher(self) -> redis.Redis:
        """The client commands other than pub/sub go through (the live history's)."""
        return self._publisher

    async def once_more_if_stale(self, send: Callable[[], Awaitable[T]]) -> T:
        """After a Redis restart every idle pooled connection is dead, and the first command
        on one fails. That failure is retried once, after dropping the idle connections, on
        a fresh one. A second failure, and any other error, is raised to the hub. A timeout
        is not retried: the message may already have gone out."""
        try:
            return await send()
        except RedisConnectionError as error:
            log.info("Sending again on a fresh Redis connection after: %s", error)
            await self._publisher.connection_pool.disconnect(inuse_connections=False)
            return await send()

    async def next_published(self) -> Event:
        return await self._events.get()

    async def _run(self) -> None:
        backoff = 0.1
        while True:
            client = redis.Redis.from_url(self._url, socket_connect_timeout=5)
            pubsub = client.pubsub(ignore_subscribe_messages=True)
            try:
                await pubsub.subscribe(INTERRUPTED, *self._channels)
                self._pubsub = pubsub
                self._connected.set()
                if backoff > 0.1:
                    log.info("Reconnected to Redis; %d channels resubscribed", len(self._channels))
                backoff = 0.1
                await self._listen(pubsub)
            except _LOST as error:
                was_connected = self.connected
                self._connected.clear()
                if was_connected:
                    log.warning("Lost Redis pub/sub connection: %s", error)
                    self._events.put_nowait(Event(INTERRUPTED, ""))
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, self._max_backoff)
            finally:
                with contextlib.suppress(Exception):
                    await pubsub.aclose()
                with contextlib.suppress(Exception):
                    await client.aclose()

    async def _listen(self, pubsub: Any) -> None:
        loop = asyncio.get_running_loop()
        last_ping = loop.time()
        while True:
            message = await pubsub.get_message(timeout=1.0)
            if message is not None and message["type"] == "message":
                channel = _text(message["channel"])
                if channel != INTERRUPTED:
                    self._events.put_nowait(Event(channel, _text(message["data"])))
            if loop.time() - last_ping >= self._heartbeat:
                await asyncio.wait_for(pubsub.ping(), timeout=self._heartbeat)
                last_ping = loop.time()


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
