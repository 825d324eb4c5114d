"""Online registrations: staff merge a provisional profile into an existing patient, or
admit it as a new patient. Either way its provisional appointments become real."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.actors import Actor, UserKind, require_staff
from domain.appointments import AppointmentStatus, status_after_admission
from domain.errors import InvalidInput, NotFound
from domain.matching import PersonDetails
from domain.validation import parse_id
from persistence import repositories as repo
from persistence.models import (
    AppointmentRow,
    ClinicRow,
    InvitationRow,
    PatientRow,
    UserRow,
    user_patients,
)
from resolvers.services import Services
from resolvers.unit_of_work import UnitOfWork
from subscriptions.events import AppointmentChanged, SlotChanged, SlotState


def details(row: PatientRow) -> PersonDetails:
    return PersonDetails(
        id=row.id, name=row.name, birth_date=row.birth_date, email=row.email, phone=row.phone
    )


async def provisional_patient(session: AsyncSession, patient_id: int) -> PatientRow:
    """The provisional profile, locked for this transaction (PostgreSQL) against a
    concurrent merge or accept."""
    row = await session.get(PatientRow, patient_id, with_for_update=True, populate_existing=True)
    if row is None or not row.provisional:
        raise NotFound("No such online registration; it may have been merged or confirmed already.")
    return row


async def match_candidates(session: AsyncSession, candidate: PatientRow) -> Sequence[PatientRow]:
    """Existing patients sharing a birth date, an email, a phone or a name word."""
    conditions = []
    if candidate.birth_date is not None:
        conditions.append(PatientRow.birth_date == candidate.birth_date)
    if candidate.email:
        conditions.append(PatientRow.email == candidate.email)
    if candidate.phone:
        conditions.append(PatientRow.phone == candidate.phone)
    for word in candidate.name.lower().split():
        if len(word) >= 3:
            conditions.append(PatientRow.name.ilike(f"%{word}%"))
    if not conditions:
        return []
    query = select(PatientRow).where(PatientRow.provisional.is_(False), or_(*conditions)).limit(500)
    return (await session.execute(query)).scalars().all()


async def _make_real(
    session: AsyncSession, patient_id: int, clinic: ClinicRow, keep: int | None, now: datetime
) -> list[AppointmentChanged | SlotChanged]:
    """Turn the patient's PROVISIONAL appointments (except `keep`) into requests or
    bookings, and their provisional users into patient users."""
    status = status_after_admission(approval_required=clinic.approval_required)
    rows = (
        (
            await session.execute(
                select(AppointmentRow).where(
                    AppointmentRow.patient_id == patient_id,
                    AppointmentRow.status == AppointmentStatus.PROVISIONAL.value,
                )
            )
        )
        .scalars()
        .all()
    )
    events: list[AppointmentChanged | SlotChanged] = []
    for row in rows:
        if row.id == keep:
            continue
        row.status = status.value
        events.append(AppointmentChanged(row.id, patient_id, row.created_by_id))
        if status is AppointmentStatus.BOOKED:
            events.append(
                SlotChanged(row.practitioner_id, row.start_at, row.end_at, SlotState.BOOKED)
            )
    user_ids = select(user_patients.c.user_id).where(user_patients.c.patient_id == patient_id)
    await session.execute(
        update(UserRow)
        .where(UserRow.id.in_(user_ids), UserRow.kind == UserKind.PROVISIONAL_PATIENT.value)
        .values(kind=UserKind.PATIENT.value)
        .execution_options(synchronize_session=False)
    )
    return events


async def merge_into(
    session: AsyncSession,
    provisional: PatientRow,
    target: PatientRow,
    clinic: ClinicRow,
    now: datetime,
    keep: int | None = None,
) -> list[AppointmentChanged | SlotChanged]:
    """Fold a provisional profile into an existing patient: users, appointments,
    invitations and missing contact details move over; the provisional row is deleted."""
    if target.provisional:
        raise InvalidInput(
            "Merge into an existing patient, not another registration.", "intoPatientId"
        )
    if target.id == provisional.id:
        raise InvalidInput("A registration cannot be merged into itself.", "intoPatientId")
    for field in ("birth_date", "email", "phone"):
        if getattr(target, field) is None and getattr(provisional, field) is not None:
            setattr(target, field, getattr(provisional, field))
    for user_id in (
        (
            await session.execute(
                select(user_patients.c.user_id).where(user_patients.c.patient_id == provisional.id)
            )
        )
        .scalars()
        .all()
    ):
        await repo.link_user_to_patient(session, user_id, target.id)
    await session.execute(delete(user_patients).where(user_patients.c.patient_id == provisional.id))
    await session.execute(
        update(AppointmentRow)
        .where(AppointmentRow.patient_id == provisional.id)
        .values(patient_id=target.id)
        .execution_options(synchronize_session=False)
    )
    await session.execute(
        update(InvitationRow)
        .where(InvitationRow.patient_id == provisional.id)
        .values(patient_id=target.id)
    )
    await session.flush()
    events = await _make_real(session, target.id, clinic, keep, now)
    await session.delete(provisional)
    await session.flush()
    return events


async def admit(
    session: AsyncSession,
    provisional: PatientRow,
    clinic: ClinicRow,
    now: datetime,
    keep: int | None = None,
) -> list[AppointmentChanged | SlotChanged]:
    """Confirm a registration as a new patient record."""
    provisional.provisional = False
    await session.flush()
    return await _make_real(session, provisional.id, clinic, keep, now)


async def online_registrations(services: Services, actor: Actor | None) -> Sequence[PatientRow]:
    require_staff(actor)
    async with UnitOfWork(services, write=False) as uow:
        query = (
            select(PatientRow)
            .where(PatientRow.provisional.is_(True))
            .order_by(PatientRow.created_at, PatientRow.id)
        )
        return (await uow.session.execute(query)).scalars().all()


async def merge(
    services: Services, actor: Actor | None, *, provisional_patient_id: str, into_patient_id: str
) -> PatientRow:
    require_staff(actor)
    source_id = parse_id(provisional_patient_id, "provisionalPatientId")
    target_id = parse_id(into_patient_id, "intoPatientId")
    now = services.now()
    async with UnitOfWork(services) as uow:
        provisional = await provisional_patient(uow.session, source_id)
        target = await uow.session.get(PatientRow, target_id)
        if target is None:
            raise NotFound("No such patient to merge into.")
        clinic = await repo.clinic(uow.session)
        uow.emit(*await merge_into(uow.session, provisional, target, clinic, now))
        await uow.commit()
    return target


async def confirm_registration(
    services: Services, actor: Actor | None, *, provisional_patient_id: str
) -> PatientRow:
    require_staff(actor)
    source_id = parse_id(provisional_patient_id, "provisionalPatientId")
    now = services.now()
    async with UnitOfWork(services) as uow:
        provisional = await provisional_patient(uow.session, source_id)
        clinic = await repo.clinic(uow.session)
        uow.emit(*await admit(uow.session, provisional, clinic, now))
        await uow.commit()
    return provisional


async def link(
    services: Services, actor: Actor | None, *, user_id: str, patient_id: str
) -> PatientRow:
    """Give an online user a patient record (themselves or a family member).

    A user still registered provisionally *is* that patient: their provisional profile is
    merged into it (so no duplicate remains and their provisional bookings become real).
    """
    require_staff(actor)
    uid = parse_id(user_id, "userId")
    pid = parse_id(patient_id, "patientId")
    now = services.now()
    async with UnitOfWork(services) as uow:
        session = uow.session
        user = await session.get(UserRow, uid)
        if user is None:
            raise NotFound("No such user.")
        if user.kind in (UserKind.STAFF.value, UserKind.PRACTITIONER.value):
            raise InvalidInput("Only patient users can be linked to patients.", "userId")
        patient = await session.get(PatientRow, pid)
        if patient is None:
            raise NotFound("No such patient.")
        if patient.provisional:
            raise InvalidInput(
                "Link to an existing patient; confirm or merge registrations.", "patientId"
            )
        clinic = await repo.clinic(session)
        own = (
            (
                await session.execute(
                    select(PatientRow)
                    .join(user_patients, user_patients.c.patient_id == PatientRow.id)
                    .where(user_patients.c.user_id == uid, PatientRow.provisional.is_(True))
                )
            )
            .scalars()
            .all()
        )
        if user.kind == UserKind.PROVISIONAL_PATIENT.value:
            for provisional in own:
                uow.emit(*await merge_into(session, provisional, patient, clinic, now))
        await repo.link_user_to_patient(session, uid, pid)
        user.kind = UserKind.PATIENT.value
        await uow.commit()
    return patient
