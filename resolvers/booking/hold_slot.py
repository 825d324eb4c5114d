"""hold: a temporary appointment on a real online slot, so no other portal can take it."""

from __future__ import annotations

from datetime import datetime, timedelta

from domain.actors import Actor
from domain.appointments import AppointmentStatus
from domain.errors import SlotUnavailable, TimeTaken
from domain.phrases import N_
from domain.policy import (
    must_prove_email,
    require_client_room_to_hold,
    require_holder,
    require_room_to_hold,
)
from domain.throttling import HOLDS_PER_ADDRESS, DiaryShare, hold_origin
from domain.validation import optional_text, parse_id, require_instant
from persistence.models import AppointmentRow, ClinicRow, EventOutboxRow
from persistence.repositories.holds import NEW_ID, PlacedHold
from resolvers.attempts import limit_per_address
from resolvers.booking.slot_rules import (
    freed,
    kept_booking_context,
    online_slot,
)
from resolvers.deps import Deps
from resolvers.facts import Fact
from resolvers.unit_of_work import UnitOfWork
from subscriptions.appointment_events import appointment_changed
from subscriptions.events import AppointmentChanged, SlotChanged, SlotState

TAKEN = N_("Someone else has just taken this time; choose another.")


async def hold(
    deps: Deps,
    actor: Actor | None,
    *,
    practitioner_id: str,
    service_id: str,
    start: datetime,
    client_key: str | None,
    client_address: str | None = None,
) -> AppointmentRow:
    """The held appointment; a retry with the same client key returns the same hold.
    A person holds for themself; a partner's API client (`appointments:write`) for one
    of its users, within its own cap of live holds instead of a person's."""
    actor = require_holder(actor)
    practitioner_key = parse_id(practitioner_id, "practitionerId")
    service_key = parse_id(service_id, "serviceId")
    key = optional_text(client_key, "clientKey", 100)
    require_instant(start, "start")
    if actor.is_client:
        # A partner holds for many people from one address: its own cap binds it instead.
        origin = None
    else:
        await limit_per_address(deps, HOLDS_PER_ADDRESS, client_address)
        origin = hold_origin(deps.settings.secret_key, client_address)
    now = deps.now()
    async with UnitOfWork(deps) as uow:
        if key and (earlier := await _earlier(uow, actor, key)):
            return earlier
        context = await kept_booking_context(deps, uow, practitioner_key, service_key)
        clinic = context.clinic
        slot = online_slot(context, start, now)
        row = AppointmentRow(
            status=AppointmentStatus.TEMPORARY.value,
            practitioner_id=practitioner_key,
            service_id=service_key,
            location_id=slot.location_id,
            start_at=slot.start,
            end_at=slot.end,
            hold_expires_at=now + timedelta(minutes=clinic.hold_minutes),
            patient_response="NONE",
            created_online=True,
            created_by_id=None if actor.is_client else actor.user_id,
            held_by_client_id=actor.client_id,
            created_at=now,
            client_key=key,
            hold_origin=origin,
            reschedule_count=0,
            sequence=0,
        )
        held = SlotChanged(practitioner_key, slot.start, slot.end, SlotState.HELD)
        # Written with the hold itself where the database allows: no round trip of their own.
        ahead = uow.prepare(
            held, AppointmentChanged(NEW_ID, None, row.created_by_id, practitioner_key)
        )
        placed = await _placed(uow, row, ahead)
        # The share as it was before this hold; refused, the hold goes with the rollback.
        await _require_room(uow, clinic, actor, placed.share, now)
        uow.emit(*freed(placed.lapsed))
        uow.emit(held, appointment_changed(row), written=ahead if placed.events_written else None)
        uow.count(Fact.HOLD_PLACED)
        uow.count(Fact.HOLD_LAPSED, len(placed.lapsed))
        await uow.commit()
    return row


async def _placed(uow: UnitOfWork, row: AppointmentRow, events: list[EventOutboxRow]) -> PlacedHold:
    """The hold in the diary, or SlotUnavailable when its time was just taken."""
    try:
        return await uow.holds.place(row, events)
    except TimeTaken:
        raise SlotUnavailable(TAKEN) from None


async def _earlier(uow: UnitOfWork, actor: Actor, key: str) -> AppointmentRow | None:
    return await uow.appointments.hold_by_client_key(
        actor.user_id, key, api_client_id=actor.client_id
    )


async def _require_room(
    uow: UnitOfWork, clinic: ClinicRow, actor: Actor, share: DiaryShare, now: datetime
) -> None:
    """Room for one more hold: the user's share of the diary and their address's, or a
    partner's own cap (its holds counted with this one). The actor was read from the
    database for this request."""
    if actor.client_id is not None:
        held, first_lapse = await uow.appointments.live_holds_of_client(actor.client_id, now)
        require_client_room_to_hold(held, first_lapse, now)
        return
    require_room_to_hold(
        share,
        verified=not must_prove_email(actor)
        or await uow.verifications.verified_email(actor.user_id) is not None,
        max_live_holds=clinic.max_live_holds,
        max_live_holds_per_address=clinic.max_live_holds_per_address,
        now=now,
    )
