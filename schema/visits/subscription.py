"""myAppointmentUpdates."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry

from resolvers.visits.appointment_updates import appointment_updates
from schema.core.context import Info
from schema.visits.types import Appointment


@strawberry.type
class VisitsSubscription:
    @strawberry.subscription(
        description="Changes to appointments of the patients the signed-in user manages."
    )
    async def my_appointment_updates(self, info: Info) -> AsyncGenerator[Appointment, None]:
        updates = appointment_updates(
            info.context.deps, info.context.actor, token=info.context.token
        )
        async for row in updates:
            info.context.fresh_loaders()
            yield Appointment.from_row(row)
