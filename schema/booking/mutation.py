"""hold, releaseHold and request."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from domain.requirements import HOLDER
from persistence.models import AppointmentRow
from resolvers.booking import hold_slot, release_hold, request_slot
from schema.booking.types import Hold, HoldResult, ReleaseResult
from schema.core.context import Info
from schema.core.outcomes import runs
from schema.visits.types import Appointment, AppointmentResult

CLIENT_KEY = "A key the client makes per attempt: a retry with the same key returns the same hold instead of failing on it."


def _hold(row: AppointmentRow) -> Hold:
    return Hold(appointment=Appointment.from_row(row))


@strawberry.type
class BookingMutation:
    @strawberry.mutation(
        description="Place a temporary appointment on a slot so no other portal can take it; it lapses after holdMinutes."
    )
    @runs(hold_slot.hold, _hold, with_client_address=True, requires=HOLDER)
    async def hold(
        self,
        info: Info,
        practitioner_id: Annotated[
            strawberry.ID, strawberry.argument(description="The practitioner.")
        ],
        service_id: Annotated[
            strawberry.ID, strawberry.argument(description="The service to book.")
        ],
        start: Annotated[
            datetime, strawberry.argument(description="A slot's start, as availableSlots gave it.")
        ],
        client_key: Annotated[str | None, strawberry.argument(description=CLIENT_KEY)] = None,
    ) -> HoldResult: ...

    @strawberry.mutation(
        description="Give a held slot back before it lapses (the user changed their mind); the slot is free at once."
    )
    @runs(release_hold.release_hold, Appointment.from_row, requires=HOLDER)
    async def release_hold(
        self,
        info: Info,
        appointment_id: Annotated[
            strawberry.ID, strawberry.argument(description="The hold's appointment.")
        ],
    ) -> ReleaseResult: ...

    @strawberry.mutation(
        description="Turn a hold into a booking for one of the user's patients: BOOKED, REQUESTED (approval required) or PROVISIONAL (provisional patient)."
    )
    @runs(request_slot.request, Appointment.from_row, requires=HOLDER)
    async def request(
        self,
        info: Info,
        appointment_id: Annotated[
            strawberry.ID, strawberry.argument(description="The hold's appointment.")
        ],
        patient_id: Annotated[
            strawberry.ID,
            strawberry.argument(
                description="Whom the appointment is for: one of the user's patients (for an API client with patients:read, any patient of the clinic)."
            ),
        ],
        note: Annotated[
            str | None,
            strawberry.argument(description="A message to the clinic (the reason for the visit)."),
        ] = None,
    ) -> AppointmentResult: ...
