"""GraphQL enums, spelled as in the contract."""

from __future__ import annotations

from enum import Enum

import strawberry

from domain.actors import UserKind
from domain.appointments import PatientResponse, VisitStatus
from domain.invitations import InvitationState
from domain.matching import MatchGrade
from schema.core.descriptions import describe
from subscriptions.events import SlotState, StaffNotificationKind

# The domain's enums are the contract's; registering them keeps one spelling, and their
# descriptions are given here, since the domain imports no Strawberry.
describe(
    strawberry.enum(UserKind),
    "What kind of online user this is.",
    PATIENT="A patient user: manages their own appointments and those of family members linked to them.",
    PROVISIONAL_PATIENT="Registered through the portal, not yet confirmed by staff as a patient or linked to an existing one; their bookings are provisional.",
    PRACTITIONER="A practitioner user, linked to a practitioner profile: reads their own diary.",
    STAFF="A staff member (the front desk): sees and manages everything.",
)
describe(
    strawberry.enum(PatientResponse),
    "The patient's own answer to an upcoming visit in the client portal.",
    NONE="No answer yet (or the answer was cleared).",
    CONFIRMED="The patient said they will attend (confirmVisit).",
    CANCEL_REQUESTED="The patient said they will not attend (cancelVisit); the clinic has not cancelled yet.",
)
describe(
    strawberry.enum(VisitStatus),
    "What the client portal shows for a visit.",
    COMPLETED="The clinic confirmed the visit took place.",
    CANCELLED="The clinic cancelled the visit (or rejected the request).",
    AWAITING_RESPONSE="Upcoming, with no answer from the patient yet: offer confirm or cancel.",
    PATIENT_CONFIRMED="The patient confirmed they will attend.",
    PENDING_CANCEL="The patient asked to cancel; shown until the clinic officially cancels. Calling the clinic is still the patient's responsibility.",
)
describe(
    strawberry.enum(SlotState),
    "What happened to a slot in a practitioner's diary.",
    FREE="Free again: a hold was released or lapsed, or an appointment was rejected or cancelled.",
    HELD="Held by someone in a portal for a few minutes (a temporary appointment).",
    BOOKED="Taken: requested, provisional or booked.",
)
describe(
    strawberry.enum(StaffNotificationKind),
    "Why the staff live panel is told.",
    NEW_REQUEST="A patient requested an appointment: accept or reject it.",
    NEW_PROVISIONAL_BOOKING="A provisional patient (an online registration) booked: confirm, link or merge them, then accept.",
    NEW_REGISTRATION="Someone registered online: confirm them as a new patient or merge them into an existing record.",
    CANCEL_REQUESTED="A patient said they will not attend: cancel the appointment officially (and call them if needed).",
    UNCANCEL_REQUESTED="A patient withdrew their cancel request: they will attend after all.",
)
describe(
    strawberry.enum(InvitationState),
    "Where an invitation to manage a patient stands.",
    PENDING="Sent and not yet used: the link works (within its validity).",
    ACCEPTED="Used: the user who accepted it now manages the patient.",
    REVOKED="Deleted by staff, or revoked after five wrong verification codes: the link no longer works.",
)
describe(
    strawberry.enum(
        MatchGrade,
        description="How sure a match is, in the grades of FHIR's Patient $match: only CERTAIN is ever taken without a person choosing.",
    ),
    CERTAIN="Name and birth date agree and the requester's verified email is the record's email.",
    PROBABLE="Name and birth date agree without a verified email, or name, email and phone agree.",
    POSSIBLE="Some details agree (the name alone, or email and phone): a person must judge.",
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

    TEMPORARY = strawberry.enum_value(
        "TEMPORARY",
        description="A hold: a placeholder while someone confirms in a portal, so no one else takes the slot; it lapses at holdExpiresAt.",
    )
    REQUESTED = strawberry.enum_value(
        "REQUESTED",
        description="Requested online by a known patient: waits for staff to accept or reject it.",
    )
    PROVISIONAL = strawberry.enum_value(
        "PROVISIONAL",
        description="Booked by a provisional patient: real only once staff confirm, link or merge the patient and accept it.",
    )
    BOOKED = strawberry.enum_value("BOOKED", description="In the diary, confirmed.")
    REJECTED = strawberry.enum_value(
        "REJECTED", description="Staff refused the request; the slot is free."
    )
    CANCELLED = strawberry.enum_value(
        "CANCELLED", description="The clinic cancelled it; the slot is free."
    )
    COMPLETED = strawberry.enum_value(
        "COMPLETED", description="The clinic confirmed the visit took place."
    )


@strawberry.enum(description="Whether a patient can use the portal, as staff see it.")
class InvitationStatus(Enum):
    NOT_INVITED = strawberry.enum_value(
        "NOT_INVITED", description="No user manages the patient and no invitation is pending."
    )
    INVITED = strawberry.enum_value(
        "INVITED", description="An invitation is pending; no user manages the patient yet."
    )
    ENROLLED = strawberry.enum_value(
        "ENROLLED", description="At least one online user manages the patient."
    )
