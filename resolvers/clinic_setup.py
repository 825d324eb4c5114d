"""Staff set-up of the clinic: settings, locations, services, practitioners, sessions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, select

from domain.actors import Actor, require_staff
from domain.errors import InvalidInput, NotFound
from domain.validation import (
    normalize_email,
    parse_clock,
    parse_id,
    parse_time_zone,
    require_not_negative,
    require_positive,
    require_text,
    require_valid_dates,
    require_weekday,
)
from persistence import repositories as repo
from persistence.models import (
    ClinicRow,
    LocationRow,
    PractitionerRow,
    ServiceRow,
    SessionSeriesRow,
    practitioner_services,
)
from resolvers.services import Services
from resolvers.unit_of_work import UnitOfWork

MAX_DURATION_MINUTES = 8 * 60


async def create_location(services: Services, actor: Actor | None, *, name: str) -> LocationRow:
    require_staff(actor)
    row = LocationRow(name=require_text(name, "name"))
    async with UnitOfWork(services) as uow:
        uow.session.add(row)
        await uow.commit()
    return row


async def create_service(
    services: Services,
    actor: Actor | None,
    *,
    name: str,
    duration_minutes: int,
    bookable_online: bool,
) -> ServiceRow:
    require_staff(actor)
    row = ServiceRow(
        name=require_text(name, "name"),
        duration_minutes=require_positive(
            duration_minutes, "durationMinutes", MAX_DURATION_MINUTES
        ),
        bookable_online=bookable_online,
    )
    async with UnitOfWork(services) as uow:
        uow.session.add(row)
        await uow.commit()
    return row


async def create_practitioner(
    services: Services,
    actor: Actor | None,
    *,
    name: str,
    online_access: bool,
    service_ids: Sequence[str],
) -> PractitionerRow:
    require_staff(actor)
    name = require_text(name, "name")
    ids = sorted({parse_id(s, "serviceIds") for s in service_ids})
    async with UnitOfWork(services) as uow:
        found = set(
            (
                await uow.session.execute(select(ServiceRow.id).where(ServiceRow.id.in_(ids)))
            ).scalars()
        )
        if missing := [i for i in ids if i not in found]:
            raise InvalidInput(f"No service with id {missing[0]}.", "serviceIds")
        row = PractitionerRow(name=name, online_access=online_access)
        uow.session.add(row)
        await uow.session.flush()
        if ids:
            await uow.session.execute(
                practitioner_services.insert(),
                [{"practitioner_id": row.id, "service_id": i} for i in ids],
            )
        await uow.commit()
    return row


async def set_online_access(
    services: Services, actor: Actor | None, *, practitioner_id: str, enabled: bool
) -> PractitionerRow:
    require_staff(actor)
    pid = parse_id(practitioner_id, "practitionerId")
    async with UnitOfWork(services) as uow:
        row = await uow.session.get(PractitionerRow, pid)
        if row is None:
            raise NotFound("No such practitioner.")
        row.online_access = enabled
        await uow.commit()
    return row


async def set_practitioner_services(
    services: Services, actor: Actor | None, *, practitioner_id: int, service_ids: Sequence[int]
) -> None:
    require_staff(actor)
    async with UnitOfWork(services) as uow:
        await uow.session.execute(
            delete(practitioner_services).where(
                practitioner_services.c.practitioner_id == practitioner_id
            )
        )
        if service_ids:
            await uow.session.execute(
                practitioner_services.insert(),
                [{"practitioner_id": practitioner_id, "service_id": i} for i in service_ids],
            )
        await uow.commit()


@dataclass(frozen=True)
class SessionSeriesInput:
    practitioner_id: str
    location_id: str
    weekday: int
    start_time: str
    end_time: str
    valid_from: date
    valid_until: date | None
    available_online: bool


async def create_session_series(
    services: Services, actor: Actor | None, data: SessionSeriesInput
) -> SessionSeriesRow:
    require_staff(actor)
    practitioner_id = parse_id(data.practitioner_id, "practitionerId")
    location_id = parse_id(data.location_id, "locationId")
    weekday = require_weekday(data.weekday)
    start = parse_clock(data.start_time, "startTime")
    end = parse_clock(data.end_time, "endTime")
    if end <= start:
        raise InvalidInput("endTime must be after startTime.", "endTime")
    require_valid_dates(data.valid_from, data.valid_until)
    async with UnitOfWork(services) as uow:
        if await uow.session.get(PractitionerRow, practitioner_id) is None:
            raise InvalidInput("No such practitioner.", "practitionerId")
        if await uow.session.get(LocationRow, location_id) is None:
            raise InvalidInput("No such location.", "locationId")
        row = SessionSeriesRow(
            practitioner_id=practitioner_id,
            location_id=location_id,
            weekday=weekday,
            start_time=start,
            end_time=end,
            valid_from=data.valid_from,
            valid_until=data.valid_until,
            available_online=data.available_online,
        )
        uow.session.add(row)
        await uow.commit()
    return row


async def update_session_series(
    services: Services,
    actor: Actor | None,
    *,
    session_series_id: str,
    available_online: bool | None,
    valid_until: date | None,
) -> SessionSeriesRow:
    """Switch a series in or out of online booking, or end it on a date."""
    require_staff(actor)
    sid = parse_id(session_series_id, "sessionSeriesId")
    async with UnitOfWork(services) as uow:
        row = await uow.session.get(SessionSeriesRow, sid)
        if row is None:
            raise NotFound("No such session series.")
        if available_online is not None:
            row.available_online = available_online
        if valid_until is not None:
            require_valid_dates(row.valid_from, valid_until)
            row.valid_until = valid_until
        await uow.commit()
    return row


@dataclass(frozen=True)
class ClinicSettingsInput:
    hold_minutes: int | None = None
    approval_required: bool | None = None
    patient_cancel_enabled: bool | None = None
    booking_horizon_days: int | None = None
    minimum_notice_minutes: int | None = None
    rejection_email_includes_reason: bool | None = None
    notification_email: str | None = None
    time_zone: str | None = None


async def update_clinic_settings(
    services: Services, actor: Actor | None, data: ClinicSettingsInput
) -> ClinicRow:
    """Change only what is given; every value is checked before anything is written."""
    require_staff(actor)
    changes: dict[str, object] = {}
    if data.hold_minutes is not None:
        changes["hold_minutes"] = require_positive(data.hold_minutes, "holdMinutes", 60)
    if data.booking_horizon_days is not None:
        changes["booking_horizon_days"] = require_positive(
            data.booking_horizon_days, "bookingHorizonDays", 730
        )
    if data.minimum_notice_minutes is not None:
        changes["minimum_notice_minutes"] = require_not_negative(
            data.minimum_notice_minutes, "minimumNoticeMinutes", 60 * 24 * 60
        )
    if data.notification_email is not None:
        changes["notification_email"] = (
            normalize_email(data.notification_email, "notificationEmail")
            if data.notification_email.strip()
            else None
        )
    if data.time_zone is not None:
        changes["time_zone"] = parse_time_zone(data.time_zone).key
    for name in ("approval_required", "patient_cancel_enabled", "rejection_email_includes_reason"):
        value = getattr(data, name)
        if value is not None:
            changes[name] = value
    async with UnitOfWork(services) as uow:
        row = await repo.clinic(uow.session)
        for name, value in changes.items():
            setattr(row, name, value)
        await uow.commit()
    return row
