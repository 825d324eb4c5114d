"""The hub: broadcaster's channel API with a bounded queue per subscriber.

broadcaster gives every subscriber an unbounded queue, so one stalled socket grows
without limit. Here each subscriber's queue holds at most `queue_size` events; a
subscriber that falls that far behind is ended with `SubscriptionEnded`, as is every
subscriber when the backend reports that messages may have been lost. The client then
resubscribes and re-reads state: pub/sub is best-effort, the database is the truth.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from urllib.parse import urlparse

from broadcaster import Broadcast, Event

from subscriptions.events import Event as PortalEvent
from subscriptions.redis_backend import INTERRUPTED, ReconnectingRedisBackend

log = logging.getLogger(__name__)


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
    def __init__(self, url: str, *, queue_size: int = 256) -> None:
        scheme = urlparse(url).scheme
        backend = ReconnectingRedisBackend(url) if scheme in ("redis", "rediss") else None
        super().__init__(url if backend is None else None, backend=backend)
        self.queue_size = queue_size
        self._queues: dict[str, set[asyncio.Queue[Event | _End]]] = {}
        self._membership = asyncio.Lock()
        self._subscribed: set[asyncio.Queue[Event | _End]] = set()
        #: Subscriptions that reached the backend since start; only ever rises.
        self.subscriptions_started = 0

    async def publish_events(self, events: Iterable[PortalEvent]) -> None:
        """Publish after commit. Best-effort: a failure is logged, never undoes the change."""
        for event in events:
            payload = event.to_json()
            for channel in event.channels():
                try:
                    await self.publish(channel, payload)
                except Exception:
                    log.exception("Could not publish %s on %s", type(event).__name__, channel)

    @contextlib.asynccontextmanager
    async def listen(self, channels: Iterable[str]) -> AsyncIterator[Subscriber]:
        """One bounded queue fed by every named channel.

        Joining and leaving take turns (`_membership`), so nobody joins a channel whose
        backend SUBSCRIBE is still under way, or that is being unsubscribed. The
        subscriber counts only once every channel is subscribed at the backend: from
        then on, anything published on them reaches it.
        """
        queue: asyncio.Queue[Event | _End] = asyncio.Queue(maxsize=self.queue_size)
        joined: list[str] = []
        async with self._membership:
            try:
                for channel in dict.fromkeys(channels):
                    members = self._queues.setdefault(channel, set())
                    members.add(queue)
                    joined.append(channel)
                    if len(members) == 1:
                        await self._backend.subscribe(channel)
            except BaseException as error:
                await self._leave(queue, joined)
                if not isinstance(error, Exception):
                    raise
                log.warning("Could not subscribe to %s: %s", joined[-1], error)
                raise SubscriptionEnded(
                    "live updates are unavailable for a moment; try again shortly"
                ) from None
        self._subscribed.add(queue)
        self.subscriptions_started += 1
        try:
            yield Subscriber(queue)
        finally:
            self._subscribed.discard(queue)
            async with self._membership:
                await self._leave(queue, joined)

    async def _leave(self, queue: asyncio.Queue[Event | _End], channels: list[str]) -> None:
        """Take the queue off its channels; the last one out unsubscribes the backend."""
        for channel in channels:
            members = self._queues.get(channel, set())
            members.discard(queue)
            if not members:
                self._queues.pop(channel, None)
                with contextlib.suppress(Exception):
                    await self._backend.unsubscribe(channel)

    def subscriber_count(self) -> int:
        """Live subscribers, each subscribed at the backend on all of its channels."""
        return len(self._subscribed)

    async def _listener(self) -> None:
        while True:
            event = await self._backend.next_published()
            if event.channel == INTERRUPTED:
                self._end_all("live updates were interrupted; re-read and subscribe again")
                continue
            for queue in list(self._queues.get(event.channel, ())):
                try:
                    queue.put_nowait(event)
                except asyncio.QueueFull:
                    _end(queue, "this client fell too far behind; re-read and subscribe again")

    def _end_all(self, reason: str) -> None:
        for queue in {q for members in self._queues.values() for q in members}:
            _end(queue, reason)


def _end(queue: asyncio.Queue[Event | _End], reason: str) -> None:
    while not queue.empty():
        queue.get_nowait()
    queue.put_nowait(_End(reason))
