"""completeAppointment and cancelAppointment: the clinic's official outcomes."""

from __future__ import annotations

from datetime import datetime

from domain import messages
from domain.actors import Actor
from domain.appointments import AppointmentStatus, check_staff_outcome
from domain.errors import found
from domain.policy import require_appointments_write, require_staff
from domain.validation import optional_text, parse_id
from persistence.models import AppointmentRow
from resolvers.deps import Deps
from resolvers.mail.notices import patient_contact, visit_facts
from resolvers.unit_of_work import UnitOfWork
from subscriptions.appointment_events import appointment_changed, slot_changed
from subscriptions.events import SlotState


async def complete_appointment(
    deps: Deps, actor: Actor | None, *, appointment_id: str
) -> AppointmentRow:
    """The visit took place; only once it has started."""
    require_staff(actor)
    return await _conclude(deps, appointment_id, AppointmentStatus.COMPLETED, None)


async def cancel_appointment(
    deps: Deps, actor: Actor | None, *, appointment_id: str, reason: str | None
) -> AppointmentRow:
    """The slot is free at once and the patient is told. Staff, or an API client with
    appointments:write."""
    require_appointments_write(actor)
    reason = optional_text(reason, "reason", 2000)
    return await _conclude(deps, appointment_id, AppointmentStatus.CANCELLED, reason)


async def _conclude(
    deps: Deps, appointment_id: str, outcome: AppointmentStatus, reason: str | None
) -> AppointmentRow:
    """Set the outcome once; the same outcome again is no change."""
    key = parse_id(appointment_id, "appointmentId")
    now = deps.now()
    async with UnitOfWork(deps) as uow:
        row = found(await uow.appointments.get(key), "No such appointment.")
        if row.status == outcome.value:
            return row
        completing = outcome is AppointmentStatus.COMPLETED
        check_staff_outcome(
            AppointmentStatus(row.status), completing=completing, start=row.start_at, now=now
        )
        row.status = outcome.value
        uow.emit(appointment_changed(row))
        if not completing:
            row.cancellation_reason = reason
            row.sequence += 1
            uow.emit(slot_changed(row, SlotState.FREE))
            await _tell_patient(uow, row, reason, now)
        await uow.commit()
    return row


async def _tell_patient(
    uow: UnitOfWork, row: AppointmentRow, reason: str | None, now: datetime
) -> None:
    clinic = await uow.clinic.get()
    to = await patient_contact(uow, row, clinic)
    if to:
        facts = await visit_facts(uow, row, clinic)
        uow.mail(messages.cancelled_by_clinic(to, facts, reason), now)
