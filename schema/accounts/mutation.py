"""Account mutations: sign-in, invitations, links, merges and registrations."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import strawberry

from domain.requirements import ANYONE, SIGNED_IN_PERSON, STAFF
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
from schema.core.access import requires
from schema.core.context import Info
from schema.core.outcomes import answer, runs
from schema.core.problems import problems_of, to_problem


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
    @requires(ANYONE)
    async def register(
        self,
        info: Info,
        email: Annotated[
            str,
            strawberry.argument(
                description="The email to sign in with; a verification link is sent to it."
            ),
        ],
        password: Annotated[
            str,
            strawberry.argument(
                description="At least 10 characters, not among the most common passwords."
            ),
        ],
        name: Annotated[str, strawberry.argument(description="The registrant's full name.")],
        birth_date: Annotated[
            date | None,
            strawberry.argument(
                description="The registrant's birth date, to find their patient record."
            ),
        ] = None,
        phone: Annotated[
            str | None,
            strawberry.argument(
                description="The registrant's phone, to find their patient record."
            ),
        ] = None,
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
            language=info.context.asked_language(),
        )
        return await acting_as_new_user(info, result)

    @strawberry.mutation(
        description="Sign in with email and password. Limited per account and client address (TooManyAttempts)."
    )
    @requires(ANYONE)
    async def login(
        self,
        info: Info,
        email: Annotated[str, strawberry.argument(description="The email the user signs in with.")],
        password: Annotated[str, strawberry.argument(description="The user's password.")],
    ) -> SignInResult:
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

    @strawberry.mutation(
        description="End the session of this request's token: true when one ended, false when anonymous."
    )
    @requires(ANYONE)
    async def logout(self, info: Info) -> bool:
        return await sign_in.logout(info.context.deps, info.context.token)

    @strawberry.mutation(description="Staff: let an email address manage a patient's appointments.")
    @runs(
        invitations.invite,
        Invitation.from_view,
        require_verification_code="requires_code",
        requires=STAFF,
    )
    async def invite(
        self,
        info: Info,
        patient_id: Annotated[
            strawberry.ID, strawberry.argument(description="The patient the invitee will manage.")
        ],
        email: Annotated[str, strawberry.argument(description="Where to send the invitation.")],
        require_verification_code: Annotated[
            bool,
            strawberry.argument(
                description="True to require a code staff give by phone (see Invitation.verificationCode)."
            ),
        ] = False,
    ) -> InvitationResult: ...

    @strawberry.mutation(
        description="Staff: send a pending invitation again (InvitationStale when the patient's email changed since)."
    )
    @runs(invitations.resend_invitation, Invitation.from_view, requires=STAFF)
    async def resend_invitation(
        self,
        info: Info,
        invitation_id: Annotated[
            strawberry.ID, strawberry.argument(description="The invitation to send again.")
        ],
    ) -> InvitationResult: ...

    @strawberry.mutation(
        description="Staff: withdraw an invitation; its link stops working. Answers it, revoked."
    )
    @runs(invitations.delete_invitation, Invitation.from_view, requires=STAFF)
    async def delete_invitation(
        self,
        info: Info,
        invitation_id: Annotated[
            strawberry.ID, strawberry.argument(description="The invitation to withdraw.")
        ],
    ) -> InvitationResult: ...

    @strawberry.mutation(
        description="Staff: invite many patients at once, each at their own email; those who cannot be invited are listed with the reason. Anyone else gets an error coded NOT_ALLOWED."
    )
    @requires(STAFF)
    async def bulk_invite(
        self,
        info: Info,
        patient_ids: Annotated[
            list[strawberry.ID],
            strawberry.argument(description="The patients to invite, at most 500."),
        ],
    ) -> BulkInviteResult:
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
    @runs(accept_invitation.accept_invitation, Patient.from_row, requires=SIGNED_IN_PERSON)
    async def accept_invitation(
        self,
        info: Info,
        token: Annotated[str, strawberry.argument(description="The token of the invitation link.")],
        verification_code: Annotated[
            str | None,
            strawberry.argument(
                description="The code the clinic gave by phone, when the invitation needs one."
            ),
        ] = None,
    ) -> AcceptInvitationResult: ...

    @strawberry.mutation(
        description="Staff: give an online user access to a patient record (themselves or a family member)."
    )
    @runs(link_user.link, Patient.from_row, requires=STAFF)
    async def link(
        self,
        info: Info,
        user_id: Annotated[strawberry.ID, strawberry.argument(description="The online user.")],
        patient_id: Annotated[
            strawberry.ID, strawberry.argument(description="The patient record they may manage.")
        ],
    ) -> PatientResult: ...

    @strawberry.mutation(
        description="Staff: fold a provisional patient from an online registration into an existing patient; its users and appointments move over and no duplicate remains."
    )
    @runs(registrations.merge, Patient.from_row, requires=STAFF)
    async def merge(
        self,
        info: Info,
        provisional_patient_id: Annotated[
            strawberry.ID,
            strawberry.argument(
                description="The provisional patient from the online registration."
            ),
        ],
        into_patient_id: Annotated[
            strawberry.ID, strawberry.argument(description="The existing patient record it is.")
        ],
    ) -> PatientResult: ...

    @strawberry.mutation(description="Staff: admit a provisional patient as a new patient record.")
    @runs(registrations.confirm_registration, Patient.from_row, requires=STAFF)
    async def confirm_registration(
        self,
        info: Info,
        provisional_patient_id: Annotated[
            strawberry.ID,
            strawberry.argument(
                description="The provisional patient from the online registration."
            ),
        ],
    ) -> PatientResult: ...
