"""pendingRequests: REQUESTED and PROVISIONAL appointments, oldest request first."""

from __future__ import annotations

from collections.abc import Sequence

from domain.actors import Actor
from domain.appointments import PENDING_STATUSES
from domain.policy import require_staff
from persistence.models import AppointmentRow
from resolvers.deps import Deps
from resolvers.unit_of_work import UnitOfWork


async def pending_requests(deps: Deps, actor: Actor | None) -> Sequence[AppointmentRow]:
    require_staff(actor)
    async with UnitOfWork(deps, write=False) as uow:
        return await uow.appointments.with_status(sorted(s.value for s in PENDING_STATUSES))
