"""The waitlist: entries in line, their offers, and the times they let go."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from domain.paging import WAITLIST, Page, PageRequest
from domain.waitlist import IN_LINE, EntryState
from persistence import keyset
from persistence.models import WaitlistEntryRow, WaitlistPassRow

_IN_LINE = sorted(s.value for s in IN_LINE)
#: Positions are spaced so a new entry goes last without renumbering the line.
SPACING = 1_000


def _in_line() -> Select[Any]:
    return select(WaitlistEntryRow).where(WaitlistEntryRow.state.in_(_IN_LINE))


class WaitlistRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def join(self, entry: WaitlistEntryRow) -> None:
        """Put `entry` last in line."""
        last = (
            await self._session.execute(select(func.max(WaitlistEntryRow.position)))
        ).scalar_one()
        entry.position = (last or 0) + SPACING
        self._session.add(entry)
        await self._session.flush()

    async def get(self, entry_id: int) -> WaitlistEntryRow | None:
        return await self._session.get(WaitlistEntryRow, entry_id)

    async def refresh(self, entry: WaitlistEntryRow) -> None:
        await self._session.refresh(entry)

    async def by_offer(self, offer_id: int) -> WaitlistEntryRow | None:
        query = select(WaitlistEntryRow).where(
            WaitlistEntryRow.offer_id == offer_id,
            WaitlistEntryRow.state == EntryState.OFFERED.value,
        )
        return (await self._session.execute(query)).scalar_one_or_none()

    async def count_in_line(self, user_id: int) -> int:
        query = select(func.count()).where(
            WaitlistEntryRow.user_id == user_id, WaitlistEntryRow.state.in_(_IN_LINE)
        )
        return int((await self._session.execute(query)).scalar_one())

    async def of_user(self, user_id: int) -> Sequence[WaitlistEntryRow]:
        """A user's entries in line, in line order."""
        query = _in_line().where(WaitlistEntryRow.user_id == user_id)
        query = query.order_by(WaitlistEntryRow.position, WaitlistEntryRow.id)
        return (await self._session.execute(query)).scalars().all()

    async def line(self, limit: int) -> Sequence[WaitlistEntryRow]:
        """The first `limit` entries in line, in order."""
        query = _in_line().order_by(WaitlistEntryRow.position, WaitlistEntryRow.id).limit(limit)
        return (await self._session.execute(query)).scalars().all()

    async def anyone_waiting(self) -> bool:
        query = select(WaitlistEntryRow.id).where(WaitlistEntryRow.state.in_(_IN_LINE)).limit(1)
        return (await self._session.execute(query)).first() is not None

    async def passes(self, entry_ids: Sequence[int]) -> Sequence[WaitlistPassRow]:
        query = select(WaitlistPassRow).where(WaitlistPassRow.entry_id.in_(list(entry_ids)))
        return (await self._session.execute(query)).scalars().all()

    async def claim(self, entry_id: int, offer_id: int) -> bool:
        """WAITING → OFFERED with this offer, only while still waiting and while its user
        holds no other offer (the unique index); False when either fails."""
        statement = (
            update(WaitlistEntryRow)
            .where(
                WaitlistEntryRow.id == entry_id,
                WaitlistEntryRow.state == EntryState.WAITING.value,
            )
            .values(state=EntryState.OFFERED.value, offer_id=offer_id)
            .execution_options(synchronize_session=False)
        )
        try:
            async with self._session.begin_nested():
                result = await self._session.execute(statement)
        except IntegrityError:
            return False
        return getattr(result, "rowcount", 0) == 1

    async def settle(self, entry_id: int, offer_id: int, state: EntryState) -> bool:
        """Its offer is over: OFFERED (with this offer) → `state`; False when it was already."""
        statement = (
            update(WaitlistEntryRow)
            .where(
                WaitlistEntryRow.id == entry_id,
                WaitlistEntryRow.state == EntryState.OFFERED.value,
                WaitlistEntryRow.offer_id == offer_id,
            )
            .values(state=state.value)
            .execution_options(synchronize_session=False)
        )
        result = await self._session.execute(statement)
        return getattr(result, "rowcount", 0) == 1

    def passed(self, entry_id: int, practitioner_id: int, start: datetime) -> None:
        self._session.add(
            WaitlistPassRow(entry_id=entry_id, practitioner_id=practitioner_id, start_at=start)
        )

    async def offered(self) -> Sequence[WaitlistEntryRow]:
        query = select(WaitlistEntryRow).where(WaitlistEntryRow.state == EntryState.OFFERED.value)
        return (await self._session.execute(query)).scalars().all()

    async def renumber(self, ordered_ids: Sequence[int]) -> None:
        """Give the line this order."""
        for rank, entry_id in enumerate(ordered_ids, start=1):
            await self._session.execute(
                update(WaitlistEntryRow)
                .where(WaitlistEntryRow.id == entry_id)
                .values(position=rank * SPACING)
                .execution_options(synchronize_session=False)
            )

    async def page(self, request: PageRequest) -> Page[WaitlistEntryRow]:
        keys = (WaitlistEntryRow.position, WaitlistEntryRow.id)
        return await keyset.read_page(self._session, _in_line(), keys, WAITLIST, request)

    async def count(self) -> int:
        return await keyset.count(self._session, _in_line())
