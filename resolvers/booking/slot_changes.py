"""slotChanges: live taken/freed updates of a practitioner's slots, from every process."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime

from domain.actors import Actor
from domain.policy import require_availability
from domain.validation import parse_id, require_range
from resolvers.accounts.identity import current_actor
from resolvers.deps import Deps
from resolvers.live.resume import RESYNC, Live, ResyncRequired, resume_point
from subscriptions.events import SlotChanged, slot_channel

MAX_WINDOW_DAYS = 366


async def slot_changes(
    deps: Deps,
    actor: Actor | None,
    *,
    practitioner_id: str,
    start: datetime,
    end: datetime,
    token: str | None = None,
    since: str | None = None,
) -> AsyncIterator[Live[SlotChanged] | ResyncRequired]:
    """Changes overlapping [start, end). Public: a slot's state says nothing of who. An
    API client needs availability:read, on subscribe and (its token read again, so a
    revoked client hears nothing more) before every event."""
    require_availability(actor)
    key = parse_id(practitioner_id, "practitionerId")
    require_range(start, end, max_days=MAX_WINDOW_DAYS)
    position = resume_point(deps.hub, since)
    async with deps.hub.listen([slot_channel(key)], since=position) as subscriber:
        if subscriber.resync_required:
            yield RESYNC
        async for message in subscriber:
            change = SlotChanged.from_json(message.message)
            if change.start < end and change.end > start:
                if actor is not None and actor.is_client:
                    require_availability(await current_actor(deps, token))
                yield Live(change, message.cursor)
