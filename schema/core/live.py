"""Subscriptions that resume: the `since` argument, the `cursor` on each payload, and
the RESYNC_REQUIRED message."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Annotated, TypeVar, cast

import strawberry
from graphql import GraphQLError

from resolvers.live.resume import Live, ResyncRequired

T = TypeVar("T")
R = TypeVar("R")

RESYNC_REQUIRED = "RESYNC_REQUIRED"
RESYNC_MESSAGE = (
    "The live history no longer reaches back to `since`: re-read what you show; live events follow."
)

Since = Annotated[
    str | None,
    strawberry.argument(
        description="The `cursor` of the last event you received (after a lost socket): every later event you may see is sent first, in order, then live ones, none twice. When the history no longer reaches back that far (it keeps at least 15 minutes), the first message is an error coded RESYNC_REQUIRED: re-read, and keep listening."
    ),
]
CURSOR_DESCRIPTION = "Where this event stands in the live feed: pass it as `since` when you subscribe again after losing the socket. Null on a query."


async def resumable(
    items: AsyncIterator[Live[T] | ResyncRequired],
    convert: Callable[[T, str | None], Awaitable[R]],
) -> AsyncIterator[R]:
    """Each event converted for the schema with its cursor; a RESYNC as an error in its
    own message (graphql-core answers a yielded error as that event's error, and the
    subscription goes on)."""
    async for item in items:
        if isinstance(item, ResyncRequired):
            yield cast(R, GraphQLError(RESYNC_MESSAGE, extensions={"code": RESYNC_REQUIRED}))
            continue
        yield await convert(item.value, item.cursor)
