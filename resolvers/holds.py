"""Hold a slot, release it, request it, and let lapsed holds go."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from domain import messages
from domain.actors import Actor, require_patient_access, require_signed_in
from domain.appointments import (
    AppointmentStatus,
    check_release,
    check_request,
    ensure_hold_usable,
    is_expired_hold,
    status_after_request,
)
from domain.availability import is_open_slot
from domain.errors import HoldExpired, InvalidInput, NotAllowed, NotFound, SlotUnavailable
from domain.validation import optional_text, parse_id
from persistence import repositories as repo
from persistence.database import is_overlap_violation
from persistence.models import AppointmentRow, ClinicRow, PatientRow
from resolvers.diary_writes import freed, place
from resolvers.outbox import enqueue, patient_contact, visit_facts
from resolvers.services import Services
from resolvers.slot_rules import booking_rules, session_rules
from resolvers.unit_of_work import UnitOfWork
from subscriptions.events import (
    AppointmentChanged,
    SlotChanged,
    SlotState,
    StaffNotificationKind,
    StaffNotified,
)

TAKEN = "Someone else has just taken this time; choose another."
LAPSED_KEPT_FOR = timedelta(hours=1)
#: A request turns one of these into a booking; anything else means it changed meanwhile.
HOLD_STATUSES = (AppointmentStatus.TEMPORARY.value, AppointmentStatus.LAPSED.value)


@dataclass(frozen=True)
class HeldSlot:
    appointment: AppointmentRow

    @property
    def expires_at(self) -> datetime:
        assert self.appointment.hold_expires_at is not None
        return self.appointment.hold_expires_at


async def hold(
    services: Services,
    actor: Actor | None,
    *,
    practitioner_id: str,
    service_id: str,
    start: datetime,
    client_key: str | None,
) -> HeldSlot:
    """Place a temporary appointment on a real online slot so nobody else can take it."""
    actor = require_signed_in(actor)
    pid = parse_id(practitioner_id, "practitionerId")
    sid = parse_id(service_id, "serviceId")
    key = optional_text(client_key, "clientKey", 100)
    if start.tzinfo is None:
        raise InvalidInput("start needs a UTC offset.", "start")
    now = services.now()
    async with UnitOfWork(services) as uow:
        session = uow.session
        if key and (earlier := await repo.hold_by_client_key(session, actor.user_id, key)):
            return HeldSlot(earlier)
        clinic = await repo.clinic(session)
        practitioner, service, offered = await repo.practitioner_and_service(session, pid, sid)
        if practitioner is None:
            raise NotFound("No such practitioner.")
        if service is None:
            raise NotFound("No such service.")
        if not (practitioner.online_access and service.bookable_online and offered):
            raise InvalidInput("This practitioner does not offer that service online.", "serviceId")
        slot = is_open_slot(
            rules=session_rules(await repo.sessions_of(session, pid)),
            duration=timedelta(minutes=service.duration_minutes),
            booking=booking_rules(clinic),
            start=start,
            now=now,
        )
        if slot is None:
            raise InvalidInput("That time is not an online slot of this practitioner.", "start")
        if await repo.live_holds_of_user(session, actor.user_id, now) >= clinic.max_live_holds:
            raise NotAllowed(
                f"You already hold {clinic.max_live_holds} slots; book or release one first."
            )
        row = AppointmentRow(
            status=AppointmentStatus.TEMPORARY.value,
            practitioner_id=pid,
            service_id=sid,
            location_id=slot.location_id,
            start_at=slot.start,
            end_at=slot.end,
            hold_expires_at=now + timedelta(minutes=clinic.hold_minutes),
            patient_response="NONE",
            created_online=True,
            created_by_id=actor.user_id,
            created_at=now,
            client_key=key,
        )
        freed_slots = await place(session, row, now, TAKEN)
        uow.emit(
            *freed_slots,
            SlotChanged(pid, slot.start, slot.end, SlotState.HELD),
            AppointmentChanged(row.id, None, actor.user_id),
        )
        await uow.commit()
    return HeldSlot(row)


async def release_hold(
    services: Services, actor: Actor | None, *, appointment_id: str
) -> AppointmentRow:
    """The holder (or staff) gives the slot back at once."""
    actor = require_signed_in(actor)
    aid = parse_id(appointment_id, "appointmentId")
    async with UnitOfWork(services) as uow:
        row = await uow.session.get(AppointmentRow, aid)
        if row is None or not (actor.is_staff or row.created_by_id == actor.user_id):
            raise NotFound("No such hold.")
        check_release(
            status=AppointmentStatus(row.status),
            by_holder=row.created_by_id == actor.user_id,
            by_staff=actor.is_staff,
        )
        row.status = AppointmentStatus.LAPSED.value
        row.client_key = None
        uow.emit(
            SlotChanged(row.practitioner_id, row.start_at, row.end_at, SlotState.FREE),
            AppointmentChanged(row.id, None, row.created_by_id),
        )
        await uow.commit()
    return row


async def request(
    services: Services,
    actor: Actor | None,
    *,
    appointment_id: str,
    patient_id: str,
    note: str | None,
) -> AppointmentRow:
    """Turn the user's hold into a booking for one of the patients they manage."""
    actor = require_signed_in(actor)
    aid = parse_id(appointment_id, "appointmentId")
    patid = parse_id(patient_id, "patientId")
    note = optional_text(note, "note", 2000)
    now = services.now()
    async with UnitOfWork(services) as uow:
        session = uow.session
        row = await session.get(AppointmentRow, aid)
        if row is None or row.created_by_id != actor.user_id:
            raise NotFound("No such hold.")
        status = AppointmentStatus(row.status)
        if (
            status
            in (
                AppointmentStatus.REQUESTED,
                AppointmentStatus.PROVISIONAL,
                AppointmentStatus.BOOKED,
            )
            and row.patient_id == patid
        ):
            return row  # a retry of a request that already went through
        require_patient_access(actor, patid)
        patient = await session.get(PatientRow, patid)
        if patient is None:
            raise NotFound("No such patient.")
        if status is not AppointmentStatus.LAPSED:
            check_request(
                status=status, hold_expires_at=row.hold_expires_at, now=now, held_by_requester=True
            )
        if status is AppointmentStatus.LAPSED or is_expired_hold(status, row.hold_expires_at, now):
            lapsed = await repo.lapse_expired_holds(
                session,
                now,
                practitioner_id=row.practitioner_id,
                start=row.start_at,
                end=row.end_at,
            )
            others = [
                a
                for a in await repo.live_appointments_between(
                    session, row.practitioner_id, row.start_at, row.end_at, now
                )
                if a.id != row.id
            ]
            ensure_hold_usable(not others)
            uow.emit(*[c for c in freed(lapsed) if c.start != row.start_at])
        clinic = await repo.clinic(session)
        new_status = status_after_request(
            approval_required=clinic.approval_required, patient_provisional=patient.provisional
        )
        try:
            swapped = await session.execute(
                update(AppointmentRow)
                .where(AppointmentRow.id == aid, AppointmentRow.status.in_(HOLD_STATUSES))
                .values(
                    status=new_status.value,
                    patient_id=patid,
                    note=note,
                    hold_expires_at=None,
                    client_key=None,
                    created_at=now,
                )
                .execution_options(synchronize_session=False)
            )
        except IntegrityError as error:
            if is_overlap_violation(error):
                raise HoldExpired("The hold lapsed and someone else has taken the slot.") from None
            raise
        if getattr(swapped, "rowcount", 0) != 1:
            raise SlotUnavailable("This hold changed while you booked it; hold the slot again.")
        await session.refresh(row)
        await _tell_about_request(session, row, clinic, now)
        slot_state = SlotState.BOOKED if new_status is AppointmentStatus.BOOKED else SlotState.HELD
        uow.emit(
            SlotChanged(row.practitioner_id, row.start_at, row.end_at, slot_state),
            AppointmentChanged(row.id, patid, actor.user_id),
        )
        if new_status is AppointmentStatus.REQUESTED:
            uow.emit(StaffNotified(StaffNotificationKind.NEW_REQUEST, now, row.id, patid))
        elif new_status is AppointmentStatus.PROVISIONAL:
            uow.emit(
                StaffNotified(StaffNotificationKind.NEW_PROVISIONAL_BOOKING, now, row.id, patid)
            )
        await uow.commit()
    return row


