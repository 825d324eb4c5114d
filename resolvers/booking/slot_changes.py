"""slotChanges: live taken/freed updates of a practitioner's slots, from every process."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime

from domain.actors import Actor
from domain.policy import require_availability
from domain.validation import parse_id, require_range
from resolvers.accounts.identity import current_actor
from resolvers.deps import Deps
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
) -> AsyncIterator[SlotChanged]:
    """Changes overlapping [start, end). Public: a slot's state says nothing of who. An
    API client needs availability:read, on subscribe and (its token read again, so a
    revoked client hears nothing more) before every event."""
    require_availability(actor)
    key = parse_id(practitioner_id, "practitionerId")
    require_range(start, end, max_days=MAX_WINDOW_DAYS)
    async with deps.hub.listen([slot_channel(key)]) as subscriber:
        async for message in subscriber:
            change = SlotChanged.from_json(message.message)
            if change.start < end and change.end > start:
                if actor is not None and actor.is_client:
                    require_availability(await current_actor(deps, token))
                yield change
