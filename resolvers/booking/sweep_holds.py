"""The hold sweeper each server process runs: lapse expired holds, announce them free."""

from __future__ import annotations

from datetime import timedelta

from resolvers.booking.slot_rules import freed
from resolvers.deps import Deps
from resolvers.facts import Fact
from resolvers.unit_of_work import UnitOfWork
from subscriptions.events import AppointmentChanged

LAPSED_KEPT_FOR = timedelta(hours=1)


async def sweep_lapsed_holds(deps: Deps) -> int:
    """Lapse every expired hold and announce its slot free; forget old lapsed holds.

    Run by every server process; concurrent sweeps each announce different holds.
    """
    now = deps.now()
    async with UnitOfWork(deps, write=False) as uow:
        if not await uow.appointments.any_expired_or_old_holds(now, now - LAPSED_KEPT_FOR):
            return 0
    async with UnitOfWork(deps) as uow:
        lapsed = await uow.appointments.lapse_expired(now)
        await uow.appointments.purge_lapsed(now - LAPSED_KEPT_FOR)
        uow.emit(*freed(lapsed))
        uow.emit(
            *[AppointmentChanged(h.id, None, h.created_by_id, h.practitioner_id) for h in lapsed]
        )
        uow.count(Fact.HOLD_LAPSED, len(lapsed))
        await uow.commit()
    return len(lapsed)
