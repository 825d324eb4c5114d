"""Online times already taken (by a hold, or a request or booking): the other half of
`availableSlots`, for those who may read the practitioner's diary."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from domain.actors import Actor
from domain.appointments import AppointmentStatus
from domain.availability import Occupancy, Occupant, OpenSlot, occupied, open_slots
from domain.errors import NotAllowed
from domain.policy import may_read_diary
from domain.validation import require_range
from resolvers.booking.available_slots import MAX_WINDOW_DAYS
from resolvers.booking.slot_rules import booking_rules, kept_booking_context
from resolvers.deps import Deps
from resolvers.unit_of_work import UnitOfWork


async def occupied_slots(
    deps: Deps,
    actor: Actor | None,
    *,
    practitioner_id: int,
    service_id: int,
    start: datetime,
    end: datetime,
) -> list[tuple[OpenSlot, Occupancy]]:
    """Online openings in [start, end) that live appointments overlap, in the clinic's
    zone: the diary's business (staff, the practitioner, a client with appointments:read)."""
    if not may_read_diary(actor, practitioner_id):
        raise NotAllowed("Taken times are the clinic's diary: they need appointments:read.")
    require_range(start, end, max_days=MAX_WINDOW_DAYS)
    now = deps.now()
    async with UnitOfWork(deps, write=False) as uow:
        context = await kept_booking_context(deps, uow, practitioner_id, service_id)
        if not context.offer.online:
            return []
        live = await uow.appointments.live_between(practitioner_id, start, end, now)
    booking = booking_rules(context.clinic)
    openings = open_slots(
        rules=context.sessions,
        duration=timedelta(minutes=context.offer.service.duration_minutes),
        busy=[],
        booking=booking,
        window_start=start,
        window_end=end,
        now=now,
    )
    occupants = [
        Occupant(r.start_at, r.end_at, r.status == AppointmentStatus.TEMPORARY.value) for r in live
    ]
    zone = booking.time_zone
    return [
        (replace(o, start=o.start.astimezone(zone), end=o.end.astimezone(zone)), state)
        for o, state in occupied(openings, occupants)
    ]
