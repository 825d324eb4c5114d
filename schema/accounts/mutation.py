"""Account mutations: sign-in, invitations, links, merges and registrations."""

from __future__ import annotations

from datetime import date
from typing import Any

import strawberry

from resolvers.accounts import (
    accept_invitation,
    bulk_invite,
    link_user,
    registrations,
    sign_in,
)
from resolvers.accounts import (
    invite as invitations,
)
from resolvers.accounts.identity import identify
from schema.accounts.types import (
    AcceptInvitationResult,
    BulkInviteResult,
    BulkInviteSkip,
    Invitation,
    InvitationResult,
    Patient,
    PatientResult,
    SignIn,
    SignInResult,
    User,
)
from schema.core.context import Info
from schema.core.outcomes import answer, problems_of, runs
from schema.core.problems import to_problem


async def acting_as_new_user(info: Info, result: Any) -> Any:
    """After a sign-in the rest of this request acts as that user (so `user { patients }`
    works)."""
    if isinstance(result, SignIn):
        info.context.identity = await identify(info.context.deps, result.token)
        info.context.token = result.token
    return result


def sign_in_of(done: sign_in.SignedIn) -> SignIn:
    return SignIn(token=done.token, user=User.from_row(done.user))


@strawberry.type
class AccountsMutation:
    @strawberry.mutation(
        description="Create an online user with a provisional patient profile; staff later confirm or merge it."
    )
    async def register(
        self,
        info: Info,
        email: str,
        password: str,
        name: str,
        birth_date: date | None = None,
        phone: str | None = None,
    ) -> SignInResult:
        result = await answer(
            info,
            sign_in.register,
            sign_in_of,
            SignInResult,
            email=email,
            password=password,
            name=name,
            birth_date=birth_date,
            phone=phone,
            client_address=info.context.client_address,
        )
        return await acting_as_new_user(info, result)

    @strawberry.mutation
    async def login(self, info: Info, email: str, password: str) -> SignInResult:
        result = await answer(
            info,
            sign_in.login,
            sign_in_of,
            SignInResult,
            email=email,
            password=password,
            client_address=info.context.client_address,
        )
        return await acting_as_new_user(info, result)

    @strawberry.mutation
    async def logout(self, info: Info) -> bool:
        return await sign_in.logout(info.context.deps, info.context.token)

    @strawberry.mutation(description="Staff: let an email address manage a patient's appointments.")
    @runs(invitations.invite, Invitation.from_view, require_verification_code="requires_code")
    async def invite(
        self,
        info: Info,
        patient_id: strawberry.ID,
        email: str,
        require_verification_code: bool = False,
    ) -> InvitationResult: ...

    @strawberry.mutation
    @runs(invitations.resend_invitation, Invitation.from_view)
    async def resend_invitation(
        self, info: Info, invitation_id: strawberry.ID
    ) -> InvitationResult: ...

    @strawberry.mutation
    @runs(invitations.delete_invitation, Invitation.from_view)
    async def delete_invitation(
        self, info: Info, invitation_id: strawberry.ID
    ) -> InvitationResult: ...

    @strawberry.mutation
    async def bulk_invite(self, info: Info, patient_ids: list[strawberry.ID]) -> BulkInviteResult:
        done = await bulk_invite.bulk_invite(
            info.context.deps, info.context.actor, patient_ids=patient_ids
        )
        allowed = problems_of(InvitationResult)
        return BulkInviteResult(
            invited=[Invitation.from_view(v) for v in done.invited],
            skipped=[
                BulkInviteSkip(
                    patient=Patient.from_row(s.patient), problem=to_problem(s.problem, allowed)
                )
                for s in done.skipped
            ],
        )

    @strawberry.mutation(
        description="The signed-in user accepts an invitation and gains the patient."
    )
    @runs(accept_invitation.accept_invitation, Patient.from_row)
    async def accept_invitation(
        self, info: Info, token: str, verification_code: str | None = None
    ) -> AcceptInvitationResult: ...

    @strawberry.mutation(
        description="Staff: give an online user access to a patient record (themselves or a family member)."
    )
    @runs(link_user.link, Patient.from_row)
    async def link(
        self, info: Info, user_id: strawberry.ID, patient_id: strawberry.ID
    ) -> PatientResult: ...

    @strawberry.mutation(
        description="Staff: fold a provisional patient from an online registration into an existing patient; its users and appointments move over and no duplicate remains."
    )
    @runs(registrations.merge, Patient.from_row)
    async def merge(
        self, info: Info, provisional_patient_id: strawberry.ID, into_patient_id: strawberry.ID
    ) -> PatientResult: ...

    @strawberry.mutation(description="Staff: admit a provisional patient as a new patient record.")
    @runs(registrations.confirm_registration, Patient.from_row)
    async def confirm_registration(
        self, info: Info, provisional_patient_id: strawberry.ID
    ) -> PatientResult: ...
