"""myAppointmentUpdates and myDiaryChanges."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Awaitable, Callable

import strawberry

from domain.requirements import SIGNED_IN_PERSON
from persistence.models import AppointmentRow
from resolvers.visits.appointment_updates import appointment_updates
from resolvers.visits.diary_changes import diary_changes
from schema.core.access import requires
from schema.core.context import Info
from schema.core.live import Since, resumable
from schema.visits.types import Appointment


@strawberry.type
class VisitsSubscription:
    @strawberry.subscription(
        description="Changes to appointments of the patients the signed-in user manages."
    )
    @requires(SIGNED_IN_PERSON)
    async def my_appointment_updates(
        self, info: Info, since: Since = None
    ) -> AsyncGenerator[Appointment, None]:
        updates = appointment_updates(
            info.context.deps, info.context.actor, token=info.context.token, since=since
        )
        async for appointment in resumable(updates, _fresh(info)):
            yield appointment

    @strawberry.subscription(
        description="Practitioner users: each appointment of their own diary as it changes."
    )
    @requires(SIGNED_IN_PERSON)
    async def my_diary_changes(
        self, info: Info, since: Since = None
    ) -> AsyncGenerator[Appointment, None]:
        changes = diary_changes(
            info.context.deps, info.context.actor, token=info.context.token, since=since
        )
        async for appointment in resumable(changes, _fresh(info)):
            yield appointment


def _fresh(info: Info) -> Callable[[AppointmentRow, str | None], Awaitable[Appointment]]:
    """The appointment as told live: read afresh (new loaders), with its cursor."""

    async def told(row: AppointmentRow, cursor: str | None) -> Appointment:
        info.context.fresh_loaders()
        appointment = Appointment.from_row(row)
        appointment.cursor = cursor
        return appointment

    return told
