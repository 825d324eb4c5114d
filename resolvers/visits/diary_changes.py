"""myDiaryChanges: a practitioner user's own diary, live."""

from __future__ import annotations

from collections.abc import AsyncIterator

from domain.actors import Actor
from domain.errors import NotAllowed
from domain.phrases import N_
from domain.policy import may_read_diary, require_signed_in
from persistence.models import AppointmentRow
from resolvers.accounts.identity import SIGNED_OUT, current_actor
from resolvers.deps import Deps
from resolvers.live.resume import RESYNC, Live, ResyncRequired, resume_point
from resolvers.unit_of_work import UnitOfWork
from subscriptions.events import AppointmentChanged, diary_channel

NO_DIARY = N_("Only practitioner users have a diary of their own.")


async def diary_changes(
    deps: Deps, actor: Actor | None, *, token: str | None, since: str | None = None
) -> AsyncIterator[Live[AppointmentRow] | ResyncRequired]:
    """Each appointment of the user's practitioner as it changes, re-read and re-checked
    (with the socket's token looked up again) before it is told."""
    practitioner_id = require_signed_in(actor).practitioner_id
    if practitioner_id is None:
        raise NotAllowed(NO_DIARY)
    position = resume_point(deps.hub, since)
    async with deps.hub.listen([diary_channel(practitioner_id)], since=position) as subscriber:
        if subscriber.resync_required:
            yield RESYNC
        async for message in subscriber:
            event = AppointmentChanged.from_json(message.message)
            if not may_read_diary(await current_actor(deps, token), practitioner_id):
                raise NotAllowed(SIGNED_OUT)
            async with UnitOfWork(deps, write=False) as uow:
                row = await uow.appointments.get(event.appointment_id)
            if row is not None and row.practitioner_id == practitioner_id:
                yield Live(row, message.cursor)
