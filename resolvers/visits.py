"""The client portal's visits, and the clinic's official outcomes of an appointment."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain import messages
from domain.actors import Actor, require_patient_access, require_staff
from domain.appointments import (
    AppointmentStatus,
    PatientResponse,
    check_patient_response,
    check_staff_outcome,
)
from domain.errors import InvalidInput, NotAllowed, NotFound
from domain.validation import optional_text, parse_id, require_range
from persistence import repositories as repo
from persistence.models import (
    AppointmentRow,
    LocationRow,
    PatientRow,
    PractitionerRow,
    ServiceRow,
    SessionSeriesRow,
)
from resolvers.diary_writes import place
from resolvers.outbox import enqueue, patient_contact, visit_facts
from resolvers.services import Services
from resolvers.unit_of_work import UnitOfWork
from subscriptions.events import (
    AppointmentChanged,
    SlotChanged,
    SlotState,
    StaffNotificationKind,
    StaffNotified,
)

MAX_VISIT_WINDOW_DAYS = 3 * 366
NOT_VISITS = (AppointmentStatus.TEMPORARY.value, AppointmentStatus.LAPSED.value)
CALL_THE_CLINIC = (
    "Your cancellation request was sent to the clinic. It is pending until the clinic"
    " cancels the visit; it remains your responsibility to call the clinic."
)


async def visits(
    services: Services, actor: Actor | None, *, patient_id: str, start: datetime, end: datetime
) -> Sequence[AppointmentRow]:
    """A patient's appointments in a range, for the users who manage that patient."""
    pid = parse_id(patient_id, "patientId")
    require_patient_access(actor, pid)
    require_range(start, end, max_days=MAX_VISIT_WINDOW_DAYS)
    async with UnitOfWork(services, write=False) as uow:
        query = (
            select(AppointmentRow)
            .where(
                AppointmentRow.patient_id == pid,
                AppointmentRow.start_at < end,
                AppointmentRow.end_at > start,
                # Holds are not visits yet.
                AppointmentRow.status.not_in(NOT_VISITS),
            )
            .order_by(AppointmentRow.start_at, AppointmentRow.id)
        )
        return (await uow.session.execute(query)).scalars().all()


@dataclass(frozen=True)
class CancelRequested:
    appointment: AppointmentRow
    notice: str


async def _respond(
    services: Services, actor: Actor | None, appointment_id: str, response: PatientResponse
) -> tuple[AppointmentRow, PatientResponse]:
    """Set the patient's answer on a visit they manage; returns the row and the old answer."""
    aid = parse_id(appointment_id, "appointmentId")
    now = services.now()
    async with UnitOfWork(services) as uow:
        session = uow.session
        row = await session.get(AppointmentRow, aid)
        if row is None or row.patient_id is None or row.status == AppointmentStatus.LAPSED.value:
            raise NotFound("No such visit.")
        require_patient_access(actor, row.patient_id)
        clinic = await repo.clinic(session)
        if response is PatientResponse.CANCEL_REQUESTED and not clinic.patient_cancel_enabled:
            raise NotAllowed(
                "This clinic takes cancellations by phone only; please call the clinic."
            )
        previous = PatientResponse(row.patient_response)
        check_patient_response(AppointmentStatus(row.status), row.start_at, now)
        if previous is response:
            return row, previous
        row.patient_response = response.value
        facts = await visit_facts(session, row, clinic)
        to = clinic.notification_email
        if response is PatientResponse.CANCEL_REQUESTED:
            if to:
                enqueue(session, messages.cancel_requested(to, facts), now)
            uow.emit(
                StaffNotified(StaffNotificationKind.CANCEL_REQUESTED, now, row.id, row.patient_id)
            )
        elif previous is PatientResponse.CANCEL_REQUESTED:
            if to:
                enqueue(session, messages.uncancel_requested(to, facts), now)
            uow.emit(
                StaffNotified(StaffNotificationKind.UNCANCEL_REQUESTED, now, row.id, row.patient_id)
            )
        uow.emit(AppointmentChanged(row.id, row.patient_id, row.created_by_id))
        await uow.commit()
    return row, previous


async def confirm_visit(
    services: Services, actor: Actor | None, *, appointment_id: str
) -> AppointmentRow:
    row, _ = await _respond(services, actor, appointment_id, PatientResponse.CONFIRMED)
    return row


async def cancel_visit(
    services: Services, actor: Actor | None, *, appointment_id: str
) -> CancelRequested:
    row, _ = await _respond(services, actor, appointment_id, PatientResponse.CANCEL_REQUESTED)
    return CancelRequested(row, CALL_THE_CLINIC)


