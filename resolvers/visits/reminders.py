"""Visit reminders, sent by every process's reminder worker: each once per visit, time
and start, whichever process is up (the sent reminder's key is written with its email)."""

from __future__ import annotations

from datetime import datetime, timedelta

from domain import messages
from domain.appointments import AppointmentStatus, PatientResponse
from domain.reminders import due_reminder, reminder_hours
from domain.visit_links import LinkPurpose
from persistence.models import AppointmentRow, ClinicRow
from resolvers.deps import Deps
from resolvers.mail.notices import patient_contact, visit_facts
from resolvers.unit_of_work import UnitOfWork
from resolvers.visits.links import issue_link

#: Visits one round reads at most (the soonest first; the next round reads on).
ROUND = 500


async def send_due_reminders(deps: Deps) -> int:
    """Email every reminder due now and not yet sent; how many were sent."""
    now = deps.now()
    async with UnitOfWork(deps, write=False) as uow:
        clinic = await uow.clinic.get()
        hours = reminder_hours(clinic.reminder_hours)
        if not hours:
            return 0
        visits = await uow.reminders.booked_between(now, now + timedelta(hours=max(hours)), ROUND)
        sent = await uow.reminders.sent([v.id for v in visits])
    count = 0
    for visit in visits:
        due = due_reminder(
            hours,
            start=visit.start_at,
            booked_at=visit.created_at,
            confirmed=visit.patient_response == PatientResponse.CONFIRMED.value,
            now=now,
        )
        if due is not None and (visit.id, due, visit.start_at) not in sent:
            count += await _send(deps, visit.id, due, visit.start_at, now)
    return count


async def _send(deps: Deps, appointment_id: int, hours: int, start: datetime, now: datetime) -> int:
    """One reminder, with its links, if the visit is still booked then and nobody sent it."""
    async with UnitOfWork(deps) as uow:
        row = await uow.appointments.get(appointment_id)
        if row is None or row.status != AppointmentStatus.BOOKED.value or row.start_at != start:
            return 0
        if not await uow.reminders.record(row.id, hours, start, now):
            return 0
        clinic = await uow.clinic.get()
        to = await patient_contact(uow, row, clinic)
        if to:
            uow.mail(await _reminder(uow, deps, row, clinic, to, now), now)
        await uow.commit()
    return 1 if to else 0


async def _reminder(
    uow: UnitOfWork,
    deps: Deps,
    row: AppointmentRow,
    clinic: ClinicRow,
    to: messages.Recipient,
    now: datetime,
) -> messages.Email:
    confirm = None
    if row.patient_response != PatientResponse.CONFIRMED.value:
        confirm = await issue_link(
            uow, deps, row.id, LinkPurpose.CONFIRM, expires_at=row.start_at, now=now
        )
    cancel = None
    if clinic.patient_cancel_enabled:
        cancel = await issue_link(
            uow, deps, row.id, LinkPurpose.CANCEL, expires_at=row.start_at, now=now
        )
    facts = await visit_facts(uow, row, clinic)
    return messages.reminder(to, clinic.name, facts, confirm, cancel)
