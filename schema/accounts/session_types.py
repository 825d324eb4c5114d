"""Types of a user's own sign-in sessions, password and email changes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from resolvers.accounts.change_email import EmailChangeView
from resolvers.accounts.my_sessions import SessionView
from schema.accounts.types import User
from schema.core.context import Info
from schema.core.problems import InvalidInput, NotAllowed, NotFound
from schema.core.throttling import TooManyAttempts


@strawberry.type(
    description="One place the user is signed in: a bearer token, never shown again after sign-in. (Practitioners' availability sessions are SessionSeries.)"
)
class SignInSession:
    id: strawberry.ID = strawberry.field(description="The session's id, for endSession.")
    current: bool = strawberry.field(description="True for the session making this request.")
    view: strawberry.Private[SessionView]

    @classmethod
    def from_view(cls, view: SessionView) -> SignInSession:
        return cls(id=strawberry.ID(str(view.id)), current=view.current, view=view)

    @strawberry.field(description="When the user signed in.")
    async def created_at(self, info: Info) -> datetime:
        return await info.context.local(self.view.created_at)

    @strawberry.field(description="When it was last used, to within a few minutes.")
    async def last_used_at(self, info: Info) -> datetime | None:
        return await info.context.local_or_none(self.view.last_used_at)

    @strawberry.field(description="When the session ends by itself; sign in again after it.")
    async def expires_at(self, info: Info) -> datetime:
        return await info.context.local(self.view.expires_at)


@strawberry.type(description="The answer to requestPasswordReset, the same for any email.")
class PasswordResetRequested:
    message: str = strawberry.field(description="What to tell the user: check their mailbox.")


@strawberry.type(description="The password is changed.")
class PasswordChanged:
    signed_out_sessions: int = strawberry.field(
        description="How many sessions were signed out (their open sockets close with 4401)."
    )


@strawberry.type(
    description="A confirmation link went to the new address; the change takes effect when it is followed."
)
class EmailChangeRequested:
    new_email: str = strawberry.field(description="The address the confirmation link went to.")
    view: strawberry.Private[EmailChangeView]

    @classmethod
    def from_view(cls, view: EmailChangeView) -> EmailChangeRequested:
        return cls(new_email=view.new_email, view=view)

    @strawberry.field(description="Until when the link works (a day).")
    async def expires_at(self, info: Info) -> datetime:
        return await info.context.local(self.view.expires_at)


@strawberry.type(description="Sessions signed out.")
class SessionsEnded:
    count: int = strawberry.field(
        description="How many sessions were signed out (their open sockets close with 4401)."
    )


def password_changed(count: int) -> PasswordChanged:
    return PasswordChanged(signed_out_sessions=count)


def sessions_ended(count: int) -> SessionsEnded:
    return SessionsEnded(count=count)


PasswordResetRequestResult = Annotated[
    PasswordResetRequested | InvalidInput | NotAllowed | TooManyAttempts,
    strawberry.union(
        "PasswordResetRequestResult",
        description="The same answer for any email, or why the request was refused.",
    ),
]
ResetPasswordResult = Annotated[
    PasswordChanged | InvalidInput | NotFound | NotAllowed,
    strawberry.union(
        "ResetPasswordResult",
        description="The password is changed, or why not (NotFound: the link is used, expired or unknown).",
    ),
]
ChangePasswordResult = Annotated[
    PasswordChanged | InvalidInput | NotAllowed,
    strawberry.union("ChangePasswordResult", description="The password is changed, or why not."),
]
ChangeEmailResult = Annotated[
    EmailChangeRequested | InvalidInput | NotAllowed,
    strawberry.union(
        "ChangeEmailResult", description="The confirmation link is on its way, or why not."
    ),
]
ConfirmEmailChangeResult = Annotated[
    User | InvalidInput | NotFound | NotAllowed,
    strawberry.union(
        "ConfirmEmailChangeResult",
        description="The user with the new email, or why not (NotFound: the link is used, expired or unknown).",
    ),
]
EndSessionResult = Annotated[
    SignInSession | InvalidInput | NotFound | NotAllowed,
    strawberry.union("EndSessionResult", description="The session signed out, or why not."),
]
EndOtherSessionsResult = Annotated[
    SessionsEnded | NotAllowed,
    strawberry.union(
        "EndOtherSessionsResult", description="How many sessions were signed out, or why not."
    ),
]
