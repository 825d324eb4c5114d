"""The events a change of an appointment causes, built from its row."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from subscriptions.events import AppointmentChanged, SlotChanged, SlotState


class AppointmentLike(Protocol):
    """What the events read of an appointment (its stored row)."""

    id: int
    patient_id: int | None
    created_by_id: int | None
    practitioner_id: int
    start_at: datetime
    end_at: datetime


def slot_changed(row: AppointmentLike, state: SlotState) -> SlotChanged:
    """Its slot is now free, held or booked (for every portal watching the practitioner)."""
    return SlotChanged(row.practitioner_id, row.start_at, row.end_at, state)


def appointment_changed(
    row: AppointmentLike, *, patient_id: int | None = None, user_id: int | None = None
) -> AppointmentChanged:
    """It changed: for the users of its patient, whoever made it (or `user_id`), and its
    practitioner's diary. `patient_id` names the patient when the row does not know yet."""
    return AppointmentChanged(
        row.id,
        patient_id if patient_id is not None else row.patient_id,
        user_id if user_id is not None else row.created_by_id,
        row.practitioner_id,
    )
