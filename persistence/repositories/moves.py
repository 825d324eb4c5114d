"""Moving an appointment in the diary, and the record of its moves."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from domain.errors import TimeTaken
from persistence.database import is_overlap_violation
from persistence.models import AppointmentMoveRow, AppointmentRow
from persistence.repositories.appointment_sql import (
    LapsedHold,
    lapse_overlapping,
    lapsed_holds,
)


class MoveRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def move(
        self, row: AppointmentRow, move: AppointmentMoveRow, now: datetime, **values: Any
    ) -> list[LapsedHold] | None:
        """Move `row` to `move`'s new time in one UPDATE: the old time is freed and the
        new one taken together, under the no-overlap constraint (TimeTaken when the new
        time overlaps a live appointment). Only while the row is still as read (same
        status and time); None when it changed meanwhile. Expired holds on the new time
        are lapsed first and returned. The move is recorded beside it."""
        lapsed = lapsed_holds(
            (
                await self._session.execute(
                    lapse_overlapping(),
                    {
                        "now": now,
                        "of_practitioner": move.to_practitioner_id,
                        "start": move.to_start,
                        "end": move.to_end,
                    },
                )
            ).all()
        )
        statement = (
            update(AppointmentRow)
            .where(
                AppointmentRow.id == row.id,
                AppointmentRow.status == row.status,
                AppointmentRow.start_at == move.from_start,
                AppointmentRow.practitioner_id == move.from_practitioner_id,
            )
            .values(
                practitioner_id=move.to_practitioner_id,
                service_id=move.to_service_id,
                start_at=move.to_start,
                end_at=move.to_end,
                reschedule_count=AppointmentRow.reschedule_count + 1,
                sequence=AppointmentRow.sequence + 1,
                **values,
            )
            .execution_options(synchronize_session=False)
        )
        try:
            result = await self._session.execute(statement)
        except IntegrityError as error:
            if is_overlap_violation(error):
                raise TimeTaken from None
            raise
        if getattr(result, "rowcount", 0) != 1:
            return None
        self._session.add(move)
        await self._session.flush()
        await self._session.refresh(row)
        return lapsed

    async def by_client_key(
        self, appointment_id: int, client_key: str
    ) -> AppointmentMoveRow | None:
        query = (
            select(AppointmentMoveRow)
            .where(
                AppointmentMoveRow.appointment_id == appointment_id,
                AppointmentMoveRow.client_key == client_key,
            )
            .limit(1)
        )
        return (await self._session.execute(query)).scalar_one_or_none()
