"""Requests the clinic answers: the pending list, patient matching, accept and reject."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain import messages
from domain.actors import Actor, require_staff
from domain.appointments import PENDING_STATUSES, AppointmentStatus, check_answerable
from domain.errors import InvalidInput, NotFound, PatientChoiceRequired
from domain.matching import Match, choose_automatically, find_matches
from domain.validation import optional_text, parse_id
from persistence import repositories as repo
from persistence.models import AppointmentRow, ClinicRow, PatientRow
from resolvers.outbox import enqueue, patient_contact, visit_facts
from resolvers.registrations import (
    admit,
    details,
    match_candidates,
    merge_into,
    provisional_patient,
)
from resolvers.services import Services
from resolvers.unit_of_work import UnitOfWork
from subscriptions.events import AppointmentChanged, SlotChanged, SlotState


async def pending_requests(services: Services, actor: Actor | None) -> Sequence[AppointmentRow]:
    """REQUESTED and PROVISIONAL appointments, oldest request first."""
    require_staff(actor)
    async with UnitOfWork(services, write=False) as uow:
        query = (
            select(AppointmentRow)
            .where(AppointmentRow.status.in_([s.value for s in PENDING_STATUSES]))
            .order_by(AppointmentRow.created_at, AppointmentRow.id)
        )
        return (await uow.session.execute(query)).scalars().all()


@dataclass(frozen=True)
class FoundMatch:
    patient: PatientRow
    match: Match


async def _matches(session: AsyncSession, provisional: PatientRow) -> list[FoundMatch]:
    existing = {p.id: p for p in await match_candidates(session, provisional)}
    found = find_matches(details(provisional), [details(p) for p in existing.values()])
    return [FoundMatch(existing[m.patient_id], m) for m in found]


async def patient_matches(
    services: Services, actor: Actor | None, *, patient_id: str
) -> list[FoundMatch]:
    require_staff(actor)
    pid = parse_id(patient_id, "patientId")
    async with UnitOfWork(services, write=False) as uow:
        patient = await uow.session.get(PatientRow, pid)
        if patient is None:
            raise NotFound("No such patient.")
        return await _matches(uow.session, patient)


async def _answerable(session: AsyncSession, appointment_id: int) -> AppointmentRow:
    row = await session.get(AppointmentRow, appointment_id)
    if row is None or row.status == AppointmentStatus.LAPSED.value:
        raise NotFound("No such appointment.")
    return row


async def _swap_status(
    session: AsyncSession,
    row: AppointmentRow,
    expected: str,
    new: AppointmentStatus,
    **values: object,
) -> bool:
    """Compare-and-swap on the status: False when someone answered it first."""
    result = await session.execute(
        update(AppointmentRow)
        .where(AppointmentRow.id == row.id, AppointmentRow.status == expected)
        .values(status=new.value, **values)
        .execution_options(synchronize_session=False)
    )
    return getattr(result, "rowcount", 0) == 1


async def _already_answered(
    services: Services, appointment_id: int, wanted: AppointmentStatus
) -> AppointmentRow:
    """After a lost race: the same outcome is success, another is a clear refusal."""
    async with UnitOfWork(services, write=False) as uow:
        row = await uow.session.get(AppointmentRow, appointment_id)
    if row is not None and row.status == wanted.value:
        return row
    status = row.status.lower() if row else "gone"
    raise InvalidInput(f"Someone answered this request first: it is {status}.", "appointmentId")


async def _admit_requester(
    session: AsyncSession,
    row: AppointmentRow,
    clinic: ClinicRow,
    *,
    patient_id: str | None,
    create_patient: bool | None,
    now: datetime,
) -> tuple[PatientRow, list[AppointmentChanged | SlotChanged]]:
    """For a PROVISIONAL appointment: merge into the named patient, admit as new, or take
    the single certain match."""
    assert row.patient_id is not None
    provisional = await provisional_patient(session, row.patient_id)
    if patient_id is not None:
        target = await session.get(PatientRow, parse_id(patient_id, "patientId"))
        if target is None:
            raise InvalidInput("No such patient to merge the requester into.", "patientId")
        return target, await merge_into(session, provisional, target, clinic, now, keep=row.id)
    if create_patient:
        return provisional, await admit(session, provisional, clinic, now, keep=row.id)
    found = await _matches(session, provisional)
    certain = choose_automatically([f.match for f in found])
    if certain is not None:
        target = next(f.patient for f in found if f.match.patient_id == certain.patient_id)
        return target, await merge_into(session, provisional, target, clinic, now, keep=row.id)
    if found:
        raise PatientChoiceRequired(
            "Several patient records may be this requester: accept again naming one, or createPatient.",
            found,
        )
    raise InvalidInput(
        "No existing patient matches the requester: accept with createPatient to admit them.",
        "createPatient",
    )


async def accept(
    services: Services,
    actor: Actor | None,
    *,
    appointment_id: str,
    patient_id: str | None,
    create_patient: bool | None,
) -> AppointmentRow:
    """REQUESTED or PROVISIONAL -> BOOKED; the patient is told it is confirmed."""
    require_staff(actor)
    aid = parse_id(appointment_id, "appointmentId")
    now = services.now()
    async with UnitOfWork(services) as uow:
        session = uow.session
        row = await _answerable(session, aid)
        if row.status == AppointmentStatus.BOOKED.value:
            return row  # accepting twice is the same outcome
        check_answerable(AppointmentStatus(row.status))
        expected = row.status
        clinic = await repo.clinic(session)
        if expected == AppointmentStatus.PROVISIONAL.value:
            patient, events = await _admit_requester(
                session, row, clinic, patient_id=patient_id, create_patient=create_patient, now=now
            )
            uow.emit(*events)
            patient_ref: int | None = patient.id
        else:
            patient_ref = row.patient_id
        if not await _swap_status(
            session, row, expected, AppointmentStatus.BOOKED, patient_id=patient_ref
        ):
            await uow.session.rollback()
            return await _already_answered(services, aid, AppointmentStatus.BOOKED)
        await session.refresh(row)
        to = await patient_contact(session, row)
        if to:
            enqueue(session, messages.confirmed(to, await visit_facts(session, row, clinic)), now)
        uow.emit(
            SlotChanged(row.practitioner_id, row.start_at, row.end_at, SlotState.BOOKED),
            AppointmentChanged(row.id, row.patient_id, row.created_by_id),
        )
        await uow.commit()
    return row


async def reject(
    services: Services,
    actor: Actor | None,
    *,
    appointment_id: str,
    reason: str | None,
    notify_patient: bool,
) -> AppointmentRow:
    """The slot is free at once; the patient is told, with the reason if the clinic says so."""
    require_staff(actor)
    aid = parse_id(appointment_id, "appointmentId")
    reason = optional_text(reason, "reason", 2000)
    now = services.now()
    async with UnitOfWork(services) as uow:
        session = uow.session
        row = await _answerable(session, aid)
        if row.status == AppointmentStatus.REJECTED.value:
            return row
        check_answerable(AppointmentStatus(row.status))
        clinic = await repo.clinic(session)
        if not await _swap_status(
            session, row, row.status, AppointmentStatus.REJECTED, rejection_reason=reason
        ):
            await session.rollback()
            return await _already_answered(services, aid, AppointmentStatus.REJECTED)
        await session.refresh(row)
        to = await patient_contact(session, row) if notify_patient else None
        if to:
            told = reason if clinic.rejection_email_includes_reason else None
            enqueue(
                session, messages.rejected(to, await visit_facts(session, row, clinic), told), now
            )
        uow.emit(
            SlotChanged(row.practitioner_id, row.start_at, row.end_at, SlotState.FREE),
            AppointmentChanged(row.id, row.patient_id, row.created_by_id),
        )
        await uow.commit()
    return row
