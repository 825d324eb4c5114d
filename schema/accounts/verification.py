"""verifyEmail and resendVerification: a user proves the email they registered with."""

from __future__ import annotations

from typing import Annotated

import strawberry

from domain.requirements import SIGNED_IN_PERSON
from resolvers.accounts import verify_email as verification
from schema.accounts.types import User
from schema.core.context import Info
from schema.core.outcomes import runs
from schema.core.problems import NotAllowed, NotFound
from schema.core.throttling import TooManyAttempts

VerifyEmailResult = Annotated[
    User | NotAllowed | NotFound,
    strawberry.union(
        "VerifyEmailResult", description="The user with their email verified, or why not."
    ),
]
ResendVerificationResult = Annotated[
    User | NotAllowed | TooManyAttempts,
    strawberry.union(
        "ResendVerificationResult",
        description="The user (see emailVerified), or why no link was sent.",
    ),
]


@strawberry.type
class VerificationMutation:
    @strawberry.mutation(
        description="The signed-in user confirms their email with the token of the link emailed at registration (or by resendVerification). The link works once, for 24 hours, for the account it was sent for; otherwise NotFound."
    )
    @runs(verification.verify_email, User.from_row, requires=SIGNED_IN_PERSON)
    async def verify_email(
        self,
        info: Info,
        token: Annotated[
            str, strawberry.argument(description="The token of the verification link.")
        ],
    ) -> VerifyEmailResult: ...

    @strawberry.mutation(
        description="Email the signed-in user a fresh verification link (nothing when their email is verified already, or a link went out in the last minute). Answers the user either way; emailVerified tells which."
    )
    @runs(
        verification.resend_verification,
        User.from_row,
        with_client_address=True,
        requires=SIGNED_IN_PERSON,
    )
    async def resend_verification(self, info: Info) -> ResendVerificationResult: ...
