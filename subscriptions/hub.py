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
* Every published message carries an id, so a subscription listening on several
  channels receives an event published on more than one of them once.

The client then resubscribes and re-reads state: pub/sub is best-effort, the database is
the truth.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import secrets
from collections.abc import AsyncIterator, Callable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

from broadcaster import Broadcast, Event

from subscriptions.events import Event as PortalEvent
from subscriptions.redis_backend import INTERRUPTED, ReconnectingRedisBackend

log = logging.getLogger(__name__)

INTERRUPTED_REASON = "live updates were interrupted; re-read and subscribe again"
TOO_SLOW_REASON = "this client fell too far behind; re-read and subscribe again"

#: How many recent event ids a subscription on several channels remembers. The copies of
#: one event are published back to back, so only events published in between (on this
#: one user's few channels) can separate them.
RECENT_IDS = 64


#: Called (in the listening task's context) once a `listen` is subscribed at the backend:
#: a shared feed learns when it, and so each of its members, will hear what is published.
on_listening: ContextVar[Callable[[], None] | None] = ContextVar("on_listening", default=None)


def prefix_for(identity: str) -> str:
    """A short, stable channel prefix for whatever identifies a deployment's database."""
    return hashlib.sha256(identity.encode()).hexdigest()[:12]


class SubscriptionEnded(Exception):
    """The live stream stopped; resubscribe and re-read what you show."""


@dataclass(frozen=True)
class _End:
    reason: str


class _Inbox:
    """One subscription's bounded queue; on several channels, also the ids it has had."""

    def __init__(self, size: int, *, several_channels: bool) -> None:
        self.queue: asyncio.Queue[Event | _End] = asyncio.Queue(maxsize=size)
        self._recent: dict[str, None] | None = {} if several_channels else None

    def offer(self, event_id: str | None, event: Event) -> None:
        if not self._first_time(event_id):
            return
        try:
            self.queue.put_nowait(event)
        except asyncio.QueueFull:
            self.end(TOO_SLOW_REASON)

    def end(self, reason: str) -> None:
        while not self.queue.empty():
            self.queue.get_nowait()
        self.queue.put_nowait(_End(reason))

    def _first_time(self, event_id: str | None) -> bool:
        if self._recent is None or event_id is None:
            return True
        if event_id in self._recent:
            return False
        self._recent[event_id] = None
        if len(self._recent) > RECENT_IDS:
            del self._recent[next(iter(self._recent))]
        return True


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
        self._queues: dict[str, set[_Inbox]] = {}
        self._membership = asyncio.Lock()
        self._subscribed: set[_Inbox] = set()
        #: Subscriptions that reached the backend since start; only ever rises.
        self.subscriptions_started = 0

    def wire_channel(self, channel: str) -> str:
        """The channel's name on the wire: this deployment's prefix, then the name."""
        return f"{self.prefix}:{channel}" if self.prefix else channel

    async def publish(self, channel: str, message: Any) -> None:
        """Publish one message on this deployment's channel; raises when that fails."""
        await self._backend.publish(self.wire_channel(channel), _seal(_new_id(), str(message)))

    async def publish_events(self, events: Iterable[PortalEvent]) -> None:
        """Publish after commit, each event with one id on all its channels; on Redis in
        one round trip.

        A failure never undoes the change: it is logged, and this process's subscribers
        of those channels are ended as interrupted, so none of them silently misses it.
        """
        stamped = [(event, _seal(_new_id(), event.to_json())) for event in events]
        messages = [
            (self.wire_channel(channel), message, event)
            for event, message in stamped
            for channel in event.channels()
        ]
        backend = self._backend
        # Redis takes them all in one pipeline; the in-memory backend one at a time.
        pipelined = isinstance(backend, ReconnectingRedisBackend)
        for batch in [messages] if pipelined else [[m] for m in messages]:
            try:
                if isinstance(backend, ReconnectingRedisBackend):
                    await backend.publish_many([(wire, m) for wire, m, _ in batch])
                else:
                    await backend.publish(batch[0][0], batch[0][1])
            except Exception:
                for wire, _, event in batch:
                    log.exception("Could not publish %s on %s", type(event).__name__, wire)
                    for inbox in list(self._queues.get(wire, ())):
                        inbox.end(INTERRUPTED_REASON)

    @contextlib.asynccontextmanager
    async def listen(self, channels: Iterable[str]) -> AsyncIterator[Subscriber]:
        """One bounded queue fed by every named channel, each event once.

        Joining and leaving take turns (`_membership`), so nobody joins a channel whose
        backend SUBSCRIBE is still under way, or that is being unsubscribed. The
        subscriber counts only once every channel is subscribed at the backend: from
        then on, anything published on them reaches it.
        """
        names = [self.wire_channel(c) for c in dict.fromkeys(channels)]
        inbox = _Inbox(self.queue_size, several_channels=len(names) > 1)
        joined: list[str] = []
        async with self._membership:
            try:
                for name in names:
                    members = self._queues.setdefault(name, set())
                    members.add(inbox)
                    joined.append(name)
                    if len(members) == 1:
                        await self._backend.subscribe(name)
            except BaseException as error:
                await self._leave(inbox, joined)
                if not isinstance(error, Exception):
                    raise
                log.warning("Could not subscribe to %s: %s", joined[-1], error)
                raise SubscriptionEnded(
                    "live updates are unavailable for a moment; try again shortly"
                ) from None
        self._subscribed.add(inbox)
        self.subscriptions_started += 1
        if (listening := on_listening.get()) is not None:
            listening()
        try:
            yield Subscriber(inbox.queue)
        finally:
            self._subscribed.discard(inbox)
            async with self._membership:
                await self._leave(inbox, joined)

    async def _leave(self, inbox: _Inbox, names: list[str]) -> None:
        """Take the inbox off its channels; the last one out unsubscribes the backend."""
        for name in names:
            members = self._queues.get(name, set())
            members.discard(inbox)
            if not members:
                self._queues.pop(name, None)
                with contextlib.suppress(Exception):
                    await self._backend.unsubscribe(name)

    def subscriber_count(self) -> int:
        """Live subscribers, each subscribed at the backend on all of its channels."""
        return len(self._subscribed)

    async def _listener(self) -> None:
        while True:
            event = await self._backend.next_published()
            if event.channel == INTERRUPTED:
                self._end_all(INTERRUPTED_REASON)
                continue
            event_id, body = _open(event.message)
            delivered = Event(self._name(event.channel), body)
            for inbox in list(self._queues.get(event.channel, ())):
                inbox.offer(event_id, delivered)

    def _name(self, wire: str) -> str:
        return wire.removeprefix(f"{self.prefix}:") if self.prefix else wire

    def _end_all(self, reason: str) -> None:
        for inbox in {i for members in self._queues.values() for i in members}:
            inbox.end(reason)


def _new_id() -> str:
    return secrets.token_hex(8)


def _seal(event_id: str, body: str) -> str:
    """The message on the wire: the event's id, a newline, then the payload."""
    return f"{event_id}\n{body}"


def _open(message: str) -> tuple[str | None, str]:
    event_id, newline, body = message.partition("\n")
    return (event_id, body) if newline else (None, message)
