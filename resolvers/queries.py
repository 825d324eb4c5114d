"""Read-only use cases behind the Query type, each checked against the policy."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from domain.actors import Actor, may_read_diary, may_see_appointment, require_staff
from domain.availability import OpenSlot, open_slots, open_until
from domain.errors import NotAllowed, NotFound
from domain.validation import parse_id, require_range
from persistence import repositories as repo
from persistence.models import (
    AppointmentRow,
    ClinicRow,
    LocationRow,
    PatientRow,
    PractitionerRow,
    ServiceRow,
)
from resolvers.services import Services
from resolvers.slot_rules import booking_rules, busy_intervals, session_rules
from resolvers.unit_of_work import UnitOfWork

MAX_WINDOW_DAYS = 62


async def clinic(services: Services) -> ClinicRow:
    async with UnitOfWork(services, write=False) as uow:
        return await repo.clinic(uow.session)


async def locations(services: Services) -> Sequence[LocationRow]:
    async with UnitOfWork(services, write=False) as uow:
        return (
            (await uow.session.execute(select(LocationRow).order_by(LocationRow.id)))
            .scalars()
            .all()
        )


async def services_offered(services: Services) -> Sequence[ServiceRow]:
    async with UnitOfWork(services, write=False) as uow:
        return (
            (await uow.session.execute(select(ServiceRow).order_by(ServiceRow.id))).scalars().all()
        )


async def practitioners(
    services: Services, actor: Actor | None, *, online_only: bool
) -> Sequence[PractitionerRow]:
    """Online practitioners for everyone; the whole list only for staff."""
    if not online_only:
        require_staff(actor)
    async with UnitOfWork(services, write=False) as uow:
        query = select(PractitionerRow).order_by(PractitionerRow.id)
        if online_only:
            zone = ZoneInfo((await repo.clinic(uow.session)).time_zone)
            today = services.now().astimezone(zone).date()
            online = await repo.online_practitioner_ids(uow.session, today)
            query = query.where(PractitionerRow.id.in_(online))
        return (await uow.session.execute(query)).scalars().all()


async def patients(
    services: Services, actor: Actor | None, *, search: str | None
) -> Sequence[PatientRow]:
    require_staff(actor)
    async with UnitOfWork(services, write=False) as uow:
        return await repo.search_patients(uow.session, search)


async def appointment(
    services: Services, actor: Actor | None, appointment_id: str
) -> AppointmentRow | None:
    """None both for a missing appointment and one the user may not see."""
    try:
        aid = parse_id(appointment_id, "id")
    except Exception:
        return None
    async with UnitOfWork(services, write=False) as uow:
        row = await uow.session.get(AppointmentRow, aid)
    if (
        row is None
        or row.status == "LAPSED"
        or not may_see_appointment(
            actor,
            patient_id=row.patient_id,
            practitioner_id=row.practitioner_id,
            created_by_id=row.created_by_id,
        )
    ):
        return None
    return row


async def diary(
    services: Services, actor: Actor | None, *, practitioner_id: str, start: datetime, end: datetime
) -> Sequence[AppointmentRow]:
    """Every appointment of a practitioner in a range, for staff and that practitioner."""
    pid = parse_id(practitioner_id, "practitionerId")
    if not may_read_diary(actor, pid):
        raise NotAllowed("Only staff and the practitioner may read this diary.")
    require_range(start, end, max_days=MAX_WINDOW_DAYS)
    async with UnitOfWork(services, write=False) as uow:
        query = (
            select(AppointmentRow)
            .where(
                AppointmentRow.practitioner_id == pid,
                AppointmentRow.start_at < end,
                AppointmentRow.end_at > start,
            )
            .order_by(AppointmentRow.start_at, AppointmentRow.id)
        )
        return (await uow.session.execute(query)).scalars().all()


@dataclass(frozen=True)
class Availability:
    practitioner_id: int
    slots: list[OpenSlot]
    open_until: datetime | None


async def available_slots(
    services: Services,
    *,
    practitioner_id: str,
    service_id: str,
    start: datetime,
    end: datetime,
) -> Availability:
    """Free online start times for a service with a practitioner, in [start, end)."""
    pid = parse_id(practitioner_id, "practitionerId")
    sid = parse_id(service_id, "serviceId")
    require_range(start, end, max_days=MAX_WINDOW_DAYS)
    now = services.now()
    async with UnitOfWork(services, write=False) as uow:
        clinic_row = await repo.clinic(uow.session)
        practitioner = await uow.session.get(PractitionerRow, pid)
        service = await uow.session.get(ServiceRow, sid)
        if practitioner is None:
            raise NotFound("No such practitioner.")
        if service is None:
            raise NotFound("No such service.")
        rules = session_rules(await repo.sessions_of(uow.session, pid))
        bookable = (
            practitioner.online_access
            and service.bookable_online
            and await repo.offers_service(uow.session, pid, sid)
        )
        busy = await repo.live_appointments_between(uow.session, pid, start, end, now)
    booking = booking_rules(clinic_row)
    if not bookable:
        return Availability(pid, [], None)
    slots = open_slots(
        rules=rules,
        duration=timedelta(minutes=service.duration_minutes),
        busy=busy_intervals(busy),
        booking=booking,
        window_start=start,
        window_end=end,
        now=now,
    )
    return Availability(pid, slots, open_until(rules=rules, booking=booking, now=now))
