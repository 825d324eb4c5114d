"""Keyset paging: one page of a query in a stable order, read with a row-value comparison
against the position a cursor marks, never with OFFSET (which skips or repeats items
when rows are added or removed between pages, and reads every row it skips)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, bindparam, func, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from domain.paging import Order, Page, PageRequest, Value, encode_cursor


async def read_page(
    session: AsyncSession,
    query: Select[Any],
    keys: Sequence[Any],
    order: Order,
    request: PageRequest,
) -> Page[Any]:
    """The page `request` asks for of `query` (filtered, not yet ordered), ordered by
    `keys` (the id last) ascending, or descending when `order.descending`."""
    bounded = query
    if request.after is not None:
        bounded = bounded.where(_beyond(keys, request.after, forward=not order.descending))
    if request.before is not None:
        bounded = bounded.where(_beyond(keys, request.before, forward=order.descending))
    # Read from the front, or from the back when `last` was given, one item more than the
    # page holds to learn whether more lie that way.
    backwards = request.from_end != order.descending
    ordered = bounded.order_by(*[k.desc() if backwards else k.asc() for k in keys])
    rows: list[Any] = list((await session.scalars(ordered.limit(request.size + 1))).all())
    more = len(rows) > request.size
    rows = rows[: request.size]
    if request.from_end:
        rows.reverse()
        has_previous = more
        has_next = request.before is not None and await _any(
            session, query, _beyond(keys, request.before, forward=not order.descending, at=True)
        )
    else:
        has_next = more
        has_previous = request.after is not None and await _any(
            session, query, _beyond(keys, request.after, forward=order.descending, at=True)
        )
    names = [str(k.key) for k in keys]
    cursors = [encode_cursor(order, [getattr(r, n) for n in names]) for r in rows]
    return Page(items=rows, cursors=cursors, has_previous=has_previous, has_next=has_next)


async def count(session: AsyncSession, query: Select[Any]) -> int:
    """How many rows the query selects."""
    counted = select(func.count()).select_from(query.order_by(None).subquery())
    return int((await session.execute(counted)).scalar_one())


def _beyond(
    keys: Sequence[Any],
    position: tuple[Value, ...],
    *,
    forward: bool,
    at: bool = False,
) -> ColumnElement[bool]:
    """Rows past `position` (after it when `forward`, else before it), or at it too."""
    values = tuple_(
        *[bindparam(None, v, type_=k.type) for k, v in zip(keys, position, strict=True)]
    )
    row = tuple_(*keys)
    if forward:
        return row >= values if at else row > values
    return row <= values if at else row < values


async def _any(session: AsyncSession, query: Select[Any], condition: ColumnElement[bool]) -> bool:
    return bool((await session.execute(select(query.where(condition).exists()))).scalar())
