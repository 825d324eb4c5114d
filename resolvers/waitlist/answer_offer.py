"""acceptOffer and declineOffer: the patient's user takes a waitlist offer (as `request`
does a hold), or lets it go to the next in line at once."""

from __future__ import annotations

from domain.actors import Actor
from domain.errors import NotFound
from domain.phrases import N_
from domain.policy import require_signed_in
from domain.validation import optional_text, parse_id
from domain.waitlist import EntryState
from persistence.models import AppointmentRow, WaitlistEntryRow
from resolvers.booking.request_slot import book_hold
from resolvers.deps import Deps
from resolvers.facts import Fact
from resolvers.unit_of_work import UnitOfWork
from resolvers.waitlist.offers import let_go

NO_OFFER = N_("No such offer: it was taken, declined or has lapsed.")


async def accept_offer(
    deps: Deps, actor: Actor | None, *, offer_id: str, note: str | None = None
) -> AppointmentRow:
    """The offered time booked (or requested) for the entry's patient; the entry leaves
    the waitlist. Someone else's offer answers as a missing one."""
    actor = require_signed_in(actor)
    key = parse_id(offer_id, "offerId")
    note = optional_text(note, "note", 2000)
    now = deps.now()
    async with UnitOfWork(deps) as uow:
        entry = await _own_offer(uow, actor, key)
        row = await uow.appointments.get_hold(key)
        if row is None:
            raise NotFound(NO_OFFER)
        await book_hold(uow, actor, row, entry.patient_id, note, now)
        await uow.waitlist.settle(entry.id, key, EntryState.BOOKED)
        uow.count(Fact.OFFER_TAKEN)
        await uow.commit()
    return row


async def decline_offer(deps: Deps, actor: Actor | None, *, offer_id: str) -> WaitlistEntryRow:
    """The entry back in line (never offered this time again); the time goes to the next
    in line at once."""
    actor = require_signed_in(actor)
    key = parse_id(offer_id, "offerId")
    async with UnitOfWork(deps) as uow:
        entry = await _own_offer(uow, actor, key)
        await let_go(uow, entry, EntryState.WAITING)
        uow.count(Fact.OFFER_DECLINED)
        await uow.commit()
    return entry


async def _own_offer(uow: UnitOfWork, actor: Actor, offer_id: int) -> WaitlistEntryRow:
    entry = await uow.waitlist.by_offer(offer_id)
    if entry is None or entry.user_id != actor.user_id:
        raise NotFound(NO_OFFER)
    return entry
