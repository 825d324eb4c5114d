"""pendingRequests: REQUESTED and PROVISIONAL appointments, oldest request first."""

from __future__ import annotations

from collections.abc import Sequence

from domain.actors import Actor
from domain.appointments import PENDING_STATUSES
from domain.paging import PENDING_REQUESTS, Page, PageArguments, page_request
from domain.policy import require_staff, require_staff_list
from persistence.models import AppointmentRow
from resolvers.deps import Deps
from resolvers.unit_of_work import UnitOfWork


async def pending_requests(deps: Deps, actor: Actor | None) -> Sequence[AppointmentRow]:
    require_staff(actor)
    async with UnitOfWork(deps, write=False) as uow:
        return await uow.appointments.with_status(sorted(s.value for s in PENDING_STATUSES))


async def pending_requests_page(
    deps: Deps, actor: Actor | None, *, page: PageArguments
) -> Page[AppointmentRow]:
    require_staff_list(actor, "appointments:read")
    request = page_request(PENDING_REQUESTS, page)
    async with UnitOfWork(deps, write=False) as uow:
        return await uow.appointments.pending_page(request)


async def count_pending_requests(deps: Deps, actor: Actor | None) -> int:
    require_staff_list(actor, "appointments:read")
    async with UnitOfWork(deps, write=False) as uow:
        return await uow.appointments.pending_count()
