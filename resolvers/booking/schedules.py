"""Schedules: each practitioner bookable online at each place they work online, with the
services they offer there and how far ahead one may book (for FHIR's Schedule)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from domain.actors import Actor
from domain.policy import require_availability
from persistence.repositories.catalog import OnlineSchedule
from resolvers.deps import Deps
from resolvers.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class Schedules:
    found: list[OnlineSchedule]
    #: From now to the end of the booking horizon, in the clinic's zone.
    horizon_start: datetime
    horizon_end: datetime
    names: dict[str, dict[int, str]]


async def online_schedules(deps: Deps, actor: Actor | None) -> Schedules:
    """Public, like availability (an API client needs availability:read)."""
    require_availability(actor)
    now = deps.now()
    async with UnitOfWork(deps, write=False) as uow:
        clinic = await uow.clinic.get()
        zone = ZoneInfo(clinic.time_zone)
        found = await uow.catalog.online_schedules(now.astimezone(zone).date())
        names = {
            "practitioner": {r.id: r.name for r in await uow.catalog.practitioners()},
            "location": {r.id: r.name for r in await uow.catalog.locations()},
            "service": {r.id: r.name for r in await uow.catalog.services()},
        }
    start = now.astimezone(zone)
    return Schedules(found, start, start + timedelta(days=clinic.booking_horizon_days), names)
