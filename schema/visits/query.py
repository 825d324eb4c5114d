"""Visit queries: one appointment, a practitioner's diary, a patient's visits."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from domain.appointments import AppointmentStatus as DomainStatus
from domain.requirements import PER_OBJECT, SIGNED_IN
from resolvers.visits import list_appointments, read_visits
from schema.core.access import requires
from schema.core.arguments import From
from schema.core.connections import After, Before, Connection, First, Last, pages, paging
from schema.core.context import Info
from schema.core.enums import AppointmentStatus
from schema.visits.types import Appointment


@strawberry.input(description="Narrows the appointments list; every field given must match.")
class AppointmentFilter:
    practitioner_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only this practitioner's appointments."
    )
    patient_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only this patient's appointments."
    )
    status: list[AppointmentStatus] | None = strawberry.field(
        default=None, description="Any of these statuses."
    )
    from_: datetime | None = strawberry.field(
        default=None, name="from", description="Appointments ending after this instant."
    )
    to: datetime | None = strawberry.field(
        default=None, description="Appointments starting before this instant."
    )

    def given(self) -> list_appointments.AppointmentFilterInput:
        return list_appointments.AppointmentFilterInput(
            practitioner_id=self.practitioner_id,
            patient_id=self.patient_id,
            status=None if self.status is None else [DomainStatus(s.name) for s in self.status],
            from_=self.from_,
            to=self.to,
        )


@strawberry.type
class VisitsQuery:
    @strawberry.field(
        description="One appointment; null when it does not exist or the user may not see it (the two look the same)."
    )
    @requires(PER_OBJECT)
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
    @requires(PER_OBJECT)
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
    @requires(PER_OBJECT)
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

    @strawberry.field(
        description="Appointments the signed-in user may see (staff every one, a practitioner their diary, a user their patients' and their own holds), by start, a page at a time."
    )
    @requires(SIGNED_IN)
    async def appointments(
        self,
        info: Info,
        filter: Annotated[
            AppointmentFilter | None,
            strawberry.argument(description="Which appointments; omit for all you may see."),
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Appointment]:
        given = filter.given() if filter is not None else None
        return await pages(
            info,
            list_appointments.appointments,
            list_appointments.count_appointments,
            Appointment.from_row,
            paging(first, after, last, before),
            filter=given,
        )
