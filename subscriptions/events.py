"""Event payloads and the channels they travel on. JSON on the wire, dataclasses in code."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import datetime
from enum import StrEnum


class SlotState(StrEnum):
    FREE = "FREE"
    HELD = "HELD"
    BOOKED = "BOOKED"


class StaffNotificationKind(StrEnum):
    NEW_REQUEST = "NEW_REQUEST"
    NEW_PROVISIONAL_BOOKING = "NEW_PROVISIONAL_BOOKING"
    NEW_REGISTRATION = "NEW_REGISTRATION"
    CANCEL_REQUESTED = "CANCEL_REQUESTED"
    UNCANCEL_REQUESTED = "UNCANCEL_REQUESTED"


STAFF_CHANNEL = "portal.staff"
#: Sign-in sessions that ended: every process closes the sockets signed in with them.
SESSIONS_CHANNEL = "portal.sessions"


def slot_channel(practitioner_id: int) -> str:
    return f"portal.slots.{practitioner_id}"


def patient_channel(patient_id: int) -> str:
    return f"portal.patient.{patient_id}"


def user_channel(user_id: int) -> str:
    return f"portal.user.{user_id}"


def diary_channel(practitioner_id: int) -> str:
    return f"portal.diary.{practitioner_id}"


@dataclass(frozen=True)
class SlotChanged:
    practitioner_id: int
    start: datetime
    end: datetime
    state: SlotState

    def channels(self) -> list[str]:
        return [slot_channel(self.practitioner_id)]

    def to_json(self) -> str:
        return json.dumps(
            {
                "practitioner_id": self.practitioner_id,
                "start": self.start.isoformat(),
                "end": self.end.isoformat(),
                "state": self.state.value,
            }
        )

    @classmethod
    def from_json(cls, text: str) -> SlotChanged:
        data = json.loads(text)
        return cls(
            practitioner_id=int(data["practitioner_id"]),
            start=datetime.fromisoformat(data["start"]),
            end=datetime.fromisoformat(data["end"]),
            state=SlotState(data["state"]),
        )


@dataclass(frozen=True)
class StaffNotified:
    kind: StaffNotificationKind
    at: datetime
    appointment_id: int | None = None
    patient_id: int | None = None

    def channels(self) -> list[str]:
        return [STAFF_CHANNEL]

    def to_json(self) -> str:
        data = asdict(self)
        data["kind"] = self.kind.value
        data["at"] = self.at.isoformat()
        return json.dumps(data)

    @classmethod
    def from_json(cls, text: str) -> StaffNotified:
        data = json.loads(text)
        return cls(
            kind=StaffNotificationKind(data["kind"]),
            at=datetime.fromisoformat(data["at"]),
            appointment_id=data.get("appointment_id"),
            patient_id=data.get("patient_id"),
        )


@dataclass(frozen=True)
class AppointmentChanged:
    """An appointment of a patient (or a user's own hold) in a practitioner's diary
    changed; subscribers re-read it."""

    appointment_id: int
    patient_id: int | None
    user_id: int | None
    practitioner_id: int | None = None

    def channels(self) -> list[str]:
        found = [] if self.practitioner_id is None else [diary_channel(self.practitioner_id)]
        if self.patient_id is not None:
            found.append(patient_channel(self.patient_id))
        if self.user_id is not None:
            found.append(user_channel(self.user_id))
        return found

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> AppointmentChanged:
        data = json.loads(text)
        return cls(
            data["appointment_id"],
            data.get("patient_id"),
            data.get("user_id"),
            data.get("practitioner_id"),
        )


@dataclass(frozen=True)
class SessionsEnded:
    """Sign-in sessions ended (logout, password change or reset, revocation, a disabled
    user), named by their tokens' SHA-256 digests, never the tokens."""

    token_digests: tuple[str, ...]

    def channels(self) -> list[str]:
        return [SESSIONS_CHANNEL]

    def to_json(self) -> str:
        return json.dumps({"token_digests": list(self.token_digests)})

    @classmethod
    def from_json(cls, text: str) -> SessionsEnded:
        return cls(tuple(json.loads(text)["token_digests"]))


Event = SlotChanged | StaffNotified | AppointmentChanged | SessionsEnded
