"""What an email about an appointment needs: the visit's facts and whom to tell."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from domain.language import chosen_language
from domain.messages import Recipient, VisitFacts
from persistence.models import AppointmentRow, ClinicRow, UserRow
from persistence.unit_of_work import SqlUnitOfWork


async def visit_facts(uow: SqlUnitOfWork, row: AppointmentRow, clinic: ClinicRow) -> VisitFacts:
    patient = await uow.patients.get(row.patient_id) if row.patient_id else None
    practitioner = await uow.catalog.practitioner(row.practitioner_id)
    service = await uow.catalog.service(row.service_id)
    location = await uow.catalog.location(row.location_id)
    return VisitFacts(
        clinic_name=clinic.name,
        zone=ZoneInfo(clinic.time_zone),
        patient_name=patient.name if patient else "(no patient)",
        practitioner_name=practitioner.name if practitioner else "",
        service_name=service.name if service else "",
        location_name=location.name if location else "",
        start=row.start_at,
        end=row.end_at,
        appointment_id=row.id,
        sequence=row.sequence or 0,
    )


async def patient_contact(
    uow: SqlUnitOfWork, row: AppointmentRow, clinic: ClinicRow
) -> Recipient | None:
    """Who hears about an appointment: the online user who booked it (in their language),
    else the patient (when they consented to email), in the clinic's."""
    if row.created_online and row.created_by_id is not None:
        user = await uow.users.get(row.created_by_id)
        if user is not None:
            return user_recipient(user, clinic)
    patient = await uow.patients.get(row.patient_id) if row.patient_id else None
    if patient is not None and patient.email and patient.contact_consent:
        return Recipient(patient.email, clinic.language)
    return None


def user_recipient(user: UserRow, clinic: ClinicRow, address: str | None = None) -> Recipient:
    """A user, at their address (or `address`), in their own language or the clinic's."""
    return Recipient(address or user.email, chosen_language(user.language, clinic.language))


def clinic_recipient(clinic: ClinicRow) -> Recipient | None:
    """The clinic's own inbox, in the clinic's language; None when it has none."""
    if not clinic.notification_email:
        return None
    return Recipient(clinic.notification_email, clinic.language)