async def clear_visit_response(
    services: Services, actor: Actor | None, *, appointment_id: str
) -> AppointmentRow:
    row, _ = await _respond(services, actor, appointment_id, PatientResponse.NONE)
    return row


async def book_appointment(
    services: Services,
    actor: Actor | None,
    *,
    patient_id: str,
    practitioner_id: str,
    service_id: str,
    start: datetime,
    location_id: str | None,
    note: str | None,
) -> AppointmentRow:
    """A front-desk booking straight into the diary, past or future; never overlapping."""
    staff = require_staff(actor)
    patid = parse_id(patient_id, "patientId")
    pid = parse_id(practitioner_id, "practitionerId")
    sid = parse_id(service_id, "serviceId")
    lid = parse_id(location_id, "locationId") if location_id else None
    note = optional_text(note, "note", 2000)
    if start.tzinfo is None:
        raise InvalidInput("start needs a UTC offset.", "start")
    now = services.now()
    async with UnitOfWork(services) as uow:
        session = uow.session
        patient = await session.get(PatientRow, patid)
        if patient is None:
            raise InvalidInput("No such patient.", "patientId")
        if await session.get(PractitionerRow, pid) is None:
            raise InvalidInput("No such practitioner.", "practitionerId")
        service = await session.get(ServiceRow, sid)
        if service is None:
            raise InvalidInput("No such service.", "serviceId")
        if lid is None:
            lid = await _usual_location(session, pid)
        elif await session.get(LocationRow, lid) is None:
            raise InvalidInput("No such location.", "locationId")
        end = start + timedelta(minutes=service.duration_minutes)
        row = AppointmentRow(
            status=AppointmentStatus.BOOKED.value,
            patient_id=patid,
            practitioner_id=pid,
            service_id=sid,
            location_id=lid,
            start_at=start,
            end_at=end,
            patient_response="NONE",
            created_online=False,
            created_by_id=staff.user_id,
            created_at=now,
            note=note,
        )
        freed_slots = await place(
            session, row, now, "The practitioner already has an appointment at that time."
        )
        uow.emit(
            *freed_slots,
            SlotChanged(pid, start, end, SlotState.BOOKED),
            AppointmentChanged(row.id, patid, None),
        )
        await uow.commit()
    return row


async def _usual_location(session: AsyncSession, practitioner_id: int) -> int:
    """Where the practitioner usually works (their first session), else the first location."""
    found = (
        await session.execute(
            select(SessionSeriesRow.location_id)
            .where(SessionSeriesRow.practitioner_id == practitioner_id)
            .order_by(SessionSeriesRow.id)
            .limit(1)
        )
    ).scalar_one_or_none()
    if found is None:
        found = (
            await session.execute(select(LocationRow.id).order_by(LocationRow.id).limit(1))
        ).scalar_one_or_none()
    if found is None:
        raise InvalidInput("Name a location: this clinic has none set up.", "locationId")
    return int(found)


async def complete_appointment(
    services: Services, actor: Actor | None, *, appointment_id: str
) -> AppointmentRow:
    """The visit took place; only once it has started."""
    require_staff(actor)
    aid = parse_id(appointment_id, "appointmentId")
    now = services.now()
    async with UnitOfWork(services) as uow:
        row = await uow.session.get(AppointmentRow, aid)
        if row is None or row.status == AppointmentStatus.LAPSED.value:
            raise NotFound("No such appointment.")
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
    services: Services, actor: Actor | None, *, appointment_id: str, reason: str | None
) -> AppointmentRow:
    """The clinic's official cancellation: the slot is free and the patient told."""
    require_staff(actor)
    aid = parse_id(appointment_id, "appointmentId")
    reason = optional_text(reason, "reason", 2000)
    now = services.now()
    async with UnitOfWork(services) as uow:
        session = uow.session
        row = await session.get(AppointmentRow, aid)
        if row is None or row.status == AppointmentStatus.LAPSED.value:
            raise NotFound("No such appointment.")
        if row.status == AppointmentStatus.CANCELLED.value:
            return row
        check_staff_outcome(
            AppointmentStatus(row.status), completing=False, start=row.start_at, now=now
        )
        row.status = AppointmentStatus.CANCELLED.value
        row.cancellation_reason = reason
        clinic = await repo.clinic(session)
        to = await patient_contact(session, row)
        if to:
            enqueue(
                session,
                messages.cancelled_by_clinic(to, await visit_facts(session, row, clinic), reason),
                now,
            )
        uow.emit(
            SlotChanged(row.practitioner_id, row.start_at, row.end_at, SlotState.FREE),
            AppointmentChanged(row.id, row.patient_id, row.created_by_id),
        )
        await uow.commit()
    return row
