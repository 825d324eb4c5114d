"""The live feeds' history: every relayed event once, in order, for a while.

Each event a committed change caused is relayed exactly once per deployment, whichever
process relays it (the one that committed it, at once, or any other that finds it left
behind): relaying appends it to the history and publishes it on its channels, and an
event already relayed (by its `event_id`) is skipped. On Redis that is one Lua script
(`SET NX` on the event's id, `XADD` to a stream under the deployment's prefix, `PUBLISH`
on each channel), so two processes relaying the same event cannot both do it. On the
embedded default the same lives in this process's memory.

The history keeps at least the last `minutes`, and nothing is trimmed while it holds
fewer than `count` entries. A subscriber that names the last entry it saw (its cursor)
gets every later one on its channels, or is told the history no longer reaches back
(`None`): trimmed, another Redis, another deployment's cursor.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections import OrderedDict, deque
from dataclasses import dataclass
from typing import Any, Protocol

from redis.exceptions import NoScriptError

from subscriptions.redis_backend import ReconnectingRedisBackend

#: An entry's place in the history: Redis stream ids, milliseconds and a sequence.
Position = tuple[int, int]

_POSITION = re.compile(r"^(\d{1,15})-(\d{1,9})$")
_CURSOR = re.compile(r"^([0-9a-z]{1,16})\.(\d{1,15}-\d{1,9})$")
#: How long a relayed event's id is remembered (far beyond the few seconds after which
#: another process relays what a dead one left behind).
RELAYED_IDS_SECONDS = 3600
#: The most entries the history keeps, whatever its minutes say (a bound on memory).
HARD_CAP = 1_000_000
READ_PAGE = 1000
#: The most history entries (on any channel) one resuming subscriber may have read: a
#: subscriber away for longer is told to re-read, so a resubscribe costs a bounded read.
REPLAY_READ_LIMIT = 20_000


class MalformedCursor(ValueError):
    """Not a cursor this API gave out."""


@dataclass(frozen=True)
class Staged:
    """An event to relay: its id, its channels (as on the wire) and its payload."""

    event_id: str
    channels: tuple[str, ...]
    body: str


@dataclass(frozen=True)
class Entry:
    position: Position
    channels: tuple[str, ...]
    body: str


def position_of(text: str) -> Position:
    found = _POSITION.match(text)
    if not found:
        raise MalformedCursor(text)
    return int(found.group(1)), int(found.group(2))


def stream_id(position: Position) -> str:
    return f"{position[0]}-{position[1]}"


def cursor_for(deployment: str, position: Position) -> str:
    """The cursor a subscriber is given: opaque to it, read back by `read_cursor`."""
    return f"{deployment}.{stream_id(position)}"


def read_cursor(cursor: str, deployment: str) -> Position | None:
    """The position a cursor names in this deployment's history; None for another
    deployment's; `MalformedCursor` for anything this API never gave out."""
    found = _CURSOR.match(cursor)
    if not found:
        raise MalformedCursor(cursor)
    position = position_of(found.group(2))
    return position if found.group(1) == deployment else None


class History(Protocol):
    async def relay(self, events: list[Staged]) -> list[Position | None]:
        """Append and publish each event not relayed before; its position, or None."""
        ...

    async def after(
        self, since: Position, channels: set[str], *, read_at_most: int
    ) -> list[Entry] | None:
        """Entries after `since` on any of `channels`, oldest first; None when the
        history no longer holds `since`, or more than `read_at_most` entries (on any
        channel) follow it."""
        ...


#: KEYS: the stream. ARGV: the relayed-id key prefix, their ttl, whether to trim, the
#: count kept untrimmed, the oldest id the minutes keep, the hard cap; then for each
#: event its id, its channels (space-separated) and its payload. Answers each event's
#: stream id, or false for one relayed before.
RELAY_SCRIPT = """
local stream = KEYS[1]
local answers = {}
for i = 7, #ARGV, 3 do
  local id = false
  if redis.call('SET', ARGV[1] .. ARGV[i], '1', 'NX', 'EX', ARGV[2]) then
    id = redis.call('XADD', stream, 'MAXLEN', '~', ARGV[6], '*', 'c', ARGV[i + 1], 'b', ARGV[i + 2])
    for channel in string.gmatch(ARGV[i + 1], '%S+') do
      redis.call('PUBLISH', channel, id .. '\\n' .. ARGV[i + 2])
    end
  end
  answers[#answers + 1] = id
end
if ARGV[3] == '1' and redis.call('XLEN', stream) > tonumber(ARGV[4]) then
  redis.call('XTRIM', stream, 'MINID', '~', ARGV[5])
end
return answers
"""
#: The history is trimmed on every this many relays (trimming is the script's dearest part).
TRIM_EVERY = 64


