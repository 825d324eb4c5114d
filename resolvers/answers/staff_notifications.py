"""staffNotifications: the staff panel's live events, re-read and re-checked per event."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

from domain.actors import Actor
from domain.errors import NotAllowed
from domain.policy import may_watch_staff_notifications, require_staff
from persistence.models import AppointmentRow, PatientRow
from resolvers.accounts.identity import SIGNED_OUT, current_actor
from resolvers.deps import Deps
from resolvers.live.resume import RESYNC, Live, ResyncRequired, resume_point
from resolvers.unit_of_work import UnitOfWork
from subscriptions.events import STAFF_CHANNEL, StaffNotified


@dataclass(frozen=True)
class StaffNotice:
    event: StaffNotified
    appointment: AppointmentRow | None
    patient: PatientRow | None


async def staff_notifications(
    deps: Deps, actor: Actor | None, *, token: str | None, since: str | None = None
) -> AsyncIterator[Live[StaffNotice] | ResyncRequired]:
    """Each event with the appointment and patient as they are now. The token is checked
    again before every event, so a signed-out or demoted user hears nothing more."""
    require_staff(actor)
    position = resume_point(deps.hub, since)
    async with deps.hub.listen([STAFF_CHANNEL], since=position) as subscriber:
        if subscriber.resync_required:
            yield RESYNC
        async for message in subscriber:
            event = StaffNotified.from_json(message.message)
            if not may_watch_staff_notifications(await current_actor(deps, token)):
                raise NotAllowed(SIGNED_OUT)
            async with UnitOfWork(deps, write=False) as uow:
                appointment = (
                    await uow.appointments.get(event.appointment_id)
                    if event.appointment_id is not None
                    else None
                )
                patient = (
                    await uow.patients.get(event.patient_id)
                    if event.patient_id is not None
                    else None
                )
            yield Live(StaffNotice(event, appointment, patient), message.cursor)
