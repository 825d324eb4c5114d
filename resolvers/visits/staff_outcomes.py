"""completeAppointment and cancelAppointment: the clinic's official outcomes."""

from __future__ import annotations

from domain import messages
from domain.actors import Actor
from domain.appointments import AppointmentStatus, check_staff_outcome
from domain.errors import NotFound
from domain.policy import require_staff
from domain.validation import optional_text, parse_id
from persistence.models import AppointmentRow
from resolvers.deps import Deps
from resolvers.mail.notices import patient_contact, visit_facts
from resolvers.unit_of_work import UnitOfWork
from subscriptions.events import AppointmentChanged, SlotChanged, SlotState


async def _appointment(uow: UnitOfWork, appointment_id: str) -> AppointmentRow:
    row = await uow.appointments.get(parse_id(appointment_id, "appointmentId"))
    if row is None:
        raise NotFound("No such appointment.")
    return row


async def complete_appointment(
    deps: Deps, actor: Actor | None, *, appointment_id: str
) -> AppointmentRow:
    """The visit took place; only once it has started."""
    require_staff(actor)
    now = deps.now()
    async with UnitOfWork(deps) as uow:
        row = await _appointment(uow, appointment_id)
        if row.status == AppointmentStatus.COMPLETED.value:
            return row
        check_staff_outcome(
            AppointmentStatus(row.status), completing=True, start=row.start_at, now=now
        )
        row.status = AppointmentStatus.COMPLETED.value
        uow.emit(AppointmentChanged(row.id, row.patient_id, row.created_by_id))
        await uow.commit()
    return row


async def cancel_appointment(
    deps: Deps, actor: Actor | None, *, appointment_id: str, reason: str | None
) -> AppointmentRow:
    """The slot is free at once and the patient is told."""
    require_staff(actor)
    reason = optional_text(reason, "reason", 2000)
    now = deps.now()
    async with UnitOfWork(deps) as uow:
        row = await _appointment(uow, appointment_id)
        if row.status == AppointmentStatus.CANCELLED.value:
            return row
        check_staff_outcome(
            AppointmentStatus(row.status), completing=False, start=row.start_at, now=now
        )
        row.status = AppointmentStatus.CANCELLED.value
        row.cancellation_reason = reason
        to = await patient_contact(uow, row)
        if to:
            facts = await visit_facts(uow, row, await uow.clinic.get())
            uow.mail(messages.cancelled_by_clinic(to, facts, reason), now)
        uow.emit(
            SlotChanged(row.practitioner_id, row.start_at, row.end_at, SlotState.FREE),
            AppointmentChanged(row.id, row.patient_id, row.created_by_id),
        )
        await uow.commit()
    return row
