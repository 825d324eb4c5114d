"""What an email about an appointment needs: the visit's facts and whom to tell."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from domain.messages import VisitFacts
from persistence.models import AppointmentRow, ClinicRow
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


async def patient_contact(uow: SqlUnitOfWork, row: AppointmentRow) -> str | None:
    """Who hears about an appointment: the online user who booked it, else the patient
    (when they consented to email)."""
    if row.created_online and row.created_by_id is not None:
        user = await uow.users.get(row.created_by_id)
        if user is not None:
            return user.email
    patient = await uow.patients.get(row.patient_id) if row.patient_id else None
    if patient is not None and patient.email and patient.contact_consent:
        return patient.email
    return None
