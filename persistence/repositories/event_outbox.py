"""Live events staged with their change; relayed at once, or later by any process."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from persistence.models import EventOutboxRow

#: Built once: SQLAlchemy sends the rows of one call as one multi-row INSERT.
_STAGE = insert(cast(Table, EventOutboxRow.__table__))


class EventOutboxRepository:
    def __init__(self, session: AsyncSession, *, skip_locked: bool) -> None:
        self._session = session
        self._skip_locked = skip_locked

    async def stage(self, rows: Sequence[EventOutboxRow]) -> None:
        """In the caller's transaction: the events exist only if the change commits. One
        INSERT without RETURNING (nothing reads the row ids), not the ORM's flush."""
        if rows:
            await self._session.execute(_STAGE, [_values(r) for r in rows])

    async def any_before(self, before: datetime) -> bool:
        """A cheap read first, so idle processes never take a lock (SQLite has one)."""
        query = select(EventOutboxRow.id).where(EventOutboxRow.created_at < before).limit(1)
        return (await self._session.execute(query)).first() is not None

    async def left_behind(self, before: datetime, batch: int) -> Sequence[EventOutboxRow]:
        """Events committed before `before` and still not relayed (their process died,
        or the feed was away), oldest first; on PostgreSQL locked for this transaction
        and skipped by any other process looking at the same time."""
        query = (
            select(EventOutboxRow)
            .where(EventOutboxRow.created_at < before)
            .order_by(EventOutboxRow.created_at, EventOutboxRow.id)
            .limit(batch)
        )
        if self._skip_locked:
            query = query.with_for_update(skip_locked=True)
        return (await self._session.execute(query)).scalars().all()

    async def forget(self, event_ids: Sequence[str]) -> None:
        """Relayed: the feeds' history holds them now. Named by their event ids, which
        are never reused (SQLite reuses row ids once a table is empty)."""
        if event_ids:
            gone = delete(EventOutboxRow).where(EventOutboxRow.event_id.in_(event_ids))
            await self._session.execute(gone)


def _values(row: EventOutboxRow) -> dict[str, Any]:
    return {
        "event_id": row.event_id,
        "channels": row.channels,
        "body": row.body,
        "created_at": row.created_at,
    }
