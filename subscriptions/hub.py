"""The hub: broadcaster's channel API for one deployment, with a bounded queue per subscriber.

On top of broadcaster:

* Every channel carries this deployment's prefix on the wire (`<prefix>:portal.slots.7`),
  when publishing and when listening. Redis pub/sub ignores the database number, so two
  deployments sharing one Redis would otherwise hear each other's events.
* broadcaster gives every subscriber an unbounded queue, so one stalled socket grows
  without limit. Here each subscriber's queue holds at most `queue_size` events; a
  subscriber that falls that far behind is ended with `SubscriptionEnded`, as is every
  subscriber when the backend reports that messages may have been lost, and every local
  subscriber of a channel that an event could not be published on.

The client then resubscribes and re-reads state: pub/sub is best-effort, the database is
the truth.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

from broadcaster import Broadcast, Event

from subscriptions.events import Event as PortalEvent
from subscriptions.redis_backend import INTERRUPTED, ReconnectingRedisBackend

log = logging.getLogger(__name__)

INTERRUPTED_REASON = "live updates were interrupted; re-read and subscribe again"


def prefix_for(identity: str) -> str:
    """A short, stable channel prefix for whatever identifies a deployment's database."""
    return hashlib.sha256(identity.encode()).hexdigest()[:12]


class SubscriptionEnded(Exception):
    """The live stream stopped; resubscribe and re-read what you show."""


@dataclass(frozen=True)
class _End:
    reason: str


class Subscriber:
    def __init__(self, queue: asyncio.Queue[Event | _End]) -> None:
        self._queue = queue

    def __aiter__(self) -> AsyncIterator[Event]:
        return self

    async def __anext__(self) -> Event:
        item = await self._queue.get()
        if isinstance(item, _End):
            raise SubscriptionEnded(item.reason)
        return item


class Hub(Broadcast):
    """Set `prefix` before `connect()`; every process of one deployment must use the same."""

    def __init__(self, url: str, *, queue_size: int = 256, prefix: str = "") -> None:
        scheme = urlparse(url).scheme
        backend = ReconnectingRedisBackend(url) if scheme in ("redis", "rediss") else None
        super().__init__(url if backend is None else None, backend=backend)
        self.queue_size = queue_size
        self.prefix = prefix
        self._queues: dict[str, set[asyncio.Queue[Event | _End]]] = {}

    def wire_channel(self, channel: str) -> str:
        """The channel's name on the wire: this deployment's prefix, then the name."""
        return f"{self.prefix}:{channel}" if self.prefix else channel

    async def publish(self, channel: str, message: Any) -> None:
        """Publish one message on this deployment's channel; raises when that fails."""
        await self._backend.publish(self.wire_channel(channel), message)

    async def publish_events(self, events: Iterable[PortalEvent]) -> None:
        """Publish after commit.

        A failure never undoes the change: it is logged, and this process's subscribers
        of that channel are ended as interrupted, so none of them silently misses it.
        """
        for event in events:
            payload = event.to_json()
            for channel in event.channels():
                wire = self.wire_channel(channel)
                try:
                    await self._backend.publish(wire, payload)
                except Exception:
                    log.exception("Could not publish %s on %s", type(event).__name__, wire)
                    for queue in list(self._queues.get(wire, ())):
                        _end(queue, INTERRUPTED_REASON)

    @contextlib.asynccontextmanager
    async def listen(self, channels: Iterable[str]) -> AsyncIterator[Subscriber]:
        """One bounded queue fed by every named channel."""
        queue: asyncio.Queue[Event | _End] = asyncio.Queue(maxsize=self.queue_size)
        joined: list[str] = []
        try:
            for channel in (self.wire_channel(c) for c in dict.fromkeys(channels)):
                if not self._queues.get(channel):
                    self._queues[channel] = {queue}
                    joined.append(channel)
                    try:
                        await self._backend.subscribe(channel)
                    except Exception as error:
                        log.warning("Could not subscribe to %s: %s", channel, error)
                        raise SubscriptionEnded(
                            "live updates are unavailable for a moment; try again shortly"
                        ) from None
                else:
                    self._queues[channel].add(queue)
                    joined.append(channel)
            yield Subscriber(queue)
        finally:
            for channel in joined:
                members = self._queues.get(channel, set())
                members.discard(queue)
                if not members:
                    self._queues.pop(channel, None)
                    with contextlib.suppress(Exception):
                        await self._backend.unsubscribe(channel)

    def subscriber_count(self) -> int:
        return len({id(q) for members in self._queues.values() for q in members})

    async def _listener(self) -> None:
        while True:
            event = await self._backend.next_published()
            if event.channel == INTERRUPTED:
                self._end_all(INTERRUPTED_REASON)
                continue
            delivered = Event(self._name(event.channel), event.message)
            for queue in list(self._queues.get(event.channel, ())):
                try:
                    queue.put_nowait(delivered)
                except asyncio.QueueFull:
                    _end(queue, "this client fell too far behind; re-read and subscribe again")

    def _name(self, wire: str) -> str:
        return wire.removeprefix(f"{self.prefix}:") if self.prefix else wire

    def _end_all(self, reason: str) -> None:
        for queue in {q for members in self._queues.values() for q in members}:
            _end(queue, reason)


def _end(queue: asyncio.Queue[Event | _End], reason: str) -> None:
    while not queue.empty():
        queue.get_nowait()
    queue.put_nowait(_End(reason))
