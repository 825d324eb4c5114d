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

from broadcaster import Broadcast

from subscriptions.events import Event as PortalEvent
from subscriptions.history import (
    REPLAY_READ_LIMIT,
    Entry,
    History,
    MemoryHistory,
    Position,
    RedisHistory,
    Staged,
    cursor_for,
    position_of,
)
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


@dataclass(frozen=True)
class Delivered:
    """An event as a subscriber receives it: its channel, payload and cursor (where a
    subscriber that lost its socket resumes from)."""

    channel: str
    message: str
    cursor: str | None = None
    position: Position | None = None


class SubscriptionEnded(Exception):
    """The live stream stopped; resubscribe and re-read what you show."""


@dataclass(frozen=True)
class _End:
    reason: str


class _Inbox:
    """One subscription's bounded queue; on several channels, also the ids it has had."""

    def __init__(self, size: int, *, several_channels: bool) -> None:
        self.queue: asyncio.Queue[Delivered | _End] = asyncio.Queue(maxsize=size)
        self._recent: dict[str, None] | None = {} if several_channels else None

    def offer(self, event_id: str | None, event: Delivered) -> None:
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
    """What a subscriber receives, in order: first what it missed since its cursor, then
    live events, none twice (a live event at or before what it has had is skipped).
    `resync_required` says the history no longer reached back to its cursor."""

    def __init__(
        self,
        queue: asyncio.Queue[Delivered | _End],
        replay: list[Delivered] | None = None,
        since: Position | None = None,
    ) -> None:
        self._queue = queue
        self.resync_required = replay is None and since is not None
        self._replay = replay or []
        self._seen = since

    def __aiter__(self) -> AsyncIterator[Delivered]:
        return self

    async def __anext__(self) -> Delivered:
        if self._replay:
            item = self._replay.pop(0)
            self._seen = item.position
            return item
        while True:
            live = await self._queue.get()
            if isinstance(live, _End):
                raise SubscriptionEnded(live.reason)
            seen = self._seen
            if seen is None or live.position is None or live.position > seen:
                return live


class Hub(Broadcast):
    """Set `prefix` before `connect()`; every process of one deployment must use the same."""

    def __init__(
        self,
        url: str,
        *,
        queue_size: int = 256,
        prefix: str = "",
        history_minutes: float = 15,
        history_count: int = 10_000,
        replay_read_limit: int = REPLAY_READ_LIMIT,
    ) -> None:
        scheme = urlparse(url).scheme
        backend = ReconnectingRedisBackend(url) if scheme in ("redis", "rediss") else None
        super().__init__(url if backend is None else None, backend=backend)
        self.queue_size = queue_size
        self.prefix = prefix
        self.history_minutes = history_minutes
        self.history_count = history_count
        self.replay_read_limit = replay_read_limit
        self._history: History | None = None
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

    @property
    def uses_redis(self) -> bool:
        return isinstance(self._backend, ReconnectingRedisBackend)

    async def ping(self) -> None:
        """Raise unless the broadcaster answers: on Redis, a PING, with the connection
        this process listens on up."""
        backend = self._backend
        if isinstance(backend, ReconnectingRedisBackend):
            await backend.once_more_if_stale(backend.publisher.ping)
            if not backend.connected:
                raise ConnectionError("not listening to Redis")

    @property
    def deployment(self) -> str:
        """What a cursor names its deployment by."""
        return self.prefix or "local"

    @property
    def history(self) -> History:
        """The feeds' history, made once the prefix is known (after `connect()`)."""
        if self._history is None:
            backend = self._backend
            minutes, count = self.history_minutes, self.history_count
            self._history = (
                RedisHistory(backend, self.prefix, minutes=minutes, count=count)
                if isinstance(backend, ReconnectingRedisBackend)
                else MemoryHistory(backend.publish, minutes=minutes, count=count)
            )
        return self._history

    async def publish_events(self, events: Iterable[PortalEvent]) -> bool:
        """Relay events that were not staged in a transaction (each with a fresh id)."""
        return await self.relay(
            [Staged(_new_id(), tuple(e.channels()), e.to_json()) for e in events]
        )

    async def relay(self, events: list[Staged]) -> bool:
        """Append each committed event to the history and publish it, exactly once per
        deployment (an event relayed before, by any process, is skipped). True when done.

        A failure never undoes the change: it is logged, this process's subscribers of
        those channels are ended as interrupted (they resume from their cursor), and the
        event stays staged for the next relay.
        """
        if not events:
            return True
        wired = [
            Staged(e.event_id, tuple(self.wire_channel(c) for c in e.channels), e.body)
            for e in events
        ]
        try:
            await self.history.relay(wired)
        except Exception:
            log.exception("Could not relay %d live events; they stay staged", len(wired))
            for wire in {c for e in wired for c in e.channels}:
                for inbox in list(self._queues.get(wire, ())):
                    inbox.end(INTERRUPTED_REASON)
            return False
        return True

    async def _missed(self, names: list[str], since: Position) -> list[Delivered] | None:
        """What was relayed on `names` after `since`; None when the history lost it."""
        entries = await self.history.after(since, set(names), read_at_most=self.replay_read_limit)
        if entries is None:
            return None
        return [self._delivered(entry, names) for entry in entries]

    def _delivered(self, entry: Entry, names: list[str]) -> Delivered:
        channel = next(c for c in entry.channels if c in names)
        return Delivered(
            self._name(channel),
            entry.body,
            cursor_for(self.deployment, entry.position),
            entry.position,
        )

    @contextlib.asynccontextmanager
    async def listen(
        self, channels: Iterable[str], *, since: Position | None = None
    ) -> AsyncIterator[Subscriber]:
        """One bounded queue fed by every named channel, each event once; with `since`,
        first every event after it (or RESYNC), then live ones without a gap.

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
            # Listening already: anything relayed from here on is queued, and whatever
            # the history also returns is skipped when it arrives live.
            replay = None if since is None else await self._missed(names, since)
            yield Subscriber(inbox.queue, replay, since)
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
            delivered = self._live(event.channel, event_id, body)
            for inbox in list(self._queues.get(event.channel, ())):
                inbox.offer(event_id, delivered)

    def _live(self, wire: str, event_id: str | None, body: str) -> Delivered:
        """A published message; one relayed from the history carries its position."""
        try:
            position = position_of(event_id or "")
        except ValueError:
            return Delivered(self._name(wire), body)
        return Delivered(self._name(wire), body, cursor_for(self.deployment, position), position)

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
