"""Waitlist offers: a freed time that fits someone in line becomes a hold placed for
them, lasting the clinic's `offerMinutes`, exactly once whichever process notices first.

Run by every process's waitlist worker (and woken at once by a commit that freed a time).
Each offer is its own transaction: the hold is placed under the no-overlap constraint
and the entry claimed with a compare-and-swap (and the index allowing one open offer per
person), so two processes proposing the same offer end with one, and a time taken
meanwhile is simply not offered.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from domain import messages
from domain.actors import Actor, UserKind
from domain.appointments import AppointmentStatus
from domain.availability import open_slots
from domain.errors import DomainError, TimeTaken
from domain.policy import must_prove_email, require_room_to_hold
from domain.visit_links import LinkPurpose
from domain.waitlist import (
    EntryState,
    FreeTime,
    Offer,
    Waiting,
    Window,
    offer_outcome,
    offers,
)
from persistence.models import AppointmentRow, ClinicRow, WaitlistEntryRow
from resolvers.booking.slot_rules import booking_context, booking_rules, busy_intervals, freed
from resolvers.deps import Deps
from resolvers.facts import Fact
from resolvers.mail.notices import user_recipient, visit_facts
from resolvers.unit_of_work import UnitOfWork
from resolvers.visits.links import issue_link
from subscriptions.appointment_events import appointment_changed, slot_changed
from subscriptions.events import SlotState

#: How much of the line one round reads; how far ahead it looks for free times.
LINE_READ = 500
SEARCH_DAYS = 62
#: An offer is not held up by the address limit a portal's holds are: nobody's address
#: placed it.
NO_ADDRESS_LIMIT = 1_000_000


async def make_offers(deps: Deps) -> int:
    """Settle offers that are over, then offer freed times to those in line; how many
    offers were placed."""
    async with UnitOfWork(deps, write=False) as uow:
        if not await uow.waitlist.anyone_waiting():
            return 0
    now = deps.now()
    await settle_offers(deps, now)
    plan = await _plan(deps, now)
    placed = 0
    for proposal in plan.offers:
        placed += await _place(deps, proposal, plan.clinic, now)
    return placed


async def settle_offers(deps: Deps, now: datetime) -> None:
    """Offers that are over: a booked one leaves the line; a lapsed, released or
    cancelled one goes back in line and its time passes to the next."""
    async with UnitOfWork(deps) as uow:
        settled = False
        for entry in await uow.waitlist.offered():
            assert entry.offer_id is not None
            row = await uow.appointments.get_hold(entry.offer_id)
            outcome = offer_outcome(
                row.status if row else None, row.hold_expires_at if row else None, now
            )
            if outcome is EntryState.BOOKED:
                settled |= await uow.waitlist.settle(entry.id, entry.offer_id, outcome)
            elif outcome is EntryState.WAITING and await _passed_on(uow, entry, row, outcome):
                settled = True
                uow.count(Fact.OFFER_LAPSED)
        if settled:
            await uow.commit()


async def let_go(uow: UnitOfWork, entry: WaitlistEntryRow, state: EntryState) -> None:
    """The entry's open offer released (its time free for the next at once), the time
    never offered to it again, the entry `state` (back in line, or out)."""
    assert entry.offer_id is not None
    row = await uow.appointments.get_hold(entry.offer_id)
    if row is not None and row.status == AppointmentStatus.TEMPORARY.value:
        row.status = AppointmentStatus.LAPSED.value
        uow.emit(slot_changed(row, SlotState.FREE), appointment_changed(row))
    await _passed_on(uow, entry, row, state)
    await uow.waitlist.refresh(entry)
    uow.wake_waitlist()


async def _passed_on(
    uow: UnitOfWork, entry: WaitlistEntryRow, row: AppointmentRow | None, state: EntryState
) -> bool:
    assert entry.offer_id is not None
    if not await uow.waitlist.settle(entry.id, entry.offer_id, state):
        return False
    if row is not None:
        uow.waitlist.passed(entry.id, row.practitioner_id, row.start_at)
    return True


@dataclass(frozen=True)
class Plan:
    clinic: ClinicRow
    offers: list[Offer]


async def _plan(deps: Deps, now: datetime) -> Plan:
    """Who in line is offered which free time, as the diary reads now."""
    async with UnitOfWork(deps, write=False) as uow:
        clinic = await uow.clinic.get()
        zone = ZoneInfo(clinic.time_zone)
        entries = await uow.waitlist.line(LINE_READ)
        passes = defaultdict(set)
        for p in await uow.waitlist.passes([e.id for e in entries]):
            passes[p.entry_id].add((p.practitioner_id, p.start_at))
        offering: dict[int, frozenset[int]] = {}
        line = []
        for e in entries:
            if e.state != EntryState.WAITING.value:
                continue
            if e.practitioner_id is not None:
                candidates = frozenset({e.practitioner_id})
            else:
                if e.service_id not in offering:
                    offering[e.service_id] = frozenset(
                        await uow.catalog.practitioners_offering(e.service_id)
                    )
                candidates = offering[e.service_id]
            window = Window(e.from_date, e.until_date, e.earliest, e.latest)
            line.append(
                Waiting(e.id, e.user_id, candidates, e.service_id, window, frozenset(passes[e.id]))
            )
        busy_users = frozenset(e.user_id for e in entries if e.state == EntryState.OFFERED.value)
        free = await _free_times(uow, line, zone, now)
    return Plan(clinic, offers(line, free, zone, users_with_offers=busy_users))


async def _free_times(
    uow: UnitOfWork, line: Sequence[Waiting], zone: ZoneInfo, now: datetime
) -> list[FreeTime]:
    """Free online times of every practitioner and service someone waits for, within
    their windows (and the clinic's online rules)."""
    wanted: dict[tuple[int, int], list[Window]] = defaultdict(list)
    for entry in line:
        for practitioner in entry.practitioner_ids:
            wanted[(practitioner, entry.service_id)].append(entry.window)
    found = []
    for (practitioner, service), windows in wanted.items():
        context = await booking_context(uow, practitioner, service)
        if not context.offer.online:
            continue
        start = max(now, _local(min(w.from_date for w in windows), zone))
        end = min(
            now + timedelta(days=SEARCH_DAYS),
            _local(max(w.until_date for w in windows), zone) + timedelta(days=1),
        )
        if end <= start:
            continue
        busy = await uow.appointments.live_between(practitioner, start, end, now)
        for slot in open_slots(
            rules=context.sessions,
            duration=timedelta(minutes=context.offer.service.duration_minutes),
            busy=busy_intervals(busy),
            booking=booking_rules(context.clinic),
            window_start=start,
            window_end=end,
            now=now,
        ):
            found.append(FreeTime(practitioner, service, slot.location_id, slot.start, slot.end))
    return found


def _local(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone)


async def _place(deps: Deps, proposal: Offer, clinic: ClinicRow, now: datetime) -> int:
    """The offer placed (1), or not (0) when anything changed meanwhile: the time was
    taken, the entry was claimed or left, its user may not hold it."""
    async with UnitOfWork(deps) as uow:
        entry = await uow.waitlist.get(proposal.entry_id)
        user = await uow.users.get(proposal.user_id)
        if entry is None or entry.state != EntryState.WAITING.value or user is None:
            return 0
        patients = await uow.users.patient_ids(user.id)
        if user.disabled_at is not None or entry.patient_id not in patients:
            return 0
        free = proposal.time
        row = AppointmentRow(
            status=AppointmentStatus.TEMPORARY.value,
            practitioner_id=free.practitioner_id,
            service_id=free.service_id,
            location_id=free.location_id,
            start_at=free.start,
            end_at=free.end,
            hold_expires_at=now + timedelta(minutes=clinic.offer_minutes),
            patient_response="NONE",
            created_online=True,
            created_by_id=user.id,
            created_at=now,
            client_key=None,
            hold_origin=None,
            reschedule_count=0,
            sequence=0,
        )
        try:
            placed = await uow.holds.place(row)
            actor = Actor(user.id, UserKind(user.kind), patients)
            require_room_to_hold(
                placed.share,
                verified=not must_prove_email(actor)
                or await uow.verifications.verified_email(user.id) is not None,
                max_live_holds=clinic.max_live_holds,
                max_live_holds_per_address=NO_ADDRESS_LIMIT,
                now=now,
            )
        except (TimeTaken, DomainError):
            return 0
        if not await uow.waitlist.claim(entry.id, row.id):
            return 0
        uow.emit(*freed(placed.lapsed), slot_changed(row, SlotState.HELD), appointment_changed(row))
        expires = row.hold_expires_at
        assert expires is not None
        link = await issue_link(
            uow, deps, row.id, LinkPurpose.ACCEPT_OFFER, expires_at=expires, now=now
        )
        facts = await visit_facts(uow, row, clinic)
        uow.mail(messages.waitlist_offer(user_recipient(user, clinic), facts, expires, link), now)
        uow.count(Fact.OFFER_MADE)
        uow.count(Fact.HOLD_LAPSED, len(placed.lapsed))
        await uow.commit()
    return 1
