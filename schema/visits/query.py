"""Visit queries: one appointment, a practitioner's diary, a patient's visits."""

from __future__ import annotations

from datetime import datetime

import strawberry

from resolvers.visits import read_visits
from schema.core.arguments import From
from schema.core.context import Info
from schema.visits.types import Appointment


@strawberry.type
class VisitsQuery:
    @strawberry.field
    async def appointment(self, info: Info, id: strawberry.ID) -> Appointment | None:
        row = await read_visits.appointment(info.context.deps, info.context.actor, id=id)
        return Appointment.from_row(row) if row else None

    @strawberry.field
    async def diary(
        self, info: Info, practitioner_id: strawberry.ID, from_: From, to: datetime
    ) -> list[Appointment]:
        rows = await read_visits.diary(
            info.context.deps,
            info.context.actor,
            practitioner_id=practitioner_id,
            start=from_,
            end=to,
        )
        return [Appointment.from_row(r) for r in rows]

    @strawberry.field(
        description="Client portal: past and upcoming visits of a patient the user may manage."
    )
    async def visits(
        self, info: Info, patient_id: strawberry.ID, from_: From, to: datetime
    ) -> list[Appointment]:
        rows = await read_visits.visits(
            info.context.deps, info.context.actor, patient_id=patient_id, start=from_, end=to
        )
        return [Appointment.from_row(r) for r in rows]
