"""Signed single-use links about a visit: only their nonces are kept."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from persistence.models import VisitLinkRow


class VisitLinkRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def issue(self, row: VisitLinkRow) -> VisitLinkRow:
        self._session.add(row)
        await self._session.flush()
        return row

    async def get(self, link_id: int) -> VisitLinkRow | None:
        """The link, locked for the rest of the transaction, so one use wins a race."""
        query = select(VisitLinkRow).where(VisitLinkRow.id == link_id).with_for_update()
        return (await self._session.execute(query)).scalar_one_or_none()

    async def unused_of(
        self, appointment_id: int, purpose: str, now: datetime
    ) -> VisitLinkRow | None:
        query = (
            select(VisitLinkRow)
            .where(
                VisitLinkRow.appointment_id == appointment_id,
                VisitLinkRow.purpose == purpose,
                VisitLinkRow.used_at.is_(None),
                VisitLinkRow.expires_at > now,
            )
            .limit(1)
        )
        return (await self._session.execute(query)).scalar_one_or_none()
