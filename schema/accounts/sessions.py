"""A user's own account: sign-in sessions, password reset and change, email change."""

from __future__ import annotations

from typing import Annotated

import strawberry

from domain.account_links import RESET_REQUESTED
from domain.requirements import ANYONE, SIGNED_IN_PERSON
from resolvers.accounts import change_email as email_use_cases
from resolvers.accounts import change_password as password_use_cases
from resolvers.accounts import my_sessions as session_use_cases
from resolvers.accounts import reset_password as reset_use_cases
from schema.accounts.session_types import (
    ChangeEmailResult,
    ChangePasswordResult,
    ConfirmEmailChangeResult,
    EmailChangeRequested,
    EndOtherSessionsResult,
    EndSessionResult,
    PasswordResetRequested,
    PasswordResetRequestResult,
    ResetPasswordResult,
    SignInSession,
    password_changed,
    sessions_ended,
)
from schema.accounts.types import User
from schema.core.access import requires
from schema.core.context import Info
from schema.core.outcomes import answer, runs


@strawberry.type
class SessionsQuery:
    @strawberry.field(
        description="Where the signed-in user is signed in (live sessions, newest first)."
    )
    @requires(SIGNED_IN_PERSON)
    async def my_sessions(self, info: Info) -> list[SignInSession]:
        views = await session_use_cases.my_sessions(
            info.context.deps, info.context.actor, token=info.context.token
        )
        return [SignInSession.from_view(v) for v in views]


@strawberry.type
class SessionsMutation:
    @strawberry.mutation(
        description="Email a single-use link to choose a new password, valid for an hour. The answer is the same whether or not the email has an account."
    )
    @runs(
        reset_use_cases.request_password_reset,
        lambda _: PasswordResetRequested(message=RESET_REQUESTED),
        with_client_address=True,
        requires=ANYONE,
    )
    async def request_password_reset(
        self,
        info: Info,
        email: Annotated[str, strawberry.argument(description="The email the user signs in with.")],
    ) -> PasswordResetRequestResult: ...

    @strawberry.mutation(
        description="Choose a new password with the token from a reset link; every session of the user is signed out."
    )
    @runs(reset_use_cases.reset_password, password_changed, requires=ANYONE)
    async def reset_password(
        self,
        info: Info,
        token: Annotated[str, strawberry.argument(description="The token of the reset link.")],
        new_password: Annotated[
            str,
            strawberry.argument(
                description="At least 10 characters, not among the most common passwords."
            ),
        ],
    ) -> ResetPasswordResult: ...

    @strawberry.mutation(
        description="Replace the signed-in user's password; their other sessions are signed out."
    )
    @requires(SIGNED_IN_PERSON)
    async def change_password(
        self,
        info: Info,
        current_password: Annotated[
            str, strawberry.argument(description="The password the user signs in with now.")
        ],
        new_password: Annotated[
            str,
            strawberry.argument(
                description="At least 10 characters, not among the most common passwords."
            ),
        ],
    ) -> ChangePasswordResult:
        return await answer(
            info,
            password_use_cases.change_password,
            password_changed,
            ChangePasswordResult,
            current_password=current_password,
            new_password=new_password,
            token=info.context.token,
        )

    @strawberry.mutation(
        description="Sign in with another email: a confirmation link goes to it, and the current address is told. Nothing changes until the link is followed."
    )
    @runs(email_use_cases.change_email, EmailChangeRequested.from_view, requires=SIGNED_IN_PERSON)
    async def change_email(
        self,
        info: Info,
        new_email: Annotated[
            str, strawberry.argument(description="The email to sign in with from now on.")
        ],
    ) -> ChangeEmailResult: ...

    @strawberry.mutation(description="Follow the link sent by changeEmail.")
    @runs(email_use_cases.confirm_email_change, User.from_row, requires=ANYONE)
    async def confirm_email_change(
        self,
        info: Info,
        token: Annotated[
            str, strawberry.argument(description="The token of the confirmation link.")
        ],
    ) -> ConfirmEmailChangeResult: ...

    @strawberry.mutation(
        description="Sign out one of the user's sessions (its open sockets close with 4401)."
    )
    @requires(SIGNED_IN_PERSON)
    async def end_session(
        self,
        info: Info,
        id: Annotated[
            strawberry.ID, strawberry.argument(description="The session, from mySessions.")
        ],
    ) -> EndSessionResult:
        return await answer(
            info,
            session_use_cases.end_session,
            SignInSession.from_view,
            EndSessionResult,
            session_id=id,
            token=info.context.token,
        )

    @strawberry.mutation(description="Sign out every session of the user but this one.")
    @requires(SIGNED_IN_PERSON)
    async def end_other_sessions(self, info: Info) -> EndOtherSessionsResult:
        return await answer(
            info,
            session_use_cases.end_other_sessions,
            sessions_ended,
            EndOtherSessionsResult,
            token=info.context.token,
        )
