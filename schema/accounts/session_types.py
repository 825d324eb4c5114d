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
    id: strawberry.ID
    current: bool = strawberry.field(description="True for the session making this request.")
    view: strawberry.Private[SessionView]

    @classmethod
    def from_view(cls, view: SessionView) -> SignInSession:
        return cls(id=strawberry.ID(str(view.id)), current=view.current, view=view)

    @strawberry.field
    async def created_at(self, info: Info) -> datetime:
        return await info.context.local(self.view.created_at)

    @strawberry.field(description="When it was last used, to within a few minutes.")
    async def last_used_at(self, info: Info) -> datetime | None:
        return await info.context.local_or_none(self.view.last_used_at)

    @strawberry.field
    async def expires_at(self, info: Info) -> datetime:
        return await info.context.local(self.view.expires_at)


@strawberry.type(description="The answer to requestPasswordReset, the same for any email.")
class PasswordResetRequested:
    message: str


@strawberry.type
class PasswordChanged:
    signed_out_sessions: int = strawberry.field(
        description="How many sessions were signed out (their open sockets close with 4401)."
    )


@strawberry.type(
    description="A confirmation link went to the new address; the change takes effect when it is followed."
)
class EmailChangeRequested:
    new_email: str
    view: strawberry.Private[EmailChangeView]

    @classmethod
    def from_view(cls, view: EmailChangeView) -> EmailChangeRequested:
        return cls(new_email=view.new_email, view=view)

    @strawberry.field
    async def expires_at(self, info: Info) -> datetime:
        return await info.context.local(self.view.expires_at)


@strawberry.type
class SessionsEnded:
    count: int


def password_changed(count: int) -> PasswordChanged:
    return PasswordChanged(signed_out_sessions=count)


def sessions_ended(count: int) -> SessionsEnded:
    return SessionsEnded(count=count)


PasswordResetRequestResult = Annotated[
    PasswordResetRequested | InvalidInput | NotAllowed | TooManyAttempts,
    strawberry.union("PasswordResetRequestResult"),
]
ResetPasswordResult = Annotated[
    PasswordChanged | InvalidInput | NotFound | NotAllowed, strawberry.union("ResetPasswordResult")
]
ChangePasswordResult = Annotated[
    PasswordChanged | InvalidInput | NotAllowed, strawberry.union("ChangePasswordResult")
]
ChangeEmailResult = Annotated[
    EmailChangeRequested | InvalidInput | NotAllowed, strawberry.union("ChangeEmailResult")
]
ConfirmEmailChangeResult = Annotated[
    User | InvalidInput | NotFound | NotAllowed, strawberry.union("ConfirmEmailChangeResult")
]
EndSessionResult = Annotated[
    SignInSession | InvalidInput | NotFound | NotAllowed, strawberry.union("EndSessionResult")
]
EndOtherSessionsResult = Annotated[
    SessionsEnded | NotAllowed, strawberry.union("EndOtherSessionsResult")
]
