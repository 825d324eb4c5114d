"""reject: the slot is free at once; the patient is told, with the reason if the clinic
says so."""

from __future__ import annotations

from domain import messages
from domain.actors import Actor
from domain.appointments import AppointmentStatus, check_answerable
from domain.policy import require_staff
from domain.validation import optional_text, parse_id
from persistence.models import AppointmentRow
from resolvers.answers.answering import already_answered, appointment_to_answer
from resolvers.deps import Deps
from resolvers.facts import Fact
from resolvers.mail.notices import patient_contact, visit_facts
from resolvers.unit_of_work import UnitOfWork
from subscriptions.appointment_events import appointment_changed, slot_changed
from subscriptions.events import SlotState


async def reject(
    deps: Deps,
    actor: Actor | None,
    *,
    appointment_id: str,
    reason: str | None,
    notify_patient: bool,
) -> AppointmentRow:
    require_staff(actor)
    key = parse_id(appointment_id, "appointmentId")
    reason = optional_text(reason, "reason", 2000)
    now = deps.now()
    async with UnitOfWork(deps) as uow:
        row = await appointment_to_answer(uow, key)
        if row.status == AppointmentStatus.REJECTED.value:
            return row
        check_answerable(AppointmentStatus(row.status))
        clinic = await uow.clinic.get()
        swapped = await uow.appointments.swap_status(
            row.id,
            [row.status],
            status=AppointmentStatus.REJECTED.value,
            rejection_reason=reason,
            sequence=AppointmentRow.sequence + 1,
        )
        if not swapped:
            await uow.rollback()
            return await already_answered(deps, key, AppointmentStatus.REJECTED)
        await uow.appointments.refresh(row)
        to = await patient_contact(uow, row, clinic) if notify_patient else None
        if to:
            told = reason if clinic.rejection_email_includes_reason else None
            facts = await visit_facts(uow, row, clinic)
            uow.mail(messages.rejected(to, facts, told), now)
        uow.emit(
            slot_changed(row, SlotState.FREE),
            appointment_changed(row),
        )
        uow.count(Fact.REQUEST_REJECTED)
        await uow.commit()
    return row
