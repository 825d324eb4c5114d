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
from schema.core.descriptions import describe
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
    id: strawberry.ID = strawberry.field(description="The user's id.")
    email: str = strawberry.field(description="The email the user signs in with.")
    name: str = strawberry.field(description="The user's name.")
    kind: UserKind = strawberry.field(
        description="Patient, provisional patient, practitioner or staff user."
    )
    disabled: bool = strawberry.field(
        description="True while staff have turned this user's online access off."
    )
    language: str | None = strawberry.field(
        description="The language of this user's emails and pages (en, de); null to follow the clinic's."
    )
    practitioner_id: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, row: UserRow) -> User:
        return cls(
            language=row.language,
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

    @strawberry.field(
        description="The practitioner profile of a practitioner user; null for anyone else."
    )
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


@strawberry.type(
    description="A patient record of the clinic. Staff see every patient; an online user sees the patients they manage."
)
class Patient:
    id: strawberry.ID = strawberry.field(description="The patient record's id.")
    name: str = strawberry.field(description="The patient's full name.")
    birth_date: date | None = strawberry.field(description="The patient's birth date, if known.")
    email: str | None = strawberry.field(
        description="The patient's own contact email on the record (not necessarily a sign-in)."
    )
    phone: str | None = strawberry.field(description="The patient's phone number, as given.")
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

    @strawberry.field(
        description="Whether the patient uses the portal: not invited, invited or enrolled."
    )
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
    token: str = strawberry.field(
        description="Send it as `Authorization: Bearer <token>` (on websockets in connection_init's payload). Shown only here; it ends at logout."
    )
    user: User = strawberry.field(description="The user now signed in.")


@strawberry.type(
    description="Staff's invitation to an email address to manage a patient's appointments online. Staff only."
)
class Invitation:
    id: strawberry.ID = strawberry.field(description="The invitation's id.")
    email: str = strawberry.field(description="The address the invitation went to.")
    state: InvitationState = strawberry.field(description="Pending, accepted or revoked.")
    requires_verification_code: bool = strawberry.field(
        description="True when accepting needs the code the clinic gives by phone."
    )
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

    @strawberry.field(description="When it was last sent.")
    async def sent_at(self, info: Info) -> datetime:
        return await info.context.local(self.row.sent_at)

    @strawberry.field(description="The patient the invitee will manage.")
    async def patient(self, info: Info) -> Patient:
        patient = await load_patient(info, self.row.patient_id)
        assert patient is not None
        return patient


@strawberry.type(description="A patient bulkInvite did not invite, and why.")
class BulkInviteSkip:
    patient: Patient = strawberry.field(description="The patient left out.")
    problem: Problem = strawberry.field(
        description="Why: e.g. ConsentMissing, or InvalidInput when the record has no email."
    )


@strawberry.type(description="What bulkInvite did: who was invited and who was skipped.")
class BulkInviteResult:
    invited: list[Invitation] = strawberry.field(description="The invitations sent.")
    skipped: list[BulkInviteSkip] = strawberry.field(
        description="The patients not invited, each with its problem."
    )


@strawberry.input(description="A patient's details, as staff enter them.")
class PatientInput(patients.PatientInput):
    pass


describe(
    PatientInput,
    name="The patient's full name (required when creating).",
    birth_date="The patient's birth date; not in the future.",
    email="The patient's contact email; an empty string removes it.",
    phone="The patient's phone number (at most 40 characters); an empty string removes it.",
    contact_consent="False when the patient does not want emails and texts (then no invitation can be sent).",
)


SignInResult = Annotated[
    SignIn | InvalidInput | NotAllowed | TooManyAttempts,
    strawberry.union("SignInResult", description="A sign-in with its token, or why there is none."),
]
UserResult = Annotated[
    User | InvalidInput | NotAllowed | NotFound,
    strawberry.union("UserResult", description="The user as changed, or why not."),
]
PatientResult = Annotated[
    Patient | InvalidInput | NotAllowed | NotFound,
    strawberry.union("PatientResult", description="The patient as it now is, or why not."),
]
InvitationResult = Annotated[
    Invitation | ConsentMissing | InvitationStale | InvalidInput | NotAllowed | NotFound,
    strawberry.union("InvitationResult", description="The invitation, or why not."),
]
AcceptInvitationResult = Annotated[
    Patient | VerificationFailed | InvalidInput | NotAllowed | NotFound,
    strawberry.union(
        "AcceptInvitationResult",
        description="The patient the user now manages, or why not.",
    ),
]
