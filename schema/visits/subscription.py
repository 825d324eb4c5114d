"""myAppointmentUpdates and myDiaryChanges."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry

from domain.requirements import SIGNED_IN_PERSON
from resolvers.visits.appointment_updates import appointment_updates
from resolvers.visits.diary_changes import diary_changes
from schema.core.access import requires
from schema.core.context import Info
from schema.visits.types import Appointment


@strawberry.type
class VisitsSubscription:
    @strawberry.subscription(
        description="Changes to appointments of the patients the signed-in user manages."
    )
    @requires(SIGNED_IN_PERSON)
    async def my_appointment_updates(self, info: Info) -> AsyncGenerator[Appointment, None]:
        updates = appointment_updates(
            info.context.deps, info.context.actor, token=info.context.token
        )
        async for row in updates:
            info.context.fresh_loaders()
            yield Appointment.from_row(row)

    @strawberry.subscription(
        description="Practitioner users: each appointment of their own diary as it changes."
    )
    @requires(SIGNED_IN_PERSON)
    async def my_diary_changes(self, info: Info) -> AsyncGenerator[Appointment, None]:
        changes = diary_changes(info.context.deps, info.context.actor, token=info.context.token)
        async for row in changes:
            info.context.fresh_loaders()
            yield Appointment.from_row(row)
