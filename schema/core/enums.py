"""GraphQL enums, spelled as in the contract."""

from __future__ import annotations

from enum import Enum

import strawberry

from domain.actors import UserKind
from domain.appointments import PatientResponse, VisitStatus
from subscriptions.events import SlotState, StaffNotificationKind

# The domain's enums are the contract's; registering them keeps one spelling.
for _enum in (UserKind, PatientResponse, VisitStatus, SlotState, StaffNotificationKind):
    strawberry.enum(_enum)

__all__ = [
    "AppointmentStatus",
    "InvitationState",
    "InvitationStatus",
    "MatchGrade",
    "PatientResponse",
    "SlotState",
    "StaffNotificationKind",
    "UserKind",
    "VisitStatus",
]


@strawberry.enum
class AppointmentStatus(Enum):
    """What clients see; a lapsed hold is never shown."""

    TEMPORARY = "TEMPORARY"
    REQUESTED = "REQUESTED"
    PROVISIONAL = "PROVISIONAL"
    BOOKED = "BOOKED"
    REJECTED = "REJECTED"
    CANCELLED = "CANCELLED"
    COMPLETED = "COMPLETED"


@strawberry.enum
class InvitationStatus(Enum):
    NOT_INVITED = "NOT_INVITED"
    INVITED = "INVITED"
    ENROLLED = "ENROLLED"


@strawberry.enum(
    description="How sure a match is, in the grades of FHIR's Patient $match: only CERTAIN is ever taken without a person choosing."
)
class MatchGrade(Enum):
    CERTAIN = "CERTAIN"
    PROBABLE = "PROBABLE"
    POSSIBLE = "POSSIBLE"


@strawberry.enum
class InvitationState(Enum):
    PENDING = "PENDING"
    ACCEPTED = "ACCEPTED"
    REVOKED = "REVOKED"
