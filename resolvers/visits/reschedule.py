"""rescheduleAppointment: a visit moves to another free slot, keeping its id, in one
transaction (the new time taken and the old one freed together, or nothing changes)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain import messages
from domain.actors import Actor
from domain.appointments import AppointmentStatus, PatientResponse
from domain.errors import NotAllowed, NotFound, SlotUnavailable, TimeTaken
from domain.phrases import N_
from domain.policy import (
    acts_for_the_clinic,
    may_change_practitioner_or_service,
    may_move_appointment,
    require_mover,
)
from domain.rescheduling import (
    check_movable,
    check_reschedule_notice,
    status_after_move,
)
from domain.throttling import MOVES_PER_USER
from domain.validation import optional_text, parse_id, require_instant
from domain.webhook_events import AppointmentState, appointment_rescheduled
from persistence.models import AppointmentMoveRow, AppointmentRow, ClinicRow
from resolvers.attempts import limit_per_user
from resolvers.booking.slot_rules import booking_context, clinic_side_rules, freed, online_slot
from resolvers.deps import Deps
from resolvers.mail.notices import clinic_recipient, patient_contact, visit_facts
from resolvers.unit_of_work import UnitOfWork
from resolvers.visits.change_rules import change_rules
from subscriptions.appointment_events import appointment_changed, slot_changed
from subscriptions.events import AppointmentChanged, SlotChanged, SlotState

TAKEN = N_("Someone else has just taken this time; your visit stays where it was.")
CHANGED = N_("This visit changed while you moved it; look at it again.")


@dataclass(frozen=True)
class MoveAsked:
    """Where to: a start, and (staff only) another practitioner or service."""

    start: datetime
    practitioner_id: int | None
    service_id: int | None
    client_key: str | None


async def reschedule_appointment(
    deps: Deps,
    actor: Actor | None,
    *,
    appointment_id: str,
    start: datetime,
    client_key: str | None = None,
    practitioner_id: str | None = None,
    service_id: str | None = None,
) -> AppointmentRow:
    """The visit at its new time. Someone else's visit answers as a missing one."""
    mover = require_mover(actor)
    key = parse_id(appointment_id, "appointmentId")
    asked = MoveAsked(
        require_instant(start, "start"),
        parse_id(practitioner_id, "practitionerId") if practitioner_id else None,
        parse_id(service_id, "serviceId") if service_id else None,
        optional_text(client_key, "clientKey", 100),
    )
    now = deps.now()
    async with UnitOfWork(deps) as uow:
        row = await uow.appointments.get(key)
        if row is None or not may_move_appointment(mover, row.patient_id):
            raise NotFound("No such visit.")
        if asked.client_key and await uow.moves.by_client_key(row.id, asked.client_key):
            return row  # a retry of a move that went through
        if not acts_for_the_clinic(mover):
            await limit_per_user(deps, MOVES_PER_USER, mover.user_id)
        clinic = await uow.clinic.get()
        move = await _planned(uow, mover, row, clinic, asked, now)
        if move is None:
            return row  # already there
        await _moved(uow, row, move, clinic, mover, now)
        await _tell(uow, row, clinic, move.from_start, now)
        await uow.commit()
    return row


async def _planned(
    uow: UnitOfWork,
    mover: Actor,
    row: AppointmentRow,
    clinic: ClinicRow,
    asked: MoveAsked,
    now: datetime,
) -> AppointmentMoveRow | None:
    """The move asked for, checked against the clinic's rules for this mover; None when
    the visit is there already."""
    check_movable(AppointmentStatus(row.status), row.start_at, now)
    practitioner = asked.practitioner_id or row.practitioner_id
    service = asked.service_id or row.service_id
    elsewhere = (practitioner, service) != (row.practitioner_id, row.service_id)
    if elsewhere and not may_change_practitioner_or_service(mover):
        raise NotAllowed("Only clinic staff may move a visit to another practitioner or service.")
    for_clinic = acts_for_the_clinic(mover)
    if not for_clinic:
        check_reschedule_notice(
            change_rules(clinic), start=row.start_at, moves=row.reschedule_count, now=now
        )
    context = await booking_context(uow, practitioner, service)
    rules = clinic_side_rules(clinic) if for_clinic else None
    slot = online_slot(context, asked.start, now, rules)
    if not elsewhere and slot.start == row.start_at:
        return None
    return AppointmentMoveRow(
        appointment_id=row.id,
        from_practitioner_id=row.practitioner_id,
        from_service_id=row.service_id,
        from_start=row.start_at,
        from_end=row.end_at,
        to_practitioner_id=practitioner,
        to_service_id=service,
        to_start=slot.start,
        to_end=slot.end,
        moved_by_user_id=None if mover.is_client else mover.user_id,
        moved_by_client_id=mover.client_id,
        moved_at=now,
        client_key=asked.client_key,
    )


async def _moved(
    uow: UnitOfWork,
    row: AppointmentRow,
    move: AppointmentMoveRow,
    clinic: ClinicRow,
    mover: Actor,
    now: datetime,
) -> None:
    """The row at its new place, its old time announced free and its new one taken."""
    status = status_after_move(
        AppointmentStatus(row.status),
        by_patient=not acts_for_the_clinic(mover),
        rules=change_rules(clinic),
    )
    try:
        lapsed = await uow.moves.move(
            row,
            move,
            now,
            status=status.value,
            patient_response=PatientResponse.NONE.value,
        )
    except TimeTaken:
        raise SlotUnavailable(TAKEN) from None
    if lapsed is None:
        raise SlotUnavailable(CHANGED)
    taken = SlotState.BOOKED if status is AppointmentStatus.BOOKED else SlotState.HELD
    old = AppointmentChanged(row.id, row.patient_id, row.created_by_id, move.from_practitioner_id)
    uow.emit(
        *freed(lapsed),
        SlotChanged(move.from_practitioner_id, move.from_start, move.from_end, SlotState.FREE),
        slot_changed(row, taken),
        appointment_changed(row),
        *([old] if move.from_practitioner_id != row.practitioner_id else []),
    )
    state = AppointmentState.of(row)
    uow.tell_partners(appointment_rescheduled(state, move.from_start, move.from_end, now))


async def _tell(
    uow: UnitOfWork,
    row: AppointmentRow,
    clinic: ClinicRow,
    previous_start: datetime,
    now: datetime,
) -> None:
    """The patient (or their user) and the clinic hear of the new time."""
    facts = await visit_facts(uow, row, clinic)
    tentative = row.status != AppointmentStatus.BOOKED.value
    if to := await patient_contact(uow, row, clinic):
        uow.mail(messages.rescheduled(to, facts, previous_start, tentative=tentative), now)
    if inbox := clinic_recipient(clinic):
        uow.mail(messages.rescheduled_for_clinic(inbox, facts, previous_start), now)
