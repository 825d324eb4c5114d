"""slotChanges."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import datetime
from typing import Annotated

import strawberry

from domain.requirements import AVAILABILITY
from resolvers.booking.slot_changes import slot_changes
from schema.booking.types import SlotChange
from schema.core.access import requires
from schema.core.arguments import From
from schema.core.context import Info
from schema.core.enums import SlotState
from schema.core.live import Since, resumable
from subscriptions.events import SlotChanged


@strawberry.type
class BookingSubscription:
    @strawberry.subscription(
        description="Slot-taken and slot-freed updates for a practitioner's diary window, from every server process."
    )
    @requires(AVAILABILITY)
    async def slot_changes(
        self,
        info: Info,
        practitioner_id: Annotated[
            strawberry.ID, strawberry.argument(description="The practitioner whose diary to watch.")
        ],
        from_: From,
        to: Annotated[
            datetime,
            strawberry.argument(
                description="The end of the window (exclusive), with a UTC offset; at most 366 days after from."
            ),
        ],
        since: Since = None,
    ) -> AsyncGenerator[SlotChange, None]:
        zone = await info.context.zone()
        changes = slot_changes(
            info.context.deps,
            info.context.actor,
            practitioner_id=practitioner_id,
            start=from_,
            end=to,
            token=info.context.token,
            since=since,
        )

        async def told(change: SlotChanged, cursor: str | None) -> SlotChange:
            return SlotChange(
                practitioner_id=strawberry.ID(str(change.practitioner_id)),
                start=change.start.astimezone(zone),
                end=change.end.astimezone(zone),
                state=SlotState(change.state),
                cursor=cursor,
            )

        async for change in resumable(changes, told):
            yield change
