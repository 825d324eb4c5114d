"""Account queries: who is signed in, invitations, online registrations."""

from __future__ import annotations

from typing import Annotated

import strawberry

from resolvers.accounts import invite, registrations
from schema.accounts.types import Invitation, Patient, User
from schema.core.context import Info


@strawberry.type
class AccountsQuery:
    @strawberry.field(description="The signed-in user; null when anonymous.")
    async def me(self, info: Info) -> User | None:
        identity = info.context.identity
        return User.from_row(identity.user) if identity and identity.user else None

    @strawberry.field(
        description="Staff: invitations, newest first. Anyone else gets an error coded NOT_ALLOWED."
    )
    async def invitations(
        self,
        info: Info,
        patient_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="Only this patient's invitations; omit for all."),
        ] = None,
    ) -> list[Invitation]:
        found = await invite.invitations(
            info.context.deps, info.context.actor, patient_id=patient_id
        )
        return [Invitation.from_view(v) for v in found]

    @strawberry.field(
        description="Staff: provisional patient profiles from online registrations, to confirm or merge."
    )
    async def online_registrations(self, info: Info) -> list[Patient]:
        rows = await registrations.online_registrations(info.context.deps, info.context.actor)
        return [Patient.from_row(r) for r in rows]
