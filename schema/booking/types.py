"""Slots, holds and slot changes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from schema.core.context import Info
from schema.core.enums import SlotState
from schema.core.problems import InvalidInput, NotAllowed, NotFound, SlotUnavailable
from schema.core.throttling import TooManyAttempts
from schema.setup.types import AtPractitionerAndLocation
from schema.visits.types import Appointment


@strawberry.type
class Slot(AtPractitionerAndLocation):
    start: datetime
    end: datetime


@strawberry.type
class Availability:
    slots: list[Slot]
    open_until: datetime | None = strawberry.field(
        description="The last moment online booking is open for this practitioner (horizon or end of their sessions), so a portal can say why the diary looks full after it."
    )


@strawberry.type
class Hold:
    appointment: Appointment

    @strawberry.field
    async def expires_at(self, info: Info) -> datetime:
        expires = self.appointment.row.hold_expires_at
        assert expires is not None, "a hold always expires"
        return await info.context.local(expires)


@strawberry.type
class SlotChange:
    practitioner_id: strawberry.ID
    start: datetime
    end: datetime
    state: SlotState


HoldResult = Annotated[
    Hold | SlotUnavailable | InvalidInput | NotAllowed | NotFound | TooManyAttempts,
    strawberry.union("HoldResult"),
]
ReleaseResult = Annotated[Appointment | NotFound | NotAllowed, strawberry.union("ReleaseResult")]
