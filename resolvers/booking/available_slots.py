"""availableSlots: free online start times for a service with a practitioner."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from domain.actors import Actor
from domain.availability import OpenSlot, open_slots, open_until
from domain.policy import require_availability
from domain.validation import parse_id, require_range
from resolvers.booking.slot_rules import booking_context, booking_rules, busy_intervals
from resolvers.deps import Deps
from resolvers.unit_of_work import UnitOfWork

MAX_WINDOW_DAYS = 62


@dataclass(frozen=True)
class Availability:
    practitioner_id: int
    slots: list[OpenSlot]
    open_until: datetime | None


async def available_slots(
    deps: Deps,
    actor: Actor | None,
    *,
    practitioner_id: str,
    service_id: str,
    start: datetime,
    end: datetime,
) -> Availability:
    """Free online start times in [start, end); public, like the clinic's shop window
    (an API client needs availability:read)."""
    require_availability(actor)
    practitioner_key = parse_id(practitioner_id, "practitionerId")
    service_key = parse_id(service_id, "serviceId")
    require_range(start, end, max_days=MAX_WINDOW_DAYS)
    now = deps.now()
    async with UnitOfWork(deps, write=False) as uow:
        context = await booking_context(uow, practitioner_key, service_key)
        if not context.offer.online:
            return Availability(practitioner_key, [], None)
        busy = await uow.appointments.live_between(practitioner_key, start, end, now)
    offered, rules = context.offer, context.sessions
    booking = booking_rules(context.clinic)
    slots = open_slots(
        rules=rules,
        duration=timedelta(minutes=offered.service.duration_minutes),
        busy=busy_intervals(busy),
        booking=booking,
        window_start=start,
        window_end=end,
        now=now,
    )
    return Availability(practitioner_key, slots, open_until(rules=rules, booking=booking, now=now))
