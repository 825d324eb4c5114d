"""Live streams for subscriptions: listen on the hub, re-read state, check the policy."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime

from domain.actors import Actor, may_see_appointment
from persistence import repositories as repo
from persistence.models import AppointmentRow, PatientRow
from resolvers.services import Services
from resolvers.unit_of_work import UnitOfWork
from subscriptions.events import (
    STAFF_CHANNEL,
    AppointmentChanged,
    SlotChanged,
    StaffNotified,
    patient_channel,
    slot_channel,
    user_channel,
)


async def slot_changes(
    services: Services, practitioner_id: int, start: datetime, end: datetime
) -> AsyncIterator[SlotChanged]:
    """Changes to a practitioner's slots that overlap [start, end)."""
    async with services.hub.listen([slot_channel(practitioner_id)]) as subscriber:
        async for message in subscriber:
            change = SlotChanged.from_json(message.message)
            if change.start < end and change.end > start:
                yield change


@dataclass(frozen=True)
class StaffNotice:
    event: StaffNotified
    appointment: AppointmentRow | None
    patient: PatientRow | None


async def staff_notifications(services: Services) -> AsyncIterator[StaffNotice]:
    """Events for the staff panel, each with the appointment and patient as they are now."""
    async with services.hub.listen([STAFF_CHANNEL]) as subscriber:
        async for message in subscriber:
            event = StaffNotified.from_json(message.message)
            async with UnitOfWork(services, write=False) as uow:
                appointment = (
                    await uow.session.get(AppointmentRow, event.appointment_id)
                    if event.appointment_id is not None
                    else None
                )
                patient = (
                    await uow.session.get(PatientRow, event.patient_id)
                    if event.patient_id is not None
                    else None
                )
            yield StaffNotice(event, appointment, patient)


async def my_appointment_updates(services: Services, actor: Actor) -> AsyncIterator[AppointmentRow]:
    """Appointments of the user's patients, and the user's own holds, as they change."""
    async with UnitOfWork(services, write=False) as uow:
        patient_ids = await repo.patient_ids_of_user(uow.session, actor.user_id)
    channels = [patient_channel(p) for p in sorted(patient_ids)] + [user_channel(actor.user_id)]
    async with services.hub.listen(channels) as subscriber:
        async for message in subscriber:
            event = AppointmentChanged.from_json(message.message)
            async with UnitOfWork(services, write=False) as uow:
                row = await uow.session.get(AppointmentRow, event.appointment_id)
                current = Actor(
                    user_id=actor.user_id,
                    kind=actor.kind,
                    patient_ids=await repo.patient_ids_of_user(uow.session, actor.user_id),
                    practitioner_id=actor.practitioner_id,
                )
            if row is None or row.status == "LAPSED":
                continue
            if may_see_appointment(
                current,
                patient_id=row.patient_id,
                practitioner_id=-1,
                created_by_id=row.created_by_id,
            ):
                yield row
