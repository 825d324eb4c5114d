"""appointments: a page of the appointments the actor may see, narrowed by a filter."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.actors import Actor
from domain.appointments import AppointmentFilter, AppointmentStatus
from domain.paging import APPOINTMENTS, Page, PageArguments, page_request
from domain.policy import require_appointment_list
from domain.validation import parse_id, require_instant, require_range
from persistence.models import AppointmentRow
from resolvers.deps import Deps
from resolvers.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class AppointmentFilterInput:
    """The filter as a client sends it: ids as text, any of the statuses, a window."""

    practitioner_id: str | None = None
    patient_id: str | None = None
    status: list[AppointmentStatus] | None = None
    from_: datetime | None = None
    to: datetime | None = None


def checked_filter(given: AppointmentFilterInput | None) -> AppointmentFilter:
    if given is None:
        return AppointmentFilter()
    start, end = given.from_, given.to
    if start is not None and end is not None:
        require_range(start, end)
    elif start is not None:
        require_instant(start, "from")
    elif end is not None:
        require_instant(end, "to")
    return AppointmentFilter(
        practitioner_id=(
            None
            if given.practitioner_id is None
            else parse_id(given.practitioner_id, "practitionerId")
        ),
        patient_id=None if given.patient_id is None else parse_id(given.patient_id, "patientId"),
        statuses=frozenset(AppointmentStatus(s) for s in given.status or ()),
        start=start,
        end=end,
    )


async def appointments(
    deps: Deps, actor: Actor | None, *, filter: AppointmentFilterInput | None, page: PageArguments
) -> Page[AppointmentRow]:
    """Only what the policy lets the actor see: someone else's appointments are not in
    the list at all, whatever the filter names."""
    scope = require_appointment_list(actor)
    narrowed = checked_filter(filter)
    request = page_request(APPOINTMENTS, page)
    async with UnitOfWork(deps, write=False) as uow:
        return await uow.appointments.page(scope, narrowed, request)


async def count_appointments(
    deps: Deps, actor: Actor | None, *, filter: AppointmentFilterInput | None
) -> int:
    scope = require_appointment_list(actor)
    narrowed = checked_filter(filter)
    async with UnitOfWork(deps, write=False) as uow:
        return await uow.appointments.count(scope, narrowed)
