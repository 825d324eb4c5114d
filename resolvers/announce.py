"""The events a change of an appointment causes, built from its row."""

from __future__ import annotations

from persistence.models import AppointmentRow
from subscriptions.events import AppointmentChanged, SlotChanged, SlotState


def slot_changed(row: AppointmentRow, state: SlotState) -> SlotChanged:
    """Its slot is now free, held or booked (for every portal watching the practitioner)."""
    return SlotChanged(row.practitioner_id, row.start_at, row.end_at, state)


def appointment_changed(
    row: AppointmentRow, *, patient_id: int | None = None, user_id: int | None = None
) -> AppointmentChanged:
    """It changed: for the users of its patient, whoever made it (or `user_id`), and its
    practitioner's diary. `patient_id` names the patient when the row does not know yet."""
    return AppointmentChanged(
        row.id,
        patient_id if patient_id is not None else row.patient_id,
        user_id if user_id is not None else row.created_by_id,
        row.practitioner_id,
    )
