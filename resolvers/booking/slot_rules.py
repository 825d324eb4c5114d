"""Bridges the diary's rows to the domain's slot rules and to slot events."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from domain.availability import (
    BookingRules,
    Interval,
    OpenSlot,
    SessionRule,
    is_open_slot,
    offered_online,
)
from domain.errors import InvalidInput, found
from persistence.models import (
    AppointmentRow,
    ClinicRow,
    PractitionerRow,
    ServiceRow,
    SessionSeriesRow,
)
from persistence.read_cache import CATALOG
from persistence.repositories.appointment_sql import LapsedHold
from persistence.unit_of_work import SqlUnitOfWork
from resolvers.deps import Deps
from subscriptions.events import SlotChanged, SlotState


def booking_rules(clinic: ClinicRow) -> BookingRules:
    return BookingRules(
        time_zone=ZoneInfo(clinic.time_zone),
        minimum_notice=timedelta(minutes=clinic.minimum_notice_minutes),
        horizon=timedelta(days=clinic.booking_horizon_days),
    )


def clinic_side_rules(clinic: ClinicRow) -> BookingRules:
    """Staff are bound by neither the minimum notice nor the horizon of online booking
    (two years at most)."""
    return BookingRules(
        time_zone=ZoneInfo(clinic.time_zone),
        minimum_notice=timedelta(0),
        horizon=timedelta(days=730),
    )


def session_rules(rows: Sequence[SessionSeriesRow]) -> list[SessionRule]:
    return [
        SessionRule(
            location_id=r.location_id,
            weekday=r.weekday,
            start_time=r.start_time,
            end_time=r.end_time,
            valid_from=r.valid_from,
            valid_until=r.valid_until,
            available_online=r.available_online,
        )
        for r in rows
    ]


def busy_intervals(rows: Sequence[AppointmentRow]) -> list[Interval]:
    return [Interval(r.start_at, r.end_at) for r in rows]


def freed(lapsed: Sequence[LapsedHold]) -> list[SlotChanged]:
    """The slots of holds that just lapsed, announced free."""
    return [SlotChanged(h.practitioner_id, h.start_at, h.end_at, SlotState.FREE) for h in lapsed]


@dataclass(frozen=True)
class Offer:
    """A practitioner and a service, and whether the one offers the other online."""

    practitioner: PractitionerRow
    service: ServiceRow
    online: bool


@dataclass(frozen=True)
class BookingContext:
    """A booking's whole context, read in one statement."""

    clinic: ClinicRow
    offer: Offer
    sessions: list[SessionRule]


async def booking_context(
    uow: SqlUnitOfWork, practitioner_id: int, service_id: int
) -> BookingContext:
    """The clinic's settings, the offer and the practitioner's session rules; NotFound
    for a missing practitioner or service."""
    found_all = await uow.catalog.booking(practitioner_id, service_id)
    if found_all is None:
        await offer(uow, practitioner_id, service_id)  # raises NotFound, naming which
        raise LookupError("the clinic row is missing; run `portal migrate`")
    online = offered_online(
        practitioner_online=found_all.practitioner.online_access,
        service_online=found_all.service.bookable_online,
        offered=found_all.offered,
    )
    return BookingContext(
        found_all.clinic,
        Offer(found_all.practitioner, found_all.service, online),
        session_rules(found_all.sessions),
    )


async def kept_booking_context(
    deps: Deps, uow: SqlUnitOfWork, practitioner_id: int, service_id: int
) -> BookingContext:
    """`booking_context`, from this process's read cache when it keeps one (read in a
    session of its own, so no transaction's rollback touches the kept rows)."""
    if not deps.reads.listening:
        return await booking_context(uow, practitioner_id, service_id)

    async def fill() -> BookingContext:
        async with SqlUnitOfWork(deps.database, write=False) as reader:
            return await booking_context(reader, practitioner_id, service_id)

    return await deps.reads.read(("booking", practitioner_id, service_id), CATALOG, fill)


async def offer(uow: SqlUnitOfWork, practitioner_id: int, service_id: int) -> Offer:
    practitioner, service, offered = await uow.catalog.practitioner_and_service(
        practitioner_id, service_id
    )
    practitioner = found(practitioner, "No such practitioner.")
    service = found(service, "No such service.")
    online = offered_online(
        practitioner_online=practitioner.online_access,
        service_online=service.bookable_online,
        offered=offered,
    )
    return Offer(practitioner, service, online)


def online_slot(
    context: BookingContext, start: datetime, now: datetime, rules: BookingRules | None = None
) -> OpenSlot:
    """The online slot starting then (under the clinic's online booking rules unless
    `rules` are given), or the reason there is none."""
    if rules is None:
        if not context.offer.online:
            raise InvalidInput("This practitioner does not offer that service online.", "serviceId")
        rules = booking_rules(context.clinic)
    slot = is_open_slot(
        rules=context.sessions,
        duration=timedelta(minutes=context.offer.service.duration_minutes),
        booking=rules,
        start=start,
        now=now,
    )
    if slot is None:
        raise InvalidInput("That time is not an online slot of this practitioner.", "start")
    return slot
