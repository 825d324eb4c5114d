"""Slots, holds and slot changes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from schema.core.context import Info
from schema.core.enums import SlotState
from schema.core.live import CURSOR_DESCRIPTION
from schema.core.problems import InvalidInput, NotAllowed, NotFound, SlotUnavailable
from schema.core.throttling import TooManyAttempts
from schema.setup.types import AtPractitionerAndLocation
from schema.visits.types import Appointment


@strawberry.type(description="A free start time a patient can hold and request online.")
class Slot(AtPractitionerAndLocation):
    start: datetime = strawberry.field(description="When the appointment would start.")
    end: datetime = strawberry.field(
        description="When it would end: start plus the service's duration."
    )


@strawberry.type(description="The free online slots of a practitioner for a service in a window.")
class Availability:
    slots: list[Slot] = strawberry.field(
        description="Free start times, earliest first; empty when the practitioner or service is not bookable online."
    )
    open_until: datetime | None = strawberry.field(
        description="The last moment online booking is open for this practitioner (horizon or end of their sessions), so a portal can say why the diary looks full after it."
    )


@strawberry.type(
    description="A slot held for the user: no other portal can take it until expiresAt. Request it before then, or release it."
)
class Hold:
    appointment: Appointment = strawberry.field(
        description="The temporary appointment that keeps the slot (status TEMPORARY)."
    )

    @strawberry.field(description="When the hold lapses and the slot is free again.")
    async def expires_at(self, info: Info) -> datetime:
        expires = self.appointment.row.hold_expires_at
        assert expires is not None, "a hold always expires"
        return await info.context.local(expires)


@strawberry.type(
    description="A slot of a practitioner's diary was taken or freed: re-read availableSlots for what is free now."
)
class SlotChange:
    practitioner_id: strawberry.ID = strawberry.field(description="The practitioner's id.")
    start: datetime = strawberry.field(description="Where the changed time begins.")
    end: datetime = strawberry.field(description="Where the changed time ends.")
    state: SlotState = strawberry.field(description="Free, held or booked now.")
    cursor: str | None = strawberry.field(default=None, description=CURSOR_DESCRIPTION)


HoldResult = Annotated[
    Hold | SlotUnavailable | InvalidInput | NotAllowed | NotFound | TooManyAttempts,
    strawberry.union("HoldResult", description="The hold, or why the slot could not be held."),
]
ReleaseResult = Annotated[
    Appointment | NotFound | NotAllowed,
    strawberry.union(
        "ReleaseResult", description="The released appointment (no longer live), or why not."
    ),
]
