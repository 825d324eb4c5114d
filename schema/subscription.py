"""The Subscription type: live events from every server process, filtered per socket."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import datetime
from typing import Annotated

import strawberry

from domain.actors import require_signed_in, require_staff
from domain.validation import parse_id, require_range
from resolvers import live
from schema.context import Info
from schema.enums import SlotState, StaffNotificationKind
from schema.types import Appointment, Patient
from subscriptions.events import SlotChanged


@strawberry.type
class SlotChange:
    practitioner_id: strawberry.ID
    start: datetime
    end: datetime
    state: SlotState


@strawberry.type
class StaffNotification:
    kind: StaffNotificationKind
    at: datetime
    appointment: Appointment | None
    patient: Patient | None


def _slot_change(event: SlotChanged, info: Info, zone: object) -> SlotChange:
    return SlotChange(
        practitioner_id=strawberry.ID(str(event.practitioner_id)),
        start=event.start.astimezone(zone),  # type: ignore[arg-type]
        end=event.end.astimezone(zone),  # type: ignore[arg-type]
        state=SlotState(event.state),
    )


@strawberry.type
class Subscription:
    @strawberry.subscription(
        description="Slot-taken and slot-freed updates for a practitioner's diary window, from every server process."
    )
    async def slot_changes(
        self,
        info: Info,
        practitioner_id: strawberry.ID,
        from_: Annotated[datetime, strawberry.argument(name="from")],
        to: datetime,
    ) -> AsyncGenerator[SlotChange, None]:
        pid = parse_id(practitioner_id, "practitionerId")
        require_range(from_, to, max_days=366)
        zone = await info.context.zone()
        async for event in live.slot_changes(info.context.services, pid, from_, to):
            yield _slot_change(event, info, zone)

    @strawberry.subscription(
        description="Staff live panel: new requests, registrations and patient cancel/un-cancel."
    )
    async def staff_notifications(self, info: Info) -> AsyncGenerator[StaffNotification, None]:
        require_staff(info.context.actor)
        async for notice in live.staff_notifications(info.context.services):
            info.context.fresh_loaders()
            appointment = patient = None
            if notice.event.appointment_id is not None and notice.appointment is not None:
                appointment = Appointment.from_row(notice.appointment)
            if notice.patient is not None:
                patient = Patient.from_row(notice.patient)
            yield StaffNotification(
                kind=StaffNotificationKind(notice.event.kind),
                at=notice.event.at,
                appointment=appointment,
                patient=patient,
            )

    @strawberry.subscription(
        description="Changes to appointments of the patients the signed-in user manages."
    )
    async def my_appointment_updates(self, info: Info) -> AsyncGenerator[Appointment, None]:
        actor = require_signed_in(info.context.actor)
        async for row in live.my_appointment_updates(info.context.services, actor):
            info.context.fresh_loaders()
            yield Appointment.from_row(row)