class RedisHistory:
    """The history as a Redis stream under the deployment's prefix."""

    def __init__(
        self, backend: ReconnectingRedisBackend, prefix: str, *, minutes: float, count: int
    ) -> None:
        self._backend = backend
        self._client: Any = backend.publisher
        self._stream = f"{prefix}:portal.events" if prefix else "portal.events"
        self._relayed = f"{prefix}:portal.relayed:" if prefix else "portal.relayed:"
        self._minutes = minutes
        self._count = count
        self._sha = hashlib.sha1(RELAY_SCRIPT.encode()).hexdigest()
        self._relays = 0

    async def relay(self, events: list[Staged]) -> list[Position | None]:
        """One script call for all the events, by its digest (redis-py's script objects
        ask `SCRIPT EXISTS` first on every pipeline), loaded once when Redis lacks it."""
        self._relays += 1
        trim = "1" if self._relays % TRIM_EVERY == 1 else "0"
        oldest = f"{int((time.time() - self._minutes * 60) * 1000)}-0"
        head = [self._relayed, RELAYED_IDS_SECONDS, trim, self._count, oldest, HARD_CAP]
        tail = [part for e in events for part in (e.event_id, " ".join(e.channels), e.body)]
        try:
            answers = await self._call(head, tail)
        except NoScriptError:
            await self._client.script_load(RELAY_SCRIPT)
            answers = await self._call(head, tail)
        return [position_of(_text(a)) if a else None for a in answers]

    async def _call(self, head: list[Any], tail: list[str]) -> list[Any]:
        """Retried once on a fresh connection after a Redis restart, as publishing is
        (an event the first try did relay is skipped by its id)."""
        answers = await self._backend.once_more_if_stale(
            lambda: self._client.evalsha(self._sha, 1, self._stream, *head, *tail)
        )
        return list(answers)

    async def after(
        self, since: Position, channels: set[str], *, read_at_most: int
    ) -> list[Entry] | None:
        start = stream_id(since)
        if not await self._client.xrange(self._stream, start, start, count=1):
            return None
        found: list[Entry] = []
        read = 0
        while read <= read_at_most:
            size = min(READ_PAGE, read_at_most + 1 - read)
            page = await self._client.xrange(self._stream, f"({start}", "+", count=size)
            read += len(page)
            for raw_id, fields in page:
                entry = _entry(raw_id, fields)
                if channels.intersection(entry.channels):
                    found.append(entry)
            if len(page) < size:
                return found
            start = stream_id(position_of(_text(page[-1][0])))
        return None


class MemoryHistory:
    """The same in this process, for the embedded default (one process)."""

    def __init__(self, publish: Any, *, minutes: float, count: int) -> None:
        self._publish = publish
        self._minutes = minutes
        self._count = count
        self._entries: deque[tuple[float, Entry]] = deque()
        self._relayed: OrderedDict[str, float] = OrderedDict()
        self._last: Position = (0, 0)

    async def relay(self, events: list[Staged]) -> list[Position | None]:
        positions: list[Position | None] = []
        for event in events:
            now = time.time()
            if event.event_id in self._relayed:
                positions.append(None)
                continue
            self._relayed[event.event_id] = now
            position = self._next_position(now)
            self._entries.append((now, Entry(position, event.channels, event.body)))
            for channel in event.channels:
                await self._publish(channel, f"{stream_id(position)}\n{event.body}")
            positions.append(position)
        self._trim(time.time())
        return positions

    async def after(
        self, since: Position, channels: set[str], *, read_at_most: int
    ) -> list[Entry] | None:
        if not any(entry.position == since for _, entry in self._entries):
            return None
        later = [entry for _, entry in self._entries if entry.position > since]
        if len(later) > read_at_most:
            return None
        return [entry for entry in later if channels.intersection(entry.channels)]

    def _next_position(self, now: float) -> Position:
        millis = int(now * 1000)
        self._last = (millis, 0) if millis > self._last[0] else (self._last[0], self._last[1] + 1)
        return self._last

    def _trim(self, now: float) -> None:
        oldest = now - self._minutes * 60
        while len(self._entries) > self._count and self._entries[0][0] < oldest:
            self._entries.popleft()
        while self._relayed and next(iter(self._relayed.values())) < now - RELAYED_IDS_SECONDS:
            self._relayed.popitem(last=False)


def _entry(raw_id: bytes | str, fields: dict[Any, Any]) -> Entry:
    values = {_text(k): _text(v) for k, v in fields.items()}
    return Entry(position_of(_text(raw_id)), tuple(values["c"].split()), values["b"])


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
