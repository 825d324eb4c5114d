"""The diary: appointments, holds and the no-overlap placement."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from domain.appointments import (
    AppointmentFilter,
)
from domain.errors import TimeTaken
from domain.paging import APPOINTMENTS, PENDING_REQUESTS, Page, PageRequest
from domain.policy import AppointmentScope
from persistence import keyset
from persistence.database import is_overlap_violation
from persistence.models import AppointmentRow
from persistence.repositories.appointment_sql import (
    HIDDEN,
    LAPSED,
    LAPSED_COLUMNS,
    TEMPORARY,
    LapsedHold,
    lapse_overlapping,
    lapsed_holds,
    listed_query,
    live_condition,
    pending_query,
    shown,
)


class AppointmentRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, appointment_id: int) -> AppointmentRow | None:
        """An appointment as users know it: a lapsed hold is as good as gone."""
        row = await self._session.get(AppointmentRow, appointment_id)
        return None if row is None or row.status in HIDDEN else row

    async def get_hold(self, appointment_id: int) -> AppointmentRow | None:
        """Also a lapsed hold, which its holder may still request or is told has lapsed."""
        return await self._session.get(AppointmentRow, appointment_id)

    async def refresh(self, row: AppointmentRow) -> None:
        await self._session.refresh(row)

    async def place(self, row: AppointmentRow, now: datetime) -> list[LapsedHold]:
        """Put a live appointment into the diary, or raise TimeTaken.

        The one place that meets the no-overlap rule, in two statements: expired holds
        overlapping it are lapsed first (the database cannot read the clock), then the
        insert, which the database constraint (or trigger) refuses when a live
        appointment overlaps, whether it was there before or raced in. Returns the holds
        it lapsed, whose slots the caller announces free.
        """
        values = {
            "now": now,
            "of_practitioner": row.practitioner_id,
            "start": row.start_at,
            "end": row.end_at,
        }
        lapsed = lapsed_holds((await self._session.execute(lapse_overlapping(), values)).all())
        self._session.add(row)
        try:
            await self._session.flush()
        except IntegrityError as error:
            if is_overlap_violation(error):
                raise TimeTaken from None
            raise
        return lapsed

    async def swap_status(
        self, appointment_id: int, expected: Iterable[str], **values: object
    ) -> bool:
        """Compare-and-swap: change the row only while its status is one of `expected`.

        False when someone changed it first; TimeTaken when the change would
        make it overlap a live appointment.
        """
        statement = (
            update(AppointmentRow)
            .where(AppointmentRow.id == appointment_id, AppointmentRow.status.in_(list(expected)))
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        try:
            result = await self._session.execute(statement)
        except IntegrityError as error:
            if is_overlap_violation(error):
                raise TimeTaken from None
            raise
        return getattr(result, "rowcount", 0) == 1

    async def live_between(
        self, practitioner_id: int, start: datetime, end: datetime, now: datetime
    ) -> Sequence[AppointmentRow]:
        query = select(AppointmentRow).where(
            AppointmentRow.practitioner_id == practitioner_id,
            AppointmentRow.start_at < end,
            AppointmentRow.end_at > start,
            live_condition(now),
        )
        return (await self._session.execute(query)).scalars().all()

    async def lapse_expired(
        self,
        now: datetime,
        *,
        practitioner_id: int | None = None,
        start: datetime | None = None,
        end: datetime | None = None,
    ) -> list[LapsedHold]:
        """Mark expired holds (all, or those overlapping one slot) LAPSED; return them.

        Safe when several processes sweep at once: the UPDATE claims each row once, so
        each lapse is reported by exactly one caller.
        """
        conditions = [AppointmentRow.status == TEMPORARY, AppointmentRow.hold_expires_at <= now]
        if practitioner_id is not None:
            conditions.append(AppointmentRow.practitioner_id == practitioner_id)
        if start is not None and end is not None:
            conditions += [AppointmentRow.start_at < end, AppointmentRow.end_at > start]
        statement = (
            update(AppointmentRow)
            .where(*conditions)
            .values(status=LAPSED, client_key=None)
            .returning(*LAPSED_COLUMNS)
            .execution_options(synchronize_session=False)
        )
        return lapsed_holds((await self._session.execute(statement)).all())

    async def any_expired_or_old_holds(self, now: datetime, lapsed_before: datetime) -> bool:
        """Whether a sweep has anything to do (a read, so idle sweeps take no write lock)."""
        query = (
            select(AppointmentRow.id)
            .where(
                or_(
                    and_(AppointmentRow.status == TEMPORARY, AppointmentRow.hold_expires_at <= now),
                    and_(
                        AppointmentRow.status == LAPSED,
                        AppointmentRow.hold_expires_at < lapsed_before,
                    ),
                )
            )
            .limit(1)
        )
        return (await self._session.execute(query)).first() is not None

    async def purge_lapsed(self, before: datetime) -> int:
        statement = delete(AppointmentRow).where(
            AppointmentRow.status == LAPSED, AppointmentRow.hold_expires_at < before
        )
        result = await self._session.execute(statement)
        return int(getattr(result, "rowcount", 0) or 0)

    async def live_holds_of_user(self, user_id: int, now: datetime) -> int:
        query = (
            select(func.count())
            .select_from(AppointmentRow)
            .where(
                AppointmentRow.created_by_id == user_id,
                AppointmentRow.status == TEMPORARY,
                AppointmentRow.hold_expires_at > now,
            )
        )
        return int((await self._session.execute(query)).scalar_one())

    async def hold_by_client_key(
        self, user_id: int | None, client_key: str, *, api_client_id: int | None = None
    ) -> AppointmentRow | None:
        """The hold placed with this key by the user, or by the API client when named."""
        holder = (
            AppointmentRow.held_by_client_id == api_client_id
            if api_client_id is not None
            else AppointmentRow.created_by_id == user_id
        )
        query = select(AppointmentRow).where(holder, AppointmentRow.client_key == client_key)
        return (await self._session.execute(query)).scalar_one_or_none()

    async def live_holds_of_client(
        self, api_client_id: int, now: datetime
    ) -> tuple[int, datetime | None]:
        """An API client's live holds, and when the first of them lapses."""
        query = select(func.count(), func.min(AppointmentRow.hold_expires_at)).where(
            AppointmentRow.held_by_client_id == api_client_id,
            AppointmentRow.status == TEMPORARY,
            AppointmentRow.hold_expires_at > now,
        )
        count, first = (await self._session.execute(query)).one()
        return int(count), first

    async def of_practitioner(
        self, practitioner_id: int, start: datetime, end: datetime
    ) -> Sequence[AppointmentRow]:
        """A practitioner's diary in a range, as shown."""
        query = (
            select(AppointmentRow)
            .where(
                AppointmentRow.practitioner_id == practitioner_id,
                AppointmentRow.start_at < end,
                AppointmentRow.end_at > start,
                shown(),
            )
            .order_by(AppointmentRow.start_at, AppointmentRow.id)
        )
        return (await self._session.execute(query)).scalars().all()

    async def visits_of(
        self, patient_id: int, start: datetime, end: datetime
    ) -> Sequence[AppointmentRow]:
        """A patient's appointments in a range; holds are not visits yet."""
        query = (
            select(AppointmentRow)
            .where(
                AppointmentRow.patient_id == patient_id,
                AppointmentRow.start_at < end,
                AppointmentRow.end_at > start,
                AppointmentRow.status != TEMPORARY,
                shown(),
            )
            .order_by(AppointmentRow.start_at, AppointmentRow.id)
        )
        return (await self._session.execute(query)).scalars().all()

    async def with_status(self, statuses: Iterable[str]) -> Sequence[AppointmentRow]:
        """Appointments in these statuses, oldest first."""
        query = (
            select(AppointmentRow)
            .where(AppointmentRow.status.in_(list(statuses)))
            .order_by(AppointmentRow.created_at, AppointmentRow.id)
        )
        return (await self._session.execute(query)).scalars().all()

    async def page(
        self, scope: AppointmentScope, narrowed: AppointmentFilter, request: PageRequest
    ) -> Page[AppointmentRow]:
        """A page of the appointments `scope` admits, narrowed, by start then id."""
        keys = (AppointmentRow.start_at, AppointmentRow.id)
        query = listed_query(scope, narrowed)
        return await keyset.read_page(self._session, query, keys, APPOINTMENTS, request)

    async def count(self, scope: AppointmentScope, narrowed: AppointmentFilter) -> int:
        return await keyset.count(self._session, listed_query(scope, narrowed))

    async def pending_page(self, request: PageRequest) -> Page[AppointmentRow]:
        """A page of requests waiting for an answer, oldest request first."""
        keys = (AppointmentRow.created_at, AppointmentRow.id)
        return await keyset.read_page(
            self._session, pending_query(), keys, PENDING_REQUESTS, request
        )

    async def pending_count(self) -> int:
        return await keyset.count(self._session, pending_query())

    async def of_patient_with_status(
        self, patient_id: int, status: str
    ) -> Sequence[AppointmentRow]:
        query = select(AppointmentRow).where(
            AppointmentRow.patient_id == patient_id, AppointmentRow.status == status
        )
        return (await self._session.execute(query)).scalars().all()

    async def move_patient(self, from_patient_id: int, to_patient_id: int) -> None:
        await self._session.execute(
            update(AppointmentRow)
            .where(AppointmentRow.patient_id == from_patient_id)
            .values(patient_id=to_patient_id)
            .execution_options(synchronize_session=False)
        )

    async def overlapping_live_pairs(self, now: datetime) -> int:
        """How many pairs of live appointments of one practitioner overlap (always 0)."""
        first, second = aliased(AppointmentRow), aliased(AppointmentRow)
        query = (
            select(func.count())
            .select_from(first)
            .join(
                second,
                and_(
                    first.practitioner_id == second.practitioner_id,
                    first.id < second.id,
                    first.start_at < second.end_at,
                    second.start_at < first.end_at,
                ),
            )
            .where(live_condition(now, first), live_condition(now, second))
        )
        return int((await self._session.execute(query)).scalar_one())
