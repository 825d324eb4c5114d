"""The events a change of an appointment causes, built from its row."""

from __future__ import annotations

from persistence.models import AppointmentRow
from subscriptions.events import AppointmentChanged, SlotChanged, SlotState


def slot_changed(row: AppointmentRow, state: SlotState) -> SlotChanged:
    """Its slot is now free, held or booked (for every portal watching the practitioner)."""
    return SlotChanged(row.practitioner_id, row.start_at, row.end_at, state)


def appointment_changed(row: AppointmentRow) -> AppointmentChanged:
    """It changed (for the users of its patient and whoever made it)."""
    return AppointmentChanged(row.id, row.patient_id, row.created_by_id)
