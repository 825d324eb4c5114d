"""Queries the use cases share. Repositories read and stage writes; they never commit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, delete, func, or_, select, true, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement

from persistence.models import (
    AppointmentRow,
    AuthTokenRow,
    ClinicRow,
    PatientRow,
    PractitionerRow,
    ServiceRow,
    SessionSeriesRow,
    UserRow,
    practitioner_services,
    user_patients,
)

LIVE = ("TEMPORARY", "REQUESTED", "PROVISIONAL", "BOOKED", "COMPLETED")


def live_condition(now: datetime) -> ColumnElement[bool]:
    """SQL form of domain.appointments.is_live: expired holds are never live."""
    return and_(
        AppointmentRow.status.in_(LIVE),
        or_(AppointmentRow.status != "TEMPORARY", AppointmentRow.hold_expires_at > now),
    )


async def clinic(session: AsyncSession) -> ClinicRow:
    row = await session.get(ClinicRow, 1)
    if row is None:
        raise LookupError("the clinic row is missing; run `portal migrate` and `portal demo-data`")
    return row


async def user_by_email(session: AsyncSession, email: str) -> UserRow | None:
    return (
        await session.execute(select(UserRow).where(UserRow.email == email))
    ).scalar_one_or_none()


async def user_for_token(
    session: AsyncSession, digest: str, now: datetime
) -> tuple[UserRow, frozenset[int]] | None:
    """The user behind a live token and the patients they manage, in one query."""
    query = (
        select(UserRow, user_patients.c.patient_id)
        .join(AuthTokenRow, AuthTokenRow.user_id == UserRow.id)
        .outerjoin(user_patients, user_patients.c.user_id == UserRow.id)
        .where(
            AuthTokenRow.token_digest == digest,
            AuthTokenRow.revoked_at.is_(None),
            AuthTokenRow.expires_at > now,
        )
    )
    rows = (await session.execute(query)).all()
    if not rows:
        return None
    return rows[0][0], frozenset(pid for _, pid in rows if pid is not None)


async def patient_ids_of_user(session: AsyncSession, user_id: int) -> frozenset[int]:
    query = select(user_patients.c.patient_id).where(user_patients.c.user_id == user_id)
    return frozenset((await session.execute(query)).scalars())


async def link_user_to_patient(session: AsyncSession, user_id: int, patient_id: int) -> None:
    existing = await session.execute(
        select(user_patients.c.user_id).where(
            user_patients.c.user_id == user_id, user_patients.c.patient_id == patient_id
        )
    )
    if existing.first() is None:
        await session.execute(user_patients.insert().values(user_id=user_id, patient_id=patient_id))


async def sessions_of(session: AsyncSession, practitioner_id: int) -> Sequence[SessionSeriesRow]:
    query = select(SessionSeriesRow).where(SessionSeriesRow.practitioner_id == practitioner_id)
    return (await session.execute(query)).scalars().all()


async def offers_service(session: AsyncSession, practitioner_id: int, service_id: int) -> bool:
    query = select(practitioner_services.c.service_id).where(
        practitioner_services.c.practitioner_id == practitioner_id,
        practitioner_services.c.service_id == service_id,
    )
    return (await session.execute(query)).first() is not None


async def practitioner_and_service(
    session: AsyncSession, practitioner_id: int, service_id: int
) -> tuple[PractitionerRow | None, ServiceRow | None, bool]:
    """Both rows and whether the practitioner offers the service, in one query."""
    offered = (
        select(practitioner_services.c.service_id)
        .where(
            practitioner_services.c.practitioner_id == practitioner_id,
            practitioner_services.c.service_id == service_id,
        )
        .exists()
    )
    query = (
        select(PractitionerRow, ServiceRow, offered)
        .join(ServiceRow, true())  # two single-row lookups side by side
        .where(PractitionerRow.id == practitioner_id, ServiceRow.id == service_id)
    )
    found = (await session.execute(query)).first()
    if found is None:  # one of them is missing: say which
        return (
            await session.get(PractitionerRow, practitioner_id),
            await session.get(ServiceRow, service_id),
            False,
        )
    return found[0], found[1], bool(found[2])


async def online_practitioner_ids(session: AsyncSession, today: date) -> set[int]:
    """Practitioners bookable online: online access and at least one online session
    series that has not ended."""
    query = (
        select(PractitionerRow.id)
        .join(SessionSeriesRow, SessionSeriesRow.practitioner_id == PractitionerRow.id)
        .where(
            PractitionerRow.online_access.is_(True),
            SessionSeriesRow.available_online.is_(True),
            or_(SessionSeriesRow.valid_until.is_(None), SessionSeriesRow.valid_until >= today),
        )
        .distinct()
    )
    return set((await session.execute(query)).scalars())


async def live_appointments_between(
    session: AsyncSession, practitioner_id: int, start: datetime, end: datetime, now: datetime
) -> Sequence[AppointmentRow]:
    query = select(AppointmentRow).where(
        AppointmentRow.practitioner_id == practitioner_id,
        AppointmentRow.start_at < end,
        AppointmentRow.end_at > start,
        live_condition(now),
    )
    return (await session.execute(query)).scalars().all()


@dataclass(frozen=True)
class LapsedHold:
    id: int
    practitioner_id: int
    start_at: datetime
    end_at: datetime
    created_by_id: int | None


async def lapse_expired_holds(
    session: AsyncSession,
    now: datetime,
    *,
    practitioner_id: int | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
) -> list[LapsedHold]:
    """Mark expired holds (all, or those overlapping one slot) LAPSED; return what changed.

    Safe when several processes sweep at once: the UPDATE claims each row once, so each
    lapse is reported by exactly one caller.
    """
    conditions = [AppointmentRow.status == "TEMPORARY", AppointmentRow.hold_expires_at <= now]
    if practitioner_id is not None:
        conditions.append(AppointmentRow.practitioner_id == practitioner_id)
    if start is not None and end is not None:
        conditions += [AppointmentRow.start_at < end, AppointmentRow.end_at > start]
    statement = (
        update(AppointmentRow)
        .where(*conditions)
        .values(status="LAPSED", client_key=None)
        .returning(
            AppointmentRow.id,
            AppointmentRow.practitioner_id,
            AppointmentRow.start_at,
            AppointmentRow.end_at,
            AppointmentRow.created_by_id,
        )
        .execution_options(synchronize_session=False)
    )
    rows = (await session.execute(statement)).all()
    return [LapsedHold(r[0], r[1], r[2], r[3], r[4]) for r in rows]


async def any_expired_or_old_holds(
    session: AsyncSession, now: datetime, lapsed_before: datetime
) -> bool:
    """Whether a sweep has anything to do (a read, so idle sweeps take no write lock)."""
    query = (
        select(AppointmentRow.id)
        .where(
            or_(
                and_(AppointmentRow.status == "TEMPORARY", AppointmentRow.hold_expires_at <= now),
                and_(
                    AppointmentRow.status == "LAPSED",
                    AppointmentRow.hold_expires_at < lapsed_before,
                ),
            )
        )
        .limit(1)
    )
    return (await session.execute(query)).first() is not None


async def purge_lapsed_holds(session: AsyncSession, before: datetime) -> int:
    statement = delete(AppointmentRow).where(
        AppointmentRow.status == "LAPSED", AppointmentRow.hold_expires_at < before
    )
    result = await session.execute(statement)
    return int(getattr(result, "rowcount", 0) or 0)


async def live_holds_of_user(session: AsyncSession, user_id: int, now: datetime) -> int:
    query = (
        select(func.count())
        .select_from(AppointmentRow)
        .where(
            AppointmentRow.created_by_id == user_id,
            AppointmentRow.status == "TEMPORARY",
            AppointmentRow.hold_expires_at > now,
        )
    )
    return int((await session.execute(query)).scalar_one())


async def hold_by_client_key(
    session: AsyncSession, user_id: int, client_key: str
) -> AppointmentRow | None:
    query = select(AppointmentRow).where(
        AppointmentRow.created_by_id == user_id, AppointmentRow.client_key == client_key
    )
    return (await session.execute(query)).scalar_one_or_none()


def like_literal(text: str) -> str:
    """Text matched literally inside a LIKE pattern: % and _ are not wildcards."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


async def search_patients(
    session: AsyncSession, search: str | None, limit: int = 200
) -> Sequence[PatientRow]:
    query = select(PatientRow).where(PatientRow.provisional.is_(False)).order_by(PatientRow.name)
    if search:
        pattern = f"%{like_literal(search.strip().lower())}%"
        query = query.where(
            or_(
                func.lower(PatientRow.name).like(pattern, escape="\\"),
                func.lower(PatientRow.email).like(pattern, escape="\\"),
            )
        )
    return (await session.execute(query.limit(limit))).scalars().all()


async def overlapping_live_pairs(session: AsyncSession, now: datetime) -> int:
    """How many pairs of live appointments of one practitioner overlap (always 0)."""
    first, second = aliased(AppointmentRow), aliased(AppointmentRow)

    def live(a: type[AppointmentRow]) -> ColumnElement[bool]:
        return and_(a.status.in_(LIVE), or_(a.status != "TEMPORARY", a.hold_expires_at > now))

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
        .where(live(first), live(second))
    )
    return int((await session.execute(query)).scalar_one())
