"""staffNotifications: the staff panel's live feed."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import datetime

import strawberry

from domain.requirements import STAFF
from resolvers.answers.staff_notifications import StaffNotice, staff_notifications
from schema.accounts.types import Patient
from schema.core.access import requires
from schema.core.context import Info
from schema.core.enums import StaffNotificationKind
from schema.core.live import CURSOR_DESCRIPTION, Since, resumable
from schema.visits.types import Appointment


@strawberry.type(description="Something for the front desk to look at, as it happens.")
class StaffNotification:
    kind: StaffNotificationKind = strawberry.field(description="What happened.")
    at: datetime = strawberry.field(description="When it happened.")
    appointment: Appointment | None = strawberry.field(
        description="The appointment concerned, as it is now; null for a registration."
    )
    patient: Patient | None = strawberry.field(
        description="The patient concerned (for a registration, the provisional patient)."
    )
    cursor: str | None = strawberry.field(default=None, description=CURSOR_DESCRIPTION)


@strawberry.type
class AnswersSubscription:
    @strawberry.subscription(
        description="Staff live panel: new requests, registrations and patient cancel/un-cancel."
    )
    @requires(STAFF)
    async def staff_notifications(
        self, info: Info, since: Since = None
    ) -> AsyncGenerator[StaffNotification, None]:
        notices = staff_notifications(
            info.context.deps, info.context.actor, token=info.context.token, since=since
        )

        async def told(notice: StaffNotice, cursor: str | None) -> StaffNotification:
            info.context.fresh_loaders()
            return StaffNotification(
                kind=StaffNotificationKind(notice.event.kind),
                at=await info.context.local(notice.event.at),
                appointment=Appointment.from_row(notice.appointment)
                if notice.appointment
                else None,
                patient=Patient.from_row(notice.patient) if notice.patient else None,
                cursor=cursor,
            )

        async for notification in resumable(notices, told):
            yield notification
