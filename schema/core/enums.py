"""GraphQL enums, spelled as in the contract."""

from __future__ import annotations

from enum import Enum

import strawberry

from domain.actors import UserKind
from domain.appointments import PatientResponse, VisitStatus
from domain.invitations import InvitationState
from domain.matching import MatchGrade
from subscriptions.events import SlotState, StaffNotificationKind

# The domain's enums are the contract's; registering them keeps one spelling.
for _enum in (
    UserKind,
    PatientResponse,
    VisitStatus,
    SlotState,
    StaffNotificationKind,
    InvitationState,
):
    strawberry.enum(_enum)
strawberry.enum(
    MatchGrade,
    description="How sure a match is, in the grades of FHIR's Patient $match: only CERTAIN is ever taken without a person choosing.",
)

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


@strawberry.enum(description="Where an appointment stands in the diary.")
class AppointmentStatus(Enum):
    """The domain's statuses less those never shown: a lapsed hold is not in the contract
    (tests/unit/test_schema_enums.py holds the two together)."""

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
