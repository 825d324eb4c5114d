"""slotChanges: live taken/freed updates of a practitioner's slots, from every process."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime

from domain.actors import Actor
from domain.validation import parse_id, require_range
from resolvers.deps import Deps
from subscriptions.events import SlotChanged, slot_channel

MAX_WINDOW_DAYS = 366


async def slot_changes(
    deps: Deps, _actor: Actor | None, *, practitioner_id: str, start: datetime, end: datetime
) -> AsyncIterator[SlotChanged]:
    """Changes overlapping [start, end). Public: a slot's state says nothing of who."""
    key = parse_id(practitioner_id, "practitionerId")
    require_range(start, end, max_days=MAX_WINDOW_DAYS)
    async with deps.hub.listen([slot_channel(key)]) as subscriber:
        async for message in subscriber:
            change = SlotChanged.from_json(message.message)
            if change.start < end and change.end > start:
                yield change
