"""Types of online users, patients, sign-ins and invitations."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

import strawberry

from domain import policy
from domain.actors import Actor
from persistence.models import InvitationRow, PatientRow, UserRow
from resolvers.accounts.invitation_links import InvitationView
from resolvers.setup import patients
from schema.accounts.loaders import (
    EMAIL_VERIFIED,
    INVITED,
    PATIENT,
    PATIENT_USERS,
    USER,
    USER_PATIENTS,
)
from schema.core.context import Info
from schema.core.enums import InvitationState, InvitationStatus, UserKind
from schema.core.permissions import guarded
from schema.core.problems import (
    ConsentMissing,
    InvalidInput,
    InvitationStale,
    NotAllowed,
    NotFound,
    Problem,
    VerificationFailed,
)
from schema.core.throttling import TooManyAttempts
from schema.setup.types import Practitioner, load_practitioner


def _sees_user(actor: Actor | None, user: Any) -> bool:
    return policy.may_see_user(actor, int(user.id))


@strawberry.type(
    description="An online user: the credentials of a patient, a family member, a practitioner or a staff member."
)
class User:
    id: strawberry.ID
    email: str
    name: str
    kind: UserKind
    disabled: bool = strawberry.field(
        description="True while staff have turned this user's online access off."
    )
    practitioner_id: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, row: UserRow) -> User:
        return cls(
            id=strawberry.ID(str(row.id)),
            email=row.email,
            name=row.name,
            kind=UserKind(row.kind),
            disabled=row.disabled_at is not None,
            practitioner_id=row.practitioner_id,
        )

    @strawberry.field(
        description="The patients this user may book for and manage: themselves, family members.",
        extensions=guarded(_sees_user),
    )
    async def patients(self, info: Info) -> list[Patient]:
        rows = await info.context.loaders[USER_PATIENTS].load(int(self.id))
        return [Patient.from_row(r) for r in rows]

    @strawberry.field
    async def practitioner(self, info: Info) -> Practitioner | None:
        if self.practitioner_id is None:
            return None
        return await load_practitioner(info, self.practitioner_id)

    @strawberry.field(
        description="True once the user confirmed their current email with the link sent to it (see verifyEmail)."
    )
    async def email_verified(self, info: Info) -> bool:
        return await info.context.loaders[EMAIL_VERIFIED].load(int(self.id))


async def load_user(info: Info, user_id: int) -> User | None:
    row = await info.context.loaders[USER].load(user_id)
    return User.from_row(row) if row else None


@strawberry.type
class Patient:
    id: strawberry.ID
    name: str
    birth_date: date | None
    email: str | None
    phone: str | None
    contact_consent: bool = strawberry.field(
        description="False when the patient opted out of emails and texts."
    )
    provisional: bool = strawberry.field(
        description="True for a profile created by an online registration that staff have not yet confirmed or merged."
    )

    @classmethod
    def from_row(cls, row: PatientRow) -> Patient:
        return cls(
            id=strawberry.ID(str(row.id)),
            name=row.name,
            birth_date=row.birth_date,
            email=row.email,
            phone=row.phone,
            contact_consent=row.contact_consent,
            provisional=row.provisional,
        )

    @strawberry.field
    async def invitation_status(self, info: Info) -> InvitationStatus:
        if await info.context.loaders[PATIENT_USERS].load(int(self.id)):
            return InvitationStatus.ENROLLED
        if await info.context.loaders[INVITED].load(int(self.id)):
            return InvitationStatus.INVITED
        return InvitationStatus.NOT_INVITED

    @strawberry.field(description="Staff see every user of the patient; a user only themself.")
    async def users(self, info: Info) -> list[User]:
        rows = await info.context.loaders[PATIENT_USERS].load(int(self.id))
        return [User.from_row(r) for r in policy.visible_users(info.context.actor, rows)]


async def load_patient(info: Info, patient_id: int | None) -> Patient | None:
    if patient_id is None:
        return None
    row = await info.context.loaders[PATIENT].load(patient_id)
    return Patient.from_row(row) if row else None


@strawberry.type(
    description="A signed-in user's bearer token. (Practitioners' availability sessions are SessionSeries.)"
)
class SignIn:
    token: str
    user: User


@strawberry.type
class Invitation:
    id: strawberry.ID
    email: str
    state: InvitationState
    requires_verification_code: bool
    link: str = strawberry.field(
        description="The link staff can copy and send from their own mail."
    )
    row: strawberry.Private[InvitationRow]

    @classmethod
    def from_view(cls, found: InvitationView) -> Invitation:
        row = found.row
        return cls(
            id=strawberry.ID(str(row.id)),
            email=row.email,
            state=InvitationState(row.state),
            requires_verification_code=row.requires_verification_code,
            link=found.link,
            row=row,
        )

    @strawberry.field(
        description="Shown to staff only, who give it to the patient by phone.",
        extensions=guarded(lambda actor, _: policy.may_see_verification_codes(actor)),
    )
    def verification_code(self) -> str | None:
        return self.row.verification_code

    @strawberry.field
    async def sent_at(self, info: Info) -> datetime:
        return await info.context.local(self.row.sent_at)

    @strawberry.field
    async def patient(self, info: Info) -> Patient:
        patient = await load_patient(info, self.row.patient_id)
        assert patient is not None
        return patient


@strawberry.type
class BulkInviteSkip:
    patient: Patient
    problem: Problem


@strawberry.type
class BulkInviteResult:
    invited: list[Invitation]
    skipped: list[BulkInviteSkip]


@strawberry.input
class PatientInput(patients.PatientInput):
    pass


SignInResult = Annotated[
    SignIn | InvalidInput | NotAllowed | TooManyAttempts, strawberry.union("SignInResult")
]
UserResult = Annotated[User | InvalidInput | NotAllowed | NotFound, strawberry.union("UserResult")]
PatientResult = Annotated[
    Patient | InvalidInput | NotAllowed | NotFound, strawberry.union("PatientResult")
]
InvitationResult = Annotated[
    Invitation | ConsentMissing | InvitationStale | InvalidInput | NotAllowed | NotFound,
    strawberry.union("InvitationResult"),
]
AcceptInvitationResult = Annotated[
    Patient | VerificationFailed | InvalidInput | NotAllowed | NotFound,
    strawberry.union("AcceptInvitationResult"),
]
