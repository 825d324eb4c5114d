"""Result unions: each mutation's success type or the problems it can return."""

from __future__ import annotations

from typing import Annotated

import strawberry

from schema.problems import (
    ConsentMissing,
    HoldExpired,
    InvalidInput,
    InvitationStale,
    NotAllowed,
    NotFound,
    PatientChoiceRequired,
    SlotUnavailable,
    VerificationFailed,
)
from schema.types import (
    Appointment,
    CancelRequested,
    ClinicSettings,
    Hold,
    Invitation,
    Location,
    Patient,
    Practitioner,
    Service,
    SessionSeries,
    SignIn,
)

SignInResult = Annotated[SignIn | InvalidInput | NotAllowed, strawberry.union("SignInResult")]
HoldResult = Annotated[
    Hold | SlotUnavailable | InvalidInput | NotAllowed | NotFound, strawberry.union("HoldResult")
]
ReleaseResult = Annotated[Appointment | NotFound | NotAllowed, strawberry.union("ReleaseResult")]
PatientResult = Annotated[
    Patient | InvalidInput | NotAllowed | NotFound, strawberry.union("PatientResult")
]
PractitionerResult = Annotated[
    Practitioner | InvalidInput | NotAllowed | NotFound, strawberry.union("PractitionerResult")
]
ServiceResult = Annotated[Service | InvalidInput | NotAllowed, strawberry.union("ServiceResult")]
LocationResult = Annotated[Location | InvalidInput | NotAllowed, strawberry.union("LocationResult")]
SettingsResult = Annotated[
    ClinicSettings | InvalidInput | NotAllowed, strawberry.union("SettingsResult")
]
SessionSeriesResult = Annotated[
    SessionSeries | InvalidInput | NotAllowed | NotFound, strawberry.union("SessionSeriesResult")
]

#: The problems each union may carry, for schema.problems.outcome.
SIGN_IN = (InvalidInput, NotAllowed)
HOLD = (SlotUnavailable, InvalidInput, NotAllowed, NotFound)
RELEASE = (NotFound, NotAllowed)
PATIENT = (InvalidInput, NotAllowed, NotFound)
SETUP = (InvalidInput, NotAllowed, NotFound)
SETUP_NO_LOOKUP = (InvalidInput, NotAllowed)
APPOINTMENT_PROBLEMS = (HoldExpired, SlotUnavailable, InvalidInput, NotAllowed, NotFound)

AppointmentResult = Annotated[
    Appointment
    | HoldExpired
    | SlotUnavailable
    | InvalidInput
    | NotAllowed
    | NotFound
    | PatientChoiceRequired,
    strawberry.union("AppointmentResult"),
]
APPOINTMENT = (*APPOINTMENT_PROBLEMS, PatientChoiceRequired)

CancelResult = Annotated[CancelRequested | NotAllowed | NotFound, strawberry.union("CancelResult")]
CANCEL = (NotAllowed, NotFound)

InvitationResult = Annotated[
    Invitation | ConsentMissing | InvitationStale | InvalidInput | NotAllowed | NotFound,
    strawberry.union("InvitationResult"),
]
INVITATION = (ConsentMissing, InvitationStale, InvalidInput, NotAllowed, NotFound)
AcceptInvitationResult = Annotated[
    Patient | VerificationFailed | InvalidInput | NotAllowed | NotFound,
    strawberry.union("AcceptInvitationResult"),
]
ACCEPT_INVITATION = (VerificationFailed, InvalidInput, NotAllowed, NotFound)
