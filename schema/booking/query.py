"""availableSlots."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from domain.requirements import AVAILABILITY
from resolvers.booking.available_slots import available_slots
from schema.booking.types import Availability, Slot
from schema.core.access import requires
from schema.core.arguments import From
from schema.core.context import Info


@strawberry.type
class BookingQuery:
    @strawberry.field(
        description="Free online start times of a practitioner for a service in a window of at most 62 days, and until when online booking is open. Public."
    )
    @requires(AVAILABILITY)
    async def available_slots(
        self,
        info: Info,
        practitioner_id: Annotated[
            strawberry.ID, strawberry.argument(description="The practitioner.")
        ],
        service_id: Annotated[
            strawberry.ID,
            strawberry.argument(description="The service, which sets the slots' length."),
        ],
        from_: From,
        to: Annotated[
            datetime,
            strawberry.argument(
                description="The end of the window (exclusive), with a UTC offset; after from."
            ),
        ],
    ) -> Availability:
        found = await available_slots(
            info.context.deps,
            info.context.actor,
            practitioner_id=practitioner_id,
            service_id=service_id,
            start=from_,
            end=to,
        )
        practitioner = found.practitioner_id
        return Availability(
            slots=[
                Slot(
                    start=s.start,
                    end=s.end,
                    practitioner_id=practitioner,
                    location_id=s.location_id,
                )
                for s in found.slots
            ],
            open_until=found.open_until,
        )
