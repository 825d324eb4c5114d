"""The one catalogue of webhook events partners can subscribe to, and their payloads.

A payload is Standard Webhooks' `{type, timestamp, data}` with a `version`: ids as
strings, times in the clinic's own UTC offset to the whole second, statuses, and no
more personal data than ids (no names, notes, reasons or birth dates). A change that
would break a receiver gets a new `version`; fields are only ever added within one.
`docs/partners.md` shows an example of each.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from domain.appointments import AppointmentStatus, PatientResponse

#: The payload version every event is sent in now.
PAYLOAD_VERSION = 1


class EventType(StrEnum):
    APPOINTMENT_REQUESTED = "appointment.requested"
    APPOINTMENT_BOOKED = "appointment.booked"
    APPOINTMENT_REJECTED = "appointment.rejected"
    APPOINTMENT_CANCEL_REQUESTED = "appointment.cancel_requested"
    APPOINTMENT_UNCANCEL_REQUESTED = "appointment.uncancel_requested"
    APPOINTMENT_CANCELLED = "appointment.cancelled"
    APPOINTMENT_COMPLETED = "appointment.completed"
    APPOINTMENT_PATIENT_CONFIRMED = "appointment.patient_confirmed"
    APPOINTMENT_RESCHEDULED = "appointment.rescheduled"
    REGISTRATION_CREATED = "registration.created"
    PATIENT_MERGED = "patient.merged"
    PATIENT_LINKED = "patient.linked"
    #: Sent by `sendTestWebhook` to the endpoint asked only; nobody subscribes to it.
    WEBHOOK_TEST = "webhook.test"


#: What an endpoint may subscribe to, with what each tells.
CATALOGUE: dict[EventType, str] = {
    EventType.APPOINTMENT_REQUESTED: "A patient requested a slot online (or a provisional "
    "patient booked one); staff have yet to answer.",
    EventType.APPOINTMENT_BOOKED: "An appointment is booked: accepted, booked directly, or "
    "made real when its provisional patient was admitted.",
    EventType.APPOINTMENT_REJECTED: "Staff rejected a request.",
    EventType.APPOINTMENT_CANCEL_REQUESTED: "The patient asked to cancel a booked visit.",
    EventType.APPOINTMENT_UNCANCEL_REQUESTED: "The patient took a cancel request back.",
    EventType.APPOINTMENT_CANCELLED: "The clinic cancelled an appointment; its slot is free.",
    EventType.APPOINTMENT_COMPLETED: "The visit took place.",
    EventType.APPOINTMENT_PATIENT_CONFIRMED: "The patient confirmed they will attend.",
    EventType.APPOINTMENT_RESCHEDULED: "An appointment moved to another time (or, moved by "
    "staff, practitioner or service); previousStart and previousEnd say where it was.",
    EventType.REGISTRATION_CREATED: "Someone registered online: a provisional patient.",
    EventType.PATIENT_MERGED: "A provisional patient was merged into an existing patient.",
    EventType.PATIENT_LINKED: "Staff linked an online user to a patient record.",
}

SUBSCRIBABLE: frozenset[str] = frozenset(t.value for t in CATALOGUE)


@dataclass(frozen=True)
class PartnerEvent:
    """Something partners hear of: its type, when it happened and its data."""

    type: EventType
    at: datetime
    data: dict[str, Any]

    def payload(self, zone: ZoneInfo) -> str:
        """The body sent, fixed once written so every attempt signs the same bytes."""
        return json.dumps(
            {
                "type": self.type.value,
                "timestamp": clinic_time(self.at, zone),
                "version": PAYLOAD_VERSION,
                "data": {k: _shown(v, zone) for k, v in self.data.items()},
            },
            separators=(",", ":"),
        )


def clinic_time(instant: datetime, zone: ZoneInfo) -> str:
    return instant.astimezone(zone).replace(microsecond=0).isoformat()


def _shown(value: Any, zone: ZoneInfo) -> Any:
    if isinstance(value, datetime):
        return clinic_time(value, zone)
    return value


@dataclass(frozen=True)
class AppointmentState:
    """What partners may know of an appointment at one moment."""

    appointment_id: int
    status: AppointmentStatus
    response: PatientResponse
    patient_id: int | None
    practitioner_id: int
    service_id: int
    location_id: int
    start: datetime
    end: datetime
    created_online: bool

    @classmethod
    def of(cls, row: Any) -> AppointmentState:
        """From anything with an appointment row's attributes (a row, or a query's row)."""
        return cls(
            appointment_id=row.id,
            status=AppointmentStatus(row.status),
            response=PatientResponse(row.patient_response),
            patient_id=row.patient_id,
            practitioner_id=row.practitioner_id,
            service_id=row.service_id,
            location_id=row.location_id,
            start=row.start_at,
            end=row.end_at,
            created_online=row.created_online,
        )

    def data(self) -> dict[str, Any]:
        return {
            "appointmentId": str(self.appointment_id),
            "status": self.status.value,
            "patientResponse": self.response.value,
            "patientId": None if self.patient_id is None else str(self.patient_id),
            "practitionerId": str(self.practitioner_id),
            "serviceId": str(self.service_id),
            "locationId": str(self.location_id),
            "start": self.start,
            "end": self.end,
            "createdOnline": self.created_online,
        }


_HOLDS = (AppointmentStatus.TEMPORARY, AppointmentStatus.LAPSED)
_ON_ENTERING: dict[AppointmentStatus, EventType] = {
    AppointmentStatus.BOOKED: EventType.APPOINTMENT_BOOKED,
    AppointmentStatus.REJECTED: EventType.APPOINTMENT_REJECTED,
    AppointmentStatus.CANCELLED: EventType.APPOINTMENT_CANCELLED,
    AppointmentStatus.COMPLETED: EventType.APPOINTMENT_COMPLETED,
}


def appointment_events(
    before: tuple[AppointmentStatus, PatientResponse] | None,
    after: tuple[AppointmentStatus, PatientResponse],
) -> list[EventType]:
    """What partners hear of an appointment going from `before` (None: it did not exist,
    or was not read, in this transaction) to `after`. Holds are nobody's business; a
    provisional booking becoming a request when its patient is admitted tells nothing
    new (`patient.merged` or the later `appointment.booked` does)."""
    status, response = after
    old_status = before[0] if before else None
    old_response = before[1] if before else PatientResponse.NONE
    if status in _HOLDS or before == after:
        return []
    if status != old_status:
        if status in (AppointmentStatus.REQUESTED, AppointmentStatus.PROVISIONAL):
            pending = old_status in (AppointmentStatus.REQUESTED, AppointmentStatus.PROVISIONAL)
            return [] if pending else [EventType.APPOINTMENT_REQUESTED]
        if status is AppointmentStatus.CANCELLED and old_status in _HOLDS:
            return []  # a released hold
        return [_ON_ENTERING[status]] if status in _ON_ENTERING else []
    return _response_events(old_response, response)


def _response_events(old: PatientResponse, new: PatientResponse) -> list[EventType]:
    found = []
    if old is PatientResponse.CANCEL_REQUESTED:
        found.append(EventType.APPOINTMENT_UNCANCEL_REQUESTED)
    if new is PatientResponse.CANCEL_REQUESTED:
        found.append(EventType.APPOINTMENT_CANCEL_REQUESTED)
    if new is PatientResponse.CONFIRMED:
        found.append(EventType.APPOINTMENT_PATIENT_CONFIRMED)
    return found


def appointment_rescheduled(
    state: AppointmentState, previous_start: datetime, previous_end: datetime, at: datetime
) -> PartnerEvent:
    return PartnerEvent(
        EventType.APPOINTMENT_RESCHEDULED,
        at,
        {**state.data(), "previousStart": previous_start, "previousEnd": previous_end},
    )


def registration_created(patient_id: int, at: datetime) -> PartnerEvent:
    return PartnerEvent(EventType.REGISTRATION_CREATED, at, {"patientId": str(patient_id)})


def patient_merged(patient_id: int, merged_patient_id: int, at: datetime) -> PartnerEvent:
    return PartnerEvent(
        EventType.PATIENT_MERGED,
        at,
        {"patientId": str(patient_id), "mergedPatientId": str(merged_patient_id)},
    )


def patient_linked(patient_id: int, user_id: int, at: datetime) -> PartnerEvent:
    return PartnerEvent(
        EventType.PATIENT_LINKED, at, {"patientId": str(patient_id), "userId": str(user_id)}
    )


def webhook_test(endpoint_id: int, at: datetime) -> PartnerEvent:
    return PartnerEvent(EventType.WEBHOOK_TEST, at, {"endpointId": str(endpoint_id)})
