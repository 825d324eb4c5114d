"""Making a provisional patient real: merged into an existing patient or admitted as new.
Either way its provisional appointments become requests or bookings."""

from __future__ import annotations

from domain.appointments import AppointmentStatus, status_after_admission
from domain.errors import InvalidInput, NotFound
from domain.matching import PersonDetails
from domain.webhook_events import patient_merged
from persistence.models import ClinicRow, PatientRow
from resolvers.unit_of_work import UnitOfWork
from subscriptions.appointment_events import appointment_changed, slot_changed
from subscriptions.events import SlotState

CONTACT_FIELDS = ("birth_date", "email", "phone")


def details(row: PatientRow) -> PersonDetails:
    return PersonDetails(
        id=row.id, name=row.name, birth_date=row.birth_date, email=row.email, phone=row.phone
    )


async def provisional_patient(uow: UnitOfWork, patient_id: int) -> PatientRow:
    """The provisional profile, locked for this transaction (PostgreSQL) against a
    concurrent merge or accept."""
    row = await uow.patients.get_locked(patient_id)
    if row is None or not row.provisional:
        raise NotFound("No such online registration; it may have been merged or confirmed already.")
    return row


async def merge_into(
    uow: UnitOfWork,
    provisional: PatientRow,
    target: PatientRow,
    clinic: ClinicRow,
    keep: int | None = None,
    *,
    target_field: str,
) -> None:
    """Fold a provisional profile into an existing patient: users, appointments,
    invitations and missing contact details move over; the provisional row is deleted.
    Stages the events of the appointments that became real (all but `keep`). A refused
    target names `target_field`, the caller's own argument that named it."""
    if target.provisional:
        raise InvalidInput(
            "Merge into an existing patient, not another registration.", target_field
        )
    if target.id == provisional.id:
        raise InvalidInput("A registration cannot be merged into itself.", target_field)
    for field in CONTACT_FIELDS:
        if getattr(target, field) is None and getattr(provisional, field) is not None:
            setattr(target, field, getattr(provisional, field))
    for user_id in await uow.users.ids_managing(provisional.id):
        await uow.users.link(user_id, target.id)
    await uow.users.unlink_patient(provisional.id)
    await uow.appointments.move_patient(provisional.id, target.id)
    await uow.invitations.move_patient(provisional.id, target.id)
    await _make_real(uow, target.id, clinic, keep)
    uow.tell_partners(patient_merged(target.id, provisional.id, uow.now()))
    await uow.patients.delete(provisional)


async def admit(
    uow: UnitOfWork, provisional: PatientRow, clinic: ClinicRow, keep: int | None = None
) -> None:
    """Confirm a registration as a new patient record."""
    provisional.provisional = False
    await _make_real(uow, provisional.id, clinic, keep)


async def _make_real(uow: UnitOfWork, patient_id: int, clinic: ClinicRow, keep: int | None) -> None:
    """Turn the patient's PROVISIONAL appointments (except `keep`) into requests or
    bookings, and their provisional users into patient users."""
    status = status_after_admission(approval_required=clinic.approval_required)
    rows = await uow.appointments.of_patient_with_status(
        patient_id, AppointmentStatus.PROVISIONAL.value
    )
    for row in rows:
        if row.id == keep:
            continue
        row.status = status.value
        uow.emit(appointment_changed(row, patient_id=patient_id))
        if status is AppointmentStatus.BOOKED:
            uow.emit(slot_changed(row, SlotState.BOOKED))
    await uow.users.admit_provisional(patient_id=patient_id)
