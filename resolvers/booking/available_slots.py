"""availableSlots: free online start times for a service with a practitioner."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from domain.actors import Actor
from domain.availability import OpenSlot, open_slots, open_until
from domain.policy import require_availability
from domain.validation import parse_id, require_range
from persistence.read_cache import CATALOG, diary
from resolvers.booking.slot_rules import booking_rules, busy_intervals, kept_booking_context
from resolvers.deps import Deps
from resolvers.unit_of_work import UnitOfWork

MAX_WINDOW_DAYS = 62


@dataclass(frozen=True)
class Availability:
    """Times in the clinic's zone, as clients see them."""

    practitioner_id: int
    slots: list[OpenSlot]
    open_until: datetime | None
    #: What the schema answered from this very list, by what was asked (kept with the
    #: list, so it goes when the list does: `schema.guards.kept_answers`).
    answers: dict[Hashable, Any] = field(default_factory=dict, compare=False, repr=False)


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

    async def fill() -> Computed:
        return await _computed(deps, practitioner_key, service_key, start, end, now)

    key = ("slots", practitioner_key, service_key, start, end)
    computed = await deps.reads.read(
        key,
        CATALOG | diary(practitioner_key),
        fill,
        now=now,
        good_until=lambda c: c.good_until,
        size=lambda c: len(c.availability.slots),
    )
    return computed.availability


@dataclass(frozen=True)
class Computed:
    availability: Availability
    #: Until when the same answer holds with nothing changed: the next whole minute (slot
    #: starts, notice and horizon are in whole minutes) or a hold in it lapsing.
    good_until: datetime


async def _computed(
    deps: Deps,
    practitioner_key: int,
    service_key: int,
    start: datetime,
    end: datetime,
    now: datetime,
) -> Computed:
    async with UnitOfWork(deps, write=False) as uow:
        context = await kept_booking_context(deps, uow, practitioner_key, service_key)
        if not context.offer.online:
            return Computed(Availability(practitioner_key, [], None), _next_minute(now))
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
    lapses = [r.hold_expires_at for r in busy if r.hold_expires_at is not None]
    zone = booking.time_zone
    until = open_until(rules=rules, booking=booking, now=now)
    return Computed(
        Availability(
            practitioner_key,
            [replace(s, start=s.start.astimezone(zone), end=s.end.astimezone(zone)) for s in slots],
            until.astimezone(zone) if until else None,
        ),
        min([_next_minute(now), *lapses]),
    )


def _next_minute(now: datetime) -> datetime:
    """The next whole minute; `now` itself when it is one (the answer may change then)."""
    whole = now.replace(second=0, microsecond=0)
    return now if whole == now else whole + timedelta(minutes=1)
