"""Relay-style connections: a page of a list with a cursor per item, `pageInfo`, and the
whole list's `totalCount` when asked for.

`Connection[Patient]` is served as `PatientConnection` with `PatientEdge`s; every
connection field takes the same four paging arguments (`PAGING`). Cursors and the
checks of the arguments are `domain.paging`'s; the cost estimate multiplies what a
connection's `edges` select by `first` or `last` (`schema.guards.cost_table`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any, Generic, TypeVar

import strawberry

from domain.paging import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, Page, PageArguments
from schema.core.context import Info

T = TypeVar("T")


@strawberry.type(description="Where a page lies in its list.")
class PageInfo:
    has_next_page: bool = strawberry.field(
        description="True when items follow this page: ask again with after: endCursor."
    )
    has_previous_page: bool = strawberry.field(
        description="True when items come before this page: ask again with before: startCursor."
    )
    start_cursor: str | None = strawberry.field(
        description="The cursor of the page's first item; null for an empty page."
    )
    end_cursor: str | None = strawberry.field(
        description="The cursor of the page's last item; null for an empty page."
    )


@strawberry.type(description="An item of a list and its place in it.")
class Edge(Generic[T]):
    cursor: str = strawberry.field(
        description="Opaque: pass it as after or before to page on from this item."
    )
    node: T = strawberry.field(description="The item.")


@strawberry.type(
    description="A page of a list (Relay connection): pass pageInfo.endCursor as after for "
    "the next page, at most 100 items at a time."
)
class Connection(Generic[T]):
    edges: list[Edge[T]] = strawberry.field(description="This page's items, in the list's order.")
    page_info: PageInfo = strawberry.field(
        description="Whether more pages follow or come before, and the cursors to reach them."
    )
    counter: strawberry.Private[Callable[[], Awaitable[int]]]

    @strawberry.field(
        description="How many items the whole list holds now (counted only when asked for)."
    )
    async def total_count(self) -> int:
        return await self.counter()

    @classmethod
    def of(cls, page: Page[T], counter: Callable[[], Awaitable[int]]) -> Connection[T]:
        edges = [
            Edge(cursor=cursor, node=node)
            for cursor, node in zip(page.cursors, page.items, strict=True)
        ]
        return cls(
            edges=edges,
            page_info=PageInfo(
                has_next_page=page.has_next,
                has_previous_page=page.has_previous,
                start_cursor=page.cursors[0] if page.cursors else None,
                end_cursor=page.cursors[-1] if page.cursors else None,
            ),
            counter=counter,
        )


First = Annotated[
    int | None,
    strawberry.argument(
        description=f"Items from the front (after `after`), 0 to {MAX_PAGE_SIZE}; "
        f"{DEFAULT_PAGE_SIZE} when neither first nor last is given."
    ),
]
After = Annotated[
    str | None, strawberry.argument(description="Start after the item with this cursor.")
]
Last = Annotated[
    int | None,
    strawberry.argument(
        description=f"Items from the back (before `before`), 0 to {MAX_PAGE_SIZE}."
    ),
]
Before = Annotated[
    str | None, strawberry.argument(description="End before the item with this cursor.")
]


def paging(
    first: int | None, after: str | None, last: int | None, before: str | None
) -> PageArguments:
    return PageArguments(first=first, after=after, last=last, before=before)


async def pages(
    info: Info,
    read_page: Callable[..., Awaitable[Page[Any]]],
    count: Callable[..., Awaitable[int]],
    convert: Callable[[Any], T],
    arguments: PageArguments,
    **given: Any,
) -> Connection[T]:
    """A connection field's whole body: the caller's page from `read_page(deps, actor,
    page=…, **given)`, converted, with `count(deps, actor, **given)` run only when
    `totalCount` is asked for."""
    deps, actor = info.context.deps, info.context.actor
    page = await read_page(deps, actor, page=arguments, **given)
    return Connection.of(page.converted(convert), lambda: count(deps, actor, **given))
