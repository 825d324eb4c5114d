"""Account queries: who is signed in, invitations, online registrations."""

from __future__ import annotations

from typing import Annotated

import strawberry

from domain.requirements import ANYONE, STAFF, staff_or_client_with
from domain.scopes import PATIENTS_READ
from resolvers.accounts import invite, registrations
from schema.accounts.types import Invitation, Patient, User
from schema.core.access import requires
from schema.core.connections import After, Before, Connection, First, Last, pages, paging
from schema.core.context import Info


@strawberry.type
class AccountsQuery:
    @strawberry.field(description="The signed-in user; null when anonymous.")
    @requires(ANYONE)
    async def me(self, info: Info) -> User | None:
        identity = info.context.identity
        return User.from_row(identity.user) if identity and identity.user else None

    @strawberry.field(
        description="Staff: invitations, newest first. Anyone else gets an error coded NOT_ALLOWED.",
        deprecation_reason="Unbounded; use invitationsConnection, which pages (newest first).",
    )
    @requires(STAFF)
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
    @requires(STAFF)
    async def online_registrations(self, info: Info) -> list[Patient]:
        rows = await registrations.online_registrations(info.context.deps, info.context.actor)
        return [Patient.from_row(r) for r in rows]

    @strawberry.field(
        description="Staff: invitations, newest first (all, or one patient's), a page at a time."
    )
    @requires(staff_or_client_with(PATIENTS_READ))
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
        return await pages(
            info,
            invite.invitations_page,
            invite.count_invitations,
            Invitation.from_view,
            paging(first, after, last, before),
            patient_id=patient_id,
        )

    @strawberry.field(
        description="Staff: provisional patient profiles from online registrations, oldest first, a page at a time."
    )
    @requires(staff_or_client_with(PATIENTS_READ))
    async def online_registrations_connection(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Patient]:
        return await pages(
            info,
            registrations.online_registrations_page,
            registrations.count_online_registrations,
            Patient.from_row,
            paging(first, after, last, before),
        )
