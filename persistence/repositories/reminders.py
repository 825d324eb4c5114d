"""Visits to remind of, and the reminders already sent."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from domain.appointments import AppointmentStatus
from persistence.models import AppointmentRow, ReminderSentRow

BOOKED = AppointmentStatus.BOOKED.value


class ReminderRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def booked_between(
        self, start: datetime, end: datetime, limit: int
    ) -> Sequence[AppointmentRow]:
        """Booked visits starting in (start, end], soonest first."""
        query = (
            select(AppointmentRow)
            .where(
                AppointmentRow.status == BOOKED,
                AppointmentRow.start_at > start,
                AppointmentRow.start_at <= end,
            )
            .order_by(AppointmentRow.start_at, AppointmentRow.id)
            .limit(limit)
        )
        return (await self._session.execute(query)).scalars().all()

    async def sent(self, appointment_ids: Sequence[int]) -> set[tuple[int, int, datetime]]:
        query = select(
            ReminderSentRow.appointment_id, ReminderSentRow.hours, ReminderSentRow.start_at
        ).where(ReminderSentRow.appointment_id.in_(list(appointment_ids)))
        return {(a, h, s) for a, h, s in (await self._session.execute(query)).all()}

    async def record(self, appointment_id: int, hours: int, start: datetime, now: datetime) -> bool:
        """Claim this reminder: False when it was sent already (by any process)."""
        try:
            async with self._session.begin_nested():
                self._session.add(
                    ReminderSentRow(
                        appointment_id=appointment_id, hours=hours, start_at=start, sent_at=now
                    )
                )
        except IntegrityError:
            return False
        return True
