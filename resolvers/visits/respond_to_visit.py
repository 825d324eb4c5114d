"""confirmVisit, cancelVisit, clearVisitResponse: the patient's answer to a booked visit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain import messages
from domain.actors import Actor
from domain.appointments import (
    AppointmentStatus,
    PatientResponse,
    check_patient_response,
    patient_may_ask,
)
from domain.errors import NotAllowed, NotFound
from domain.phrases import N_, Phrase, Said
from domain.policy import acts_for_the_clinic, may_manage_patient, require_signed_in
from domain.rescheduling import check_cancel_notice
from domain.validation import parse_id
from persistence.models import AppointmentRow, ClinicRow
from resolvers.deps import Deps
from resolvers.mail.notices import clinic_recipient, visit_facts
from resolvers.unit_of_work import UnitOfWork
from resolvers.visits.change_rules import change_rules
from subscriptions.appointment_events import appointment_changed
from subscriptions.events import StaffNotificationKind, StaffNotified

CALL_THE_CLINIC = N_(
    "Your cancellation request was sent to the clinic. It is pending until the clinic"
    " cancels the visit; it remains your responsibility to call the clinic."
)
PHONE_ONLY = N_("This clinic takes cancellations by phone only; please call the clinic.")


@dataclass(frozen=True)
class CancelRequestedVisit:
    appointment: AppointmentRow
    #: Said in English, remembering its phrase for the reader's language.
    notice: Said


async def confirm_visit(deps: Deps, actor: Actor | None, *, appointment_id: str) -> AppointmentRow:
    return await _respond(deps, actor, appointment_id, PatientResponse.CONFIRMED)


async def cancel_visit(
    deps: Deps, actor: Actor | None, *, appointment_id: str
) -> CancelRequestedVisit:
    row = await _respond(deps, actor, appointment_id, PatientResponse.CANCEL_REQUESTED)
    return CancelRequestedVisit(row, Said(Phrase(CALL_THE_CLINIC)))


async def clear_visit_response(
    deps: Deps, actor: Actor | None, *, appointment_id: str
) -> AppointmentRow:
    return await _respond(deps, actor, appointment_id, PatientResponse.NONE)


async def _respond(
    deps: Deps, actor: Actor | None, appointment_id: str, response: PatientResponse
) -> AppointmentRow:
    """Set the patient's answer on a visit they manage. A visit of someone else's patient
    answers exactly as a missing one."""
    actor = require_signed_in(actor)
    key = parse_id(appointment_id, "appointmentId")
    now = deps.now()
    async with UnitOfWork(deps) as uow:
        row = await uow.appointments.get(key)
        if row is None or not may_manage_patient(actor, row.patient_id):
            raise NotFound("No such visit.")
        clinic = await uow.clinic.get()
        if not patient_may_ask(response, cancel_online=clinic.patient_cancel_enabled):
            raise NotAllowed(PHONE_ONLY)
        previous = PatientResponse(row.patient_response)
        check_patient_response(AppointmentStatus(row.status), row.start_at, now)
        if previous is response:
            return row
        if response is PatientResponse.CANCEL_REQUESTED and not acts_for_the_clinic(actor):
            check_cancel_notice(change_rules(clinic), start=row.start_at, now=now)
        row.patient_response = response.value
        await tell_clinic(uow, row, clinic, previous, response, now)
        uow.emit(appointment_changed(row))
        await uow.commit()
    return row


async def tell_clinic(
    uow: UnitOfWork,
    row: AppointmentRow,
    clinic: ClinicRow,
    previous: PatientResponse,
    response: PatientResponse,
    now: datetime,
) -> None:
    """A cancel request, or taking one back, is the clinic's to hear of."""
    if response is PatientResponse.CANCEL_REQUESTED:
        kind, email = StaffNotificationKind.CANCEL_REQUESTED, messages.cancel_requested
    elif previous is PatientResponse.CANCEL_REQUESTED:
        kind, email = StaffNotificationKind.UNCANCEL_REQUESTED, messages.uncancel_requested
    else:
        return
    if inbox := clinic_recipient(clinic):
        uow.mail(email(inbox, await visit_facts(uow, row, clinic)), now)
    uow.emit(StaffNotified(kind, now, row.id, row.patient_id))
