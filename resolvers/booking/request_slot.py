"""request: turn the user's hold into a booking for one of the patients they manage."""

from __future__ import annotations

from datetime import datetime

from domain import messages
from domain.actors import Actor
from domain.appointments import (
    AppointmentStatus,
    check_request,
    ensure_hold_usable,
    is_expired_hold,
    status_after_request,
)
from domain.errors import HoldExpired, NotFound, SlotUnavailable, TimeTaken, found
from domain.policy import may_request_hold, require_booking_for, require_person_or_scope
from domain.scopes import APPOINTMENTS_WRITE
from domain.validation import optional_text, parse_id
from persistence.models import AppointmentRow, ClinicRow
from resolvers.booking.slot_rules import freed
from resolvers.deps import Deps
from resolvers.mail.notices import clinic_recipient, patient_contact, visit_facts
from resolvers.unit_of_work import UnitOfWork
from subscriptions.appointment_events import appointment_changed, slot_changed
from subscriptions.events import (
    SlotState,
    StaffNotificationKind,
    StaffNotified,
)

#: A request turns one of these into a booking; anything else means it changed meanwhile.
HOLD_STATUSES = (AppointmentStatus.TEMPORARY.value, AppointmentStatus.LAPSED.value)
#: What a retried request may find: it went through already.
REQUESTED = (AppointmentStatus.REQUESTED, AppointmentStatus.PROVISIONAL, AppointmentStatus.BOOKED)
STAFF_NOTICE = {
    AppointmentStatus.REQUESTED: StaffNotificationKind.NEW_REQUEST,
    AppointmentStatus.PROVISIONAL: StaffNotificationKind.NEW_PROVISIONAL_BOOKING,
}


async def request(
    deps: Deps, actor: Actor | None, *, appointment_id: str, patient_id: str, note: str | None
) -> AppointmentRow:
    """BOOKED, REQUESTED (approval required) or PROVISIONAL (provisional patient): by
    the holder, a person or a partner's API client (`appointments:write`)."""
    actor = require_person_or_scope(actor, APPOINTMENTS_WRITE)
    key = parse_id(appointment_id, "appointmentId")
    patient_key = parse_id(patient_id, "patientId")
    note = optional_text(note, "note", 2000)
    now = deps.now()
    async with UnitOfWork(deps) as uow:
        row = await uow.appointments.get_hold(key)
        if row is None or not may_request_hold(actor, row.created_by_id, row.held_by_client_id):
            raise NotFound("No such hold.")
        if await book_hold(uow, actor, row, patient_key, note, now):
            await uow.commit()
    return row


async def book_hold(
    uow: UnitOfWork,
    actor: Actor,
    row: AppointmentRow,
    patient_key: int,
    note: str | None,
    now: datetime,
) -> bool:
    """The holder's hold `row` booked for the patient in `uow`, told and announced; False
    when it was already (a retry of a request that went through)."""
    status = AppointmentStatus(row.status)
    if status in REQUESTED and row.patient_id == patient_key:
        return False
    require_booking_for(actor, patient_key)
    patient = found(await uow.patients.get(patient_key), "No such patient.")
    check_request(status)
    if is_expired_hold(status, row.hold_expires_at, now) or status is AppointmentStatus.LAPSED:
        await _reclaim_lapsed(uow, row, now)
    clinic = await uow.clinic.get()
    new_status = status_after_request(
        approval_required=clinic.approval_required, patient_provisional=patient.provisional
    )
    await _book(uow, row, new_status, patient_key, note, now)
    await _tell_about_request(uow, row, clinic, now)
    _announce(uow, row, new_status, actor, now)
    return True


async def _reclaim_lapsed(uow: UnitOfWork, row: AppointmentRow, now: datetime) -> None:
    """A late request still books the slot when nobody else took it meanwhile."""
    lapsed = await uow.appointments.lapse_expired(
        now, practitioner_id=row.practitioner_id, start=row.start_at, end=row.end_at
    )
    others = await uow.appointments.live_between(row.practitioner_id, row.start_at, row.end_at, now)
    ensure_hold_usable(not [a for a in others if a.id != row.id])
    uow.emit(*[change for change in freed(lapsed) if change.start != row.start_at])


async def _book(
    uow: UnitOfWork,
    row: AppointmentRow,
    status: AppointmentStatus,
    patient_id: int,
    note: str | None,
    now: datetime,
) -> None:
    """Compare-and-swap from hold to booking, so two racing requests end with one."""
    try:
        swapped = await uow.appointments.swap_status(
            row.id,
            HOLD_STATUSES,
            status=status.value,
            patient_id=patient_id,
            note=note,
            hold_expires_at=None,
            client_key=None,
            created_at=now,
        )
    except TimeTaken:
        raise HoldExpired("The hold lapsed and someone else has taken the slot.") from None
    if not swapped:
        raise SlotUnavailable("This hold changed while you booked it; hold the slot again.")
    await uow.appointments.refresh(row)


def _announce(
    uow: UnitOfWork, row: AppointmentRow, status: AppointmentStatus, actor: Actor, now: datetime
) -> None:
    slot_state = SlotState.BOOKED if status is AppointmentStatus.BOOKED else SlotState.HELD
    uow.emit(
        slot_changed(row, slot_state),
        appointment_changed(row, user_id=None if actor.is_client else actor.user_id),
    )
    if status in STAFF_NOTICE:
        uow.emit(StaffNotified(STAFF_NOTICE[status], now, row.id, row.patient_id))


async def _tell_about_request(
    uow: UnitOfWork, row: AppointmentRow, clinic: ClinicRow, now: datetime
) -> None:
    """Email the requester (received, or confirmed) and the clinic (a new request)."""
    facts = await visit_facts(uow, row, clinic)
    to = await patient_contact(uow, row, clinic)
    if row.status == AppointmentStatus.BOOKED.value:
        if to:
            uow.mail(messages.confirmed(to, facts), now)
        return
    if to:
        uow.mail(messages.request_received(to, facts), now)
    if inbox := clinic_recipient(clinic):
        uow.mail(messages.new_request_for_clinic(inbox, facts, row.note), now)
