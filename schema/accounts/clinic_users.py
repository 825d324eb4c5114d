"""The clinic's own users: staff and practitioner users, invited by staff, who set up
their password through a link; staff turn anyone's online access off and on."""

from __future__ import annotations

from typing import Annotated

import strawberry

from domain.requirements import ANYONE, STAFF
from resolvers.accounts import online_access, staff_users
from schema.accounts.mutation import acting_as_new_user, sign_in_of
from schema.accounts.types import SignInResult, User, UserResult
from schema.core.access import requires
from schema.core.context import Info
from schema.core.outcomes import answer, runs


@strawberry.type
class ClinicUsersMutation:
    @strawberry.mutation(
        description="Staff: give a colleague online access as staff; they choose a password through the emailed link. Asking again for someone who has not yet set up sends a fresh link."
    )
    @runs(staff_users.invite_staff_user, User.from_row, requires=STAFF)
    async def invite_staff_user(
        self,
        info: Info,
        email: Annotated[
            str,
            strawberry.argument(description="The colleague's email; the set-up link goes to it."),
        ],
        name: Annotated[str, strawberry.argument(description="The colleague's name.")],
    ) -> UserResult: ...

    @strawberry.mutation(
        description="Staff: give a practitioner online access to their own diary; they choose a password through the emailed link."
    )
    @runs(staff_users.invite_practitioner_user, User.from_row, requires=STAFF)
    async def invite_practitioner_user(
        self,
        info: Info,
        email: Annotated[
            str,
            strawberry.argument(
                description="The practitioner's email; the set-up link goes to it."
            ),
        ],
        practitioner_id: Annotated[
            strawberry.ID,
            strawberry.argument(description="The practitioner profile the user is linked to."),
        ],
    ) -> UserResult: ...

    @strawberry.mutation(
        description="An invited staff or practitioner user chooses their password with the link's token and is signed in."
    )
    @requires(ANYONE)
    async def set_up_account(
        self,
        info: Info,
        token: Annotated[str, strawberry.argument(description="The token of the set-up link.")],
        password: Annotated[
            str,
            strawberry.argument(
                description="At least 10 characters, not among the most common passwords."
            ),
        ],
    ) -> SignInResult:
        result = await answer(
            info,
            staff_users.set_up_account,
            sign_in_of,
            SignInResult,
            token=token,
            password=password,
        )
        return await acting_as_new_user(info, result)

    @strawberry.mutation(
        description="Staff: turn a user's online access off; they cannot sign in and every session of theirs ends at once."
    )
    @runs(online_access.disable_user, User.from_row, requires=STAFF)
    async def disable_user(
        self,
        info: Info,
        user_id: Annotated[
            strawberry.ID, strawberry.argument(description="The user to turn off; not oneself.")
        ],
    ) -> UserResult: ...

    @strawberry.mutation(description="Staff: turn a user's online access back on.")
    @runs(online_access.enable_user, User.from_row, requires=STAFF)
    async def enable_user(
        self,
        info: Info,
        user_id: Annotated[
            strawberry.ID, strawberry.argument(description="The user to turn back on.")
        ],
    ) -> UserResult: ...
