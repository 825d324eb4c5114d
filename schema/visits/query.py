"""Visit queries: one appointment, a practitioner's diary, a patient's visits."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from resolvers.visits import read_visits
from schema.core.arguments import From
from schema.core.context import Info
from schema.visits.types import Appointment


@strawberry.type
class VisitsQuery:
    @strawberry.field(
        description="One appointment; null when it does not exist or the user may not see it (the two look the same)."
    )
    async def appointment(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The appointment.")],
    ) -> Appointment | None:
        row = await read_visits.appointment(info.context.deps, info.context.actor, id=id)
        return Appointment.from_row(row) if row else None

    @strawberry.field(
        description="Every appointment of a practitioner in a window of at most 62 days, holds included. Staff and that practitioner's own user only; anyone else gets an error coded NOT_ALLOWED."
    )
    async def diary(
        self,
        info: Info,
        practitioner_id: Annotated[
            strawberry.ID, strawberry.argument(description="The practitioner whose diary to read.")
        ],
        from_: From,
        to: Annotated[
            datetime,
            strawberry.argument(
                description="The end of the window, with a UTC offset; after from."
            ),
        ],
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
        self,
        info: Info,
        patient_id: Annotated[
            strawberry.ID,
            strawberry.argument(
                description="The patient; staff may name any, anyone else gets an error coded NOT_ALLOWED for a patient they do not manage."
            ),
        ],
        from_: From,
        to: Annotated[
            datetime,
            strawberry.argument(
                description="The end of the window, with a UTC offset; at most 1098 days (three years) after from."
            ),
        ],
    ) -> list[Appointment]:
        rows = await read_visits.visits(
            info.context.deps, info.context.actor, patient_id=patient_id, start=from_, end=to
        )
        return [Appointment.from_row(r) for r in rows]
