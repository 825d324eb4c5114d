"""bookAppointment: a front-desk booking straight into the diary, never overlapping."""

from __future__ import annotations

from datetime import datetime, timedelta

from domain.actors import Actor
from domain.appointments import AppointmentStatus
from domain.errors import InvalidInput, SlotUnavailable, TimeTaken
from domain.phrases import N_
from domain.policy import require_appointments_write
from domain.validation import optional_text, parse_id, require_instant
from persistence.models import AppointmentRow
from persistence.repositories.appointment_sql import LapsedHold
from resolvers.booking.slot_rules import freed
from resolvers.deps import Deps
from resolvers.unit_of_work import UnitOfWork
from subscriptions.appointment_events import appointment_changed
from subscriptions.events import SlotChanged, SlotState

TAKEN = N_("The practitioner already has an appointment at that time.")


async def book_appointment(
    deps: Deps,
    actor: Actor | None,
    *,
    patient_id: str,
    practitioner_id: str,
    service_id: str,
    start: datetime,
    location_id: str | None,
    note: str | None,
) -> AppointmentRow:
    """Past times are allowed, to record visits already held. Staff, or an API client
    with appointments:write (then no user made it: `createdBy` is null)."""
    booker = require_appointments_write(actor)
    patient_key = parse_id(patient_id, "patientId")
    practitioner_key = parse_id(practitioner_id, "practitionerId")
    service_key = parse_id(service_id, "serviceId")
    location_key = parse_id(location_id, "locationId") if location_id else None
    now = deps.now()
    row = AppointmentRow(
        status=AppointmentStatus.BOOKED.value,
        patient_id=patient_key,
        practitioner_id=practitioner_key,
        service_id=service_key,
        start_at=require_instant(start, "start"),
        patient_response="NONE",
        created_online=False,
        created_by_id=None if booker.is_client else booker.user_id,
        created_at=now,
        note=optional_text(note, "note", 2000),
    )
    async with UnitOfWork(deps) as uow:
        if await uow.patients.get(patient_key) is None:
            raise InvalidInput("No such patient.", "patientId")
        if await uow.catalog.practitioner(practitioner_key) is None:
            raise InvalidInput("No such practitioner.", "practitionerId")
        service = await uow.catalog.service(service_key)
        if service is None:
            raise InvalidInput("No such service.", "serviceId")
        row.location_id = await _location(uow, practitioner_key, location_key)
        row.end_at = start + timedelta(minutes=service.duration_minutes)
        lapsed = await _placed(uow, row, now)
        uow.emit(
            *freed(lapsed),
            SlotChanged(practitioner_key, start, row.end_at, SlotState.BOOKED),
            appointment_changed(row),
        )
        await uow.commit()
    return row


async def _location(uow: UnitOfWork, practitioner_id: int, location_id: int | None) -> int:
    """The named location, else where the practitioner usually works."""
    if location_id is not None:
        if await uow.catalog.location(location_id) is None:
            raise InvalidInput("No such location.", "locationId")
        return location_id
    usual = await uow.catalog.usual_location_id(practitioner_id)
    if usual is None:
        raise InvalidInput("Name a location: this clinic has none set up.", "locationId")
    return usual


async def _placed(uow: UnitOfWork, row: AppointmentRow, now: datetime) -> list[LapsedHold]:
    """The appointment in the diary (and the holds that lapsed for it), or
    SlotUnavailable when its time is taken."""
    try:
        return await uow.appointments.place(row, now)
    except TimeTaken:
        raise SlotUnavailable(TAKEN) from None
