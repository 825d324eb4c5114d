"""releaseHold: the holder (or staff) gives the slot back at once."""

from __future__ import annotations

from domain.actors import Actor
from domain.appointments import AppointmentStatus, check_release
from domain.errors import NotFound
from domain.policy import may_release_hold, require_person_or_scope
from domain.scopes import APPOINTMENTS_WRITE
from domain.validation import parse_id
from persistence.models import AppointmentRow
from resolvers.deps import Deps
from resolvers.facts import Fact
from resolvers.unit_of_work import UnitOfWork
from subscriptions.appointment_events import appointment_changed, slot_changed
from subscriptions.events import SlotState


async def release_hold(deps: Deps, actor: Actor | None, *, appointment_id: str) -> AppointmentRow:
    actor = require_person_or_scope(actor, APPOINTMENTS_WRITE)
    key = parse_id(appointment_id, "appointmentId")
    async with UnitOfWork(deps) as uow:
        row = await uow.appointments.get_hold(key)
        if row is None or not may_release_hold(actor, row.created_by_id, row.held_by_client_id):
            raise NotFound("No such hold.")
        check_release(AppointmentStatus(row.status))
        row.status = AppointmentStatus.LAPSED.value
        row.client_key = None
        uow.emit(
            slot_changed(row, SlotState.FREE),
            appointment_changed(row),
        )
        uow.count(Fact.HOLD_RELEASED)
        await uow.commit()
    return row
