"""Shared live feeds: one subscription's events computed once for many sockets.

When thousands of portals watch one practitioner's slots with the same document and
variables, each event would otherwise be resolved, checked and serialised once per
socket. Here the sockets whose subscribe message names the same (document, variables,
operation name, audience) join one feed: the feed runs the subscription once, as the
audience (`domain.policy.live_audience`: only fields that read the same for everyone,
run as an anonymous visitor), and hands every member the same serialised payload; each
socket only wraps it in its own operation id.

Per socket this costs one bounded queue and the task that writes it to the socket; a
socket whose queue is full (it does not read) is ended like a slow hub subscriber, so
one stalled client never holds the others back. A feed ends when its last member
leaves. Anything the shared run cannot answer alike for all (an error before execution:
a malformed or too costly document) is handed back to each socket to run as its own.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from graphql import FieldNode, GraphQLError, OperationDefinitionNode, OperationType, parse
from strawberry.schema import BaseSchema
from strawberry.types.execution import ExecutionResult, PreExecutionError

from domain.actors import Actor
from domain.policy import live_audience
from subscriptions.hub import TOO_SLOW_REASON, on_listening

log = logging.getLogger(__name__)

#: Events a member may have waiting before it counts as too slow.
MEMBER_QUEUE = 64


@dataclass(frozen=True)
class FeedKey:
    query: str
    variables: str
    operation_name: str | None
    audience: str


class RunAlone:
    """The shared run cannot answer this operation alike for all: run it per socket."""


@dataclass(frozen=True)
class Next:
    """An event's `next` payload, serialised once."""

    payload: str


@dataclass(frozen=True)
class Done:
    """The feed ended; `error` when it ended because this member fell behind."""

    error: str | None = None


Item = Next | Done | RunAlone


class Member:
    __slots__ = ("queue",)

    def __init__(self) -> None:
        self.queue: asyncio.Queue[Item] = asyncio.Queue(maxsize=MEMBER_QUEUE + 1)

    def offer(self, item: Item) -> None:
        if self.queue.qsize() >= MEMBER_QUEUE and not isinstance(item, Done):
            item = Done(TOO_SLOW_REASON)
        if isinstance(item, RunAlone) or (isinstance(item, Done) and item.error):
            # Ended for falling behind (or handed back): what is queued is dropped. A
            # feed that simply ends keeps its last events, which come before its end.
            while not self.queue.empty():
                self.queue.get_nowait()
        self.queue.put_nowait(item)

    async def items(self) -> AsyncIterator[Item]:
        while True:
            item = await self.queue.get()
            yield item
            if not isinstance(item, Next):
                return


class Feed:
    def __init__(self, feeds: SharedFeeds, key: FeedKey) -> None:
        self.key = key
        self.members: set[Member] = set()
        self.live = False
        self._feeds = feeds
        self.task = asyncio.create_task(self._run(), name="shared-feed")

    def add(self, member: Member) -> None:
        self.members.add(member)
        if self.live:
            self._feeds.counted += 1

    def _on_listening(self) -> None:
        """The feed's subscription is subscribed at the broadcaster: every member (but
        the first, which the hub counted) now hears what is published."""
        self.live = True
        self._feeds.counted += len(self.members) - 1

    def _send(self, item: Item) -> None:
        for member in list(self.members):
            member.offer(item)

    async def _run(self) -> None:
        on_listening.set(self._on_listening)
        try:
            stream = await self._feeds.schema.stream(
                self.key.query,
                variable_values=json.loads(self.key.variables),
                context_value=self._feeds.make_context(),
                operation_name=self.key.operation_name,
            )
            first = True
            async with contextlib.aclosing(stream):
                async for result in stream:
                    if not isinstance(result, ExecutionResult) or (
                        first and isinstance(result, PreExecutionError)
                    ):
                        self._send(RunAlone())
                        return
                    first = False
                    self._send(Next(_payload(result)))
            self._send(Done())
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("A shared feed failed; its sockets run their subscriptions alone")
            self._send(RunAlone())
        finally:
            self._feeds.forget(self)


class SharedFeeds:
    """This process's shared feeds, by what their members asked for."""

    def __init__(self, schema: BaseSchema, make_context: Callable[[], Any]) -> None:
        self.schema = schema
        self.make_context = make_context
        self._feeds: dict[FeedKey, Feed] = {}
        #: Members beyond each feed's first, counted once the feed listens; only rises.
        self.counted = 0

    def key_for(
        self, query: object, variables: object, operation_name: object, actor: Actor | None
    ) -> FeedKey | None:
        return feed_key(query, variables, operation_name, actor)

    @contextlib.asynccontextmanager
    async def join(self, key: FeedKey) -> AsyncIterator[Member]:
        feed = self._feeds.get(key)
        if feed is None:
            feed = self._feeds[key] = Feed(self, key)
        member = Member()
        feed.add(member)
        try:
            yield member
        finally:
            feed.members.discard(member)
            if not feed.members:
                self.forget(feed)
                feed.task.cancel()

    def forget(self, feed: Feed) -> None:
        if self._feeds.get(feed.key) is feed:
            del self._feeds[feed.key]

    def members(self) -> int:
        """Sockets served by feeds beyond each feed's own subscription."""
        return sum(max(0, len(f.members) - 1) for f in self._feeds.values() if f.live)

    def __len__(self) -> int:
        return len(self._feeds)


def feed_key(
    query: object, variables: object, operation_name: object, actor: Actor | None
) -> FeedKey | None:
    """The feed an operation may join, or None when it must run for its socket alone:
    one root field only, which the policy says reads the same for this actor as for
    everyone (`live_audience`)."""
    if not isinstance(query, str) or not (variables is None or isinstance(variables, dict)):
        return None
    if operation_name is not None and not isinstance(operation_name, str):
        return None
    field = sole_subscription_field(query, operation_name)
    audience = live_audience(actor, field) if field else None
    if audience is None:
        return None
    try:
        encoded = json.dumps(variables or {}, sort_keys=True)
    except (TypeError, ValueError):
        return None
    return FeedKey(query, encoded, operation_name, audience)


@lru_cache(maxsize=256)
def sole_subscription_field(query: str, operation_name: str | None) -> str | None:
    """The one root field of a subscription document with nothing else in it (no
    fragments, aliases or directives at the root), or None."""
    try:
        document = parse(query, max_tokens=2000)
    except GraphQLError:
        return None
    if len(document.definitions) != 1:
        return None
    operation = document.definitions[0]
    if not isinstance(operation, OperationDefinitionNode):
        return None
    if operation.operation is not OperationType.SUBSCRIPTION or operation.directives:
        return None
    if operation_name is not None and (
        operation.name is None or operation.name.value != operation_name
    ):
        return None
    selections = operation.selection_set.selections
    if len(selections) != 1:
        return None
    root = selections[0]
    if not isinstance(root, FieldNode) or root.alias is not None or root.directives:
        return None
    if any(argument.name.value == "since" for argument in root.arguments or ()):
        return None  # a resuming subscriber replays its own history first
    return root.name.value


def _payload(result: ExecutionResult) -> str:
    payload: dict[str, object] = {"data": result.data}
    if result.errors:
        payload["errors"] = [error.formatted for error in result.errors]
    if result.extensions:
        payload["extensions"] = result.extensions
    return json.dumps(payload)