async def sweep_lapsed_holds(services: Services) -> int:
    """Lapse every expired hold and announce its slot free; forget old lapsed holds.

    Run by every server process; concurrent sweeps each announce different holds.
    """
    now = services.now()
    async with UnitOfWork(services, write=False) as uow:
        if not await repo.any_expired_or_old_holds(uow.session, now, now - LAPSED_KEPT_FOR):
            return 0
    async with UnitOfWork(services) as uow:
        lapsed = await repo.lapse_expired_holds(uow.session, now)
        await repo.purge_lapsed_holds(uow.session, now - LAPSED_KEPT_FOR)
        uow.emit(*freed(lapsed))
        uow.emit(*[AppointmentChanged(h.id, None, h.created_by_id) for h in lapsed])
        await uow.commit()
    return len(lapsed)


async def _tell_about_request(
    session: AsyncSession, row: AppointmentRow, clinic: ClinicRow, now: datetime
) -> None:
    """Email the requester (received, or confirmed) and the clinic (a new request)."""
    facts = await visit_facts(session, row, clinic)
    to = await patient_contact(session, row)
    if row.status == AppointmentStatus.BOOKED.value:
        if to:
            enqueue(session, messages.confirmed(to, facts), now)
        return
    if to:
        enqueue(session, messages.request_received(to, facts), now)
    if clinic.notification_email:
        enqueue(
            session,
            messages.new_request_for_clinic(clinic.notification_email, facts, row.note),
            now,
        )
