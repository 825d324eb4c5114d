"""What the limits on holding count: a user's share of the diary and an address's holds."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.throttling import DiaryShare
from persistence.models import AppointmentRow
from persistence.repositories.appointments import TEMPORARY, live_condition


class HoldLimitRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def share(self, user_id: int, origin: str, now: datetime) -> DiaryShare:
        """The user's live holds and upcoming live appointments, and the live holds from
        the origin (by anyone) with the first of their expiries."""
        is_hold = AppointmentRow.status == TEMPORARY
        mine = (
            AppointmentRow.created_by_id == user_id,
            live_condition(now),
            AppointmentRow.end_at > now,
        )
        from_origin = (
            AppointmentRow.hold_origin == origin,
            is_hold,
            AppointmentRow.hold_expires_at > now,
        )
        # One round trip: four scalar subqueries.
        query = select(
            select(func.count()).where(*mine, is_hold).scalar_subquery(),
            select(func.count()).where(*mine).scalar_subquery(),
            select(func.count()).where(*from_origin).scalar_subquery(),
            select(func.min(AppointmentRow.hold_expires_at)).where(*from_origin).scalar_subquery(),
        )
        holds, slots, address_holds, next_lapse = (await self._session.execute(query)).one()
        return DiaryShare(int(holds), int(slots), int(address_holds), next_lapse)
