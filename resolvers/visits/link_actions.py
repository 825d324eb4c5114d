"""What each visit link does when pressed, in the link's transaction."""

from __future__ import annotations

from datetime import datetime

from domain.actors import Actor, UserKind
from domain.appointments import (
    AppointmentStatus,
    PatientResponse,
    check_patient_response,
    patient_may_ask,
)
from domain.errors import NotAllowed, NotFound
from domain.phrases import N_
from domain.rescheduling import check_cancel_notice
from domain.visit_links import INVALID, LinkPurpose
from domain.waitlist import EntryState
from persistence.models import AppointmentRow
from resolvers.booking.request_slot import book_hold
from resolvers.unit_of_work import UnitOfWork
from resolvers.visits.change_rules import change_rules
from resolvers.visits.respond_to_visit import CALL_THE_CLINIC, PHONE_ONLY, tell_clinic
from subscriptions.appointment_events import appointment_changed

CONFIRMED = N_("Thank you: your visit is confirmed.")
TAKEN = N_("The time is yours: it is booked (or requested, where the clinic confirms bookings).")


async def act(uow: UnitOfWork, purpose: LinkPurpose, row: AppointmentRow, now: datetime) -> str:
    if purpose is LinkPurpose.ACCEPT_OFFER:
        return await _accept_offer(uow, row, now)
    clinic = await uow.clinic.get()
    status = AppointmentStatus(row.status)
    check_patient_response(status, row.start_at, now)
    previous = PatientResponse(row.patient_response)
    if purpose is LinkPurpose.CONFIRM:
        if previous is not PatientResponse.CONFIRMED:
            row.patient_response = PatientResponse.CONFIRMED.value
            uow.emit(appointment_changed(row))
        return CONFIRMED
    if not patient_may_ask(
        PatientResponse.CANCEL_REQUESTED, cancel_online=clinic.patient_cancel_enabled
    ):
        raise NotAllowed(PHONE_ONLY)
    check_cancel_notice(change_rules(clinic), start=row.start_at, now=now)
    if previous is not PatientResponse.CANCEL_REQUESTED:
        row.patient_response = PatientResponse.CANCEL_REQUESTED.value
        await tell_clinic(uow, row, clinic, previous, PatientResponse.CANCEL_REQUESTED, now)
        uow.emit(appointment_changed(row))
    return CALL_THE_CLINIC


async def _accept_offer(uow: UnitOfWork, row: AppointmentRow, now: datetime) -> str:
    """As `acceptOffer`, by the user the offer was made to."""
    entry = await uow.waitlist.by_offer(row.id)
    user = await uow.users.get(entry.user_id) if entry else None
    if entry is None or user is None or user.disabled_at is not None:
        raise NotFound(INVALID)
    owner = Actor(user.id, UserKind(user.kind), await uow.users.patient_ids(user.id))
    await book_hold(uow, owner, row, entry.patient_id, None, now)
    await uow.waitlist.settle(entry.id, row.id, EntryState.BOOKED)
    return TAKEN
