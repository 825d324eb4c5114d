"""Putting a live appointment into the diary: the one place that meets the no-overlap rule."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from domain.errors import SlotUnavailable
from persistence import repositories as repo
from persistence.database import is_overlap_violation
from persistence.models import AppointmentRow
from subscriptions.events import SlotChanged, SlotState


async def place(
    session: AsyncSession, row: AppointmentRow, now: datetime, taken: str
) -> list[SlotChanged]:
    """Insert a live appointment, or raise SlotUnavailable(taken).

    Expired holds overlapping it are lapsed first (the database cannot read the clock);
    the check before the insert answers early, the database constraint (or trigger)
    answers a race. Returns the FREE changes of the holds it lapsed.
    """
    lapsed = await repo.lapse_expired_holds(
        session, now, practitioner_id=row.practitioner_id, start=row.start_at, end=row.end_at
    )
    if await repo.live_appointments_between(
        session, row.practitioner_id, row.start_at, row.end_at, now
    ):
        raise SlotUnavailable(taken)
    session.add(row)
    try:
        await session.flush()
    except IntegrityError as error:
        if is_overlap_violation(error):
            raise SlotUnavailable(taken) from None
        raise
    return freed(lapsed)


def freed(lapsed: list[repo.LapsedHold]) -> list[SlotChanged]:
    return [SlotChanged(h.practitioner_id, h.start_at, h.end_at, SlotState.FREE) for h in lapsed]
