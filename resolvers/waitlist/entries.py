"""joinWaitlist, leaveWaitlist, myWaitlist; staff's waitlist and its order."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from domain.actors import Actor
from domain.errors import InvalidInput, NotFound, found
from domain.paging import WAITLIST, Page, PageArguments, page_request
from domain.policy import require_patient_access, require_signed_in, require_staff
from domain.throttling import WAITLIST_JOINS_PER_USER
from domain.validation import parse_clock, parse_id, require_date
from domain.waitlist import EntryState, Window, check_room, check_window
from persistence.models import WaitlistEntryRow
from resolvers.attempts import limit_per_user
from resolvers.booking.slot_rules import offer
from resolvers.deps import Deps
from resolvers.setup.read_setup import clinic
from resolvers.unit_of_work import UnitOfWork
from resolvers.waitlist.offers import let_go


@dataclass
class WaitlistInput:
    """What a patient's user waits for. The schema's input type is this class."""

    patient_id: str
    service_id: str
    from_date: date
    until_date: date
    earliest: str
    latest: str
    practitioner_id: str | None = None


async def join_waitlist(deps: Deps, actor: Actor | None, data: WaitlistInput) -> WaitlistEntryRow:
    """The entry, last in line. Only for a patient the user manages, a service (of one
    practitioner, or of any) bookable online, a window to come within 90 days."""
    actor = require_signed_in(actor)
    patient_key = parse_id(data.patient_id, "patientId")
    service_key = parse_id(data.service_id, "serviceId")
    practitioner_key = (
        parse_id(data.practitioner_id, "practitionerId") if data.practitioner_id else None
    )
    require_patient_access(actor, patient_key)
    zone = (await clinic(deps)).time_zone
    window = check_window(
        Window(
            require_date(data.from_date, "fromDate"),
            require_date(data.until_date, "untilDate"),
            parse_clock(data.earliest, "earliest"),
            parse_clock(data.latest, "latest"),
        ),
        deps.now().astimezone(ZoneInfo(zone)).date(),
    )
    await limit_per_user(deps, WAITLIST_JOINS_PER_USER, actor.user_id)
    async with UnitOfWork(deps) as uow:
        check_room(await uow.waitlist.count_in_line(actor.user_id))
        await _require_offered(uow, practitioner_key, service_key)
        entry = WaitlistEntryRow(
            user_id=actor.user_id,
            patient_id=patient_key,
            practitioner_id=practitioner_key,
            service_id=service_key,
            from_date=window.from_date,
            until_date=window.until_date,
            earliest=window.earliest,
            latest=window.latest,
            state=EntryState.WAITING.value,
            created_at=deps.now(),
        )
        await uow.waitlist.join(entry)
        uow.wake_waitlist()
        await uow.commit()
    return entry


async def _require_offered(uow: UnitOfWork, practitioner_id: int | None, service_id: int) -> None:
    """The practitioner offers the service online; with none named, somebody does."""
    candidates = (
        [practitioner_id]
        if practitioner_id is not None
        else await uow.catalog.practitioners_offering(service_id)
    )
    for candidate in candidates:
        if (await offer(uow, candidate, service_id)).online:
            return
    if await uow.catalog.service(service_id) is None:
        raise NotFound("No such service.")
    raise InvalidInput("Nobody offers that service online.", "serviceId")


async def leave_waitlist(deps: Deps, actor: Actor | None, *, entry_id: str) -> WaitlistEntryRow:
    """The entry, out of line; an open offer of it is released. Staff may take anyone's
    entry out; someone else's answers as a missing one."""
    actor = require_signed_in(actor)
    key = parse_id(entry_id, "entryId")
    async with UnitOfWork(deps) as uow:
        entry = await uow.waitlist.get(key)
        if entry is None or not (actor.is_staff or entry.user_id == actor.user_id):
            raise NotFound("No such waitlist entry.")
        if entry.state == EntryState.LEFT.value:
            return entry
        if entry.state == EntryState.OFFERED.value and entry.offer_id is not None:
            await let_go(uow, entry, EntryState.LEFT)
        else:
            entry.state = EntryState.LEFT.value
        await uow.commit()
    return entry


async def my_waitlist(deps: Deps, actor: Actor | None) -> Sequence[WaitlistEntryRow]:
    actor = require_signed_in(actor)
    async with UnitOfWork(deps, write=False) as uow:
        return await uow.waitlist.of_user(actor.user_id)


async def waitlist_page(
    deps: Deps, actor: Actor | None, *, page: PageArguments
) -> Page[WaitlistEntryRow]:
    require_staff(actor)
    request = page_request(WAITLIST, page)
    async with UnitOfWork(deps, write=False) as uow:
        return await uow.waitlist.page(request)


async def count_waitlist(deps: Deps, actor: Actor | None) -> int:
    require_staff(actor)
    async with UnitOfWork(deps, write=False) as uow:
        return await uow.waitlist.count()


async def move_in_line(
    deps: Deps, actor: Actor | None, *, entry_id: str, place: int
) -> WaitlistEntryRow:
    """Staff: the entry becomes the `place`-th in line (1 is first)."""
    require_staff(actor)
    key = parse_id(entry_id, "entryId")
    if place < 1:
        raise InvalidInput("place starts at 1.", "place")
    async with UnitOfWork(deps) as uow:
        line = [e.id for e in await uow.waitlist.line(limit=10_000)]
        if key not in line:
            raise NotFound("No such waitlist entry in line.")
        line.remove(key)
        line.insert(min(place, len(line) + 1) - 1, key)
        await uow.waitlist.renumber(line)
        uow.wake_waitlist()
        entry = found(await uow.waitlist.get(key), "No such waitlist entry in line.")
        await uow.waitlist.refresh(entry)
        await uow.commit()
    return entry
