"""myAppointmentUpdates: changes to the appointments a user may see, re-checked per event."""

from __future__ import annotations

from collections.abc import AsyncIterator

from domain.actors import Actor
from domain.policy import may_see_appointment, require_signed_in
from persistence.models import AppointmentRow
from resolvers.accounts.identity import current_actor
from resolvers.deps import Deps
from resolvers.live.resume import RESYNC, Live, ResyncRequired, resume_point
from resolvers.unit_of_work import UnitOfWork
from subscriptions.events import AppointmentChanged, patient_channel, user_channel


async def appointment_updates(
    deps: Deps, actor: Actor | None, *, token: str | None, since: str | None = None
) -> AsyncIterator[Live[AppointmentRow] | ResyncRequired]:
    """Appointments of the user's patients, and the user's own holds, as they change.

    Before every event the token is looked up again, so the policy sees the user as they
    are now (a patient unlinked meanwhile is no longer theirs; a session ended ends this).
    """
    require_signed_in(actor)
    current = await current_actor(deps, token)
    channels = [patient_channel(p) for p in sorted(current.patient_ids)]
    position = resume_point(deps.hub, since)
    channels.append(user_channel(current.user_id))
    async with deps.hub.listen(channels, since=position) as subscriber:
        if subscriber.resync_required:
            yield RESYNC
        async for message in subscriber:
            event = AppointmentChanged.from_json(message.message)
            current = await current_actor(deps, token)
            async with UnitOfWork(deps, write=False) as uow:
                row = await uow.appointments.get(event.appointment_id)
            if row is not None and may_see_appointment(
                current,
                patient_id=row.patient_id,
                practitioner_id=None,
                created_by_id=row.created_by_id,
            ):
                yield Live(row, message.cursor)
