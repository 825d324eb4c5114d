"""availableSlots."""

from __future__ import annotations

from datetime import datetime

import strawberry

from resolvers.booking.available_slots import available_slots
from schema.booking.types import Availability, Slot
from schema.core.arguments import From
from schema.core.context import Info


@strawberry.type
class BookingQuery:
    @strawberry.field
    async def available_slots(
        self,
        info: Info,
        practitioner_id: strawberry.ID,
        service_id: strawberry.ID,
        from_: From,
        to: datetime,
    ) -> Availability:
        found = await available_slots(
            info.context.deps,
            info.context.actor,
            practitioner_id=practitioner_id,
            service_id=service_id,
            start=from_,
            end=to,
        )
        zone = await info.context.zone()
        return Availability(
            slots=[
                Slot(
                    start=s.start.astimezone(zone),
                    end=s.end.astimezone(zone),
                    practitioner_id=found.practitioner_id,
                    location_id=s.location_id,
                )
                for s in found.slots
            ],
            open_until=found.open_until.astimezone(zone) if found.open_until else None,
        )
