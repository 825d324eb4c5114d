"""Account queries: who is signed in, invitations, online registrations."""

from __future__ import annotations

from typing import Annotated

import strawberry

from resolvers.accounts import invite, registrations
from schema.accounts.types import Invitation, Patient, User
from schema.core.connections import After, Before, Connection, First, Last, paging
from schema.core.context import Info


@strawberry.type
class AccountsQuery:
    @strawberry.field(description="The signed-in user; null when anonymous.")
    async def me(self, info: Info) -> User | None:
        identity = info.context.identity
        return User.from_row(identity.user) if identity and identity.user else None

    @strawberry.field(
        description="Staff: invitations, newest first. Anyone else gets an error coded NOT_ALLOWED.",
        deprecation_reason="Unbounded; use invitationsConnection, which pages (newest first).",
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
        description="Staff: provisional patient profiles from online registrations, to confirm or merge.",
        deprecation_reason="Unbounded; use onlineRegistrationsConnection, which pages.",
    )
    async def online_registrations(self, info: Info) -> list[Patient]:
        rows = await registrations.online_registrations(info.context.deps, info.context.actor)
        return [Patient.from_row(r) for r in rows]

    @strawberry.field(
        description="Staff: invitations, newest first (all, or one patient's), a page at a time."
    )
    async def invitations_connection(
        self,
        info: Info,
        patient_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="Only this patient's invitations; omit for all."),
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Invitation]:
        deps, actor = info.context.deps, info.context.actor
        page = await invite.invitations_page(
            deps, actor, patient_id=patient_id, page=paging(first, after, last, before)
        )
        return Connection.of(
            page.converted(Invitation.from_view),
            lambda: invite.count_invitations(deps, actor, patient_id=patient_id),
        )

    @strawberry.field(
        description="Staff: provisional patient profiles from online registrations, oldest first, a page at a time."
    )
    async def online_registrations_connection(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Patient]:
        deps, actor = info.context.deps, info.context.actor
        page = await registrations.online_registrations_page(
            deps, actor, page=paging(first, after, last, before)
        )
        return Connection.of(
            page.converted(Patient.from_row),
            lambda: registrations.count_online_registrations(deps, actor),
        )
