"""clinic, locations, services, practitioners and patients: what the clinic has."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from domain.actors import Actor
from domain.errors import NotAllowed
from domain.paging import PATIENTS, Page, PageArguments, page_request
from domain.policy import (
    may_see_practitioners_offline,
    require_availability,
    require_patients_read,
    require_staff_list,
)
from domain.validation import optional_text
from persistence.models import ClinicRow, LocationRow, PatientRow, PractitionerRow, ServiceRow
from persistence.read_cache import CLINIC
from resolvers.deps import Deps
from resolvers.unit_of_work import UnitOfWork


async def clinic(deps: Deps) -> ClinicRow:
    """The clinic as every use case reads it (its zone, its rules); kept by the read
    cache when this process keeps reads (a row nobody changes: its session is closed)."""

    async def fill() -> ClinicRow:
        async with UnitOfWork(deps, write=False) as uow:
            return await uow.clinic.get()

    return await deps.reads.read(("clinic",), CLINIC, fill)


async def clinic_for(deps: Deps, actor: Actor | None) -> ClinicRow:
    """The `clinic` query: public; an API client needs availability:read."""
    require_availability(actor)
    return await clinic(deps)


async def locations(deps: Deps, actor: Actor | None) -> Sequence[LocationRow]:
    require_availability(actor)
    async with UnitOfWork(deps, write=False) as uow:
        return await uow.catalog.locations()


async def services_offered(deps: Deps, actor: Actor | None) -> Sequence[ServiceRow]:
    require_availability(actor)
    async with UnitOfWork(deps, write=False) as uow:
        return await uow.catalog.services()


async def practitioners(
    deps: Deps, actor: Actor | None, *, online_only: bool
) -> Sequence[PractitionerRow]:
    """Practitioners bookable online for everyone; all of them only for staff."""
    require_availability(actor)
    if not online_only and not may_see_practitioners_offline(actor):
        raise NotAllowed("Only clinic staff may do this.")
    async with UnitOfWork(deps, write=False) as uow:
        if not online_only:
            return await uow.catalog.practitioners()
        zone = ZoneInfo((await uow.clinic.get()).time_zone)
        today = deps.now().astimezone(zone).date()
        return await uow.catalog.practitioners(await uow.catalog.online_practitioner_ids(today))


async def patients(deps: Deps, actor: Actor | None, *, search: str | None) -> Sequence[PatientRow]:
    require_patients_read(actor)
    search = optional_text(search, "search", 100)
    async with UnitOfWork(deps, write=False) as uow:
        return await uow.patients.search(search)


async def patients_page(
    deps: Deps, actor: Actor | None, *, search: str | None, page: PageArguments
) -> Page[PatientRow]:
    """Existing patients whose name or email contains `search`, by name, a page at a time."""
    require_staff_list(actor, "patients:read")
    search = optional_text(search, "search", 100)
    request = page_request(PATIENTS, page)
    async with UnitOfWork(deps, write=False) as uow:
        return await uow.patients.search_page(search, request)


async def count_patients(deps: Deps, actor: Actor | None, *, search: str | None) -> int:
    require_staff_list(actor, "patients:read")
    search = optional_text(search, "search", 100)
    async with UnitOfWork(deps, write=False) as uow:
        return await uow.patients.search_count(search)


async def named(deps: Deps) -> Names:
    """Every practitioner's, place's and service's name, by id, for showing alongside
    what the caller was allowed to read (their visits name them by id)."""
    async with UnitOfWork(deps, write=False) as uow:
        return Names(
            practitioners={r.id: r for r in await uow.catalog.practitioners()},
            locations={r.id: r for r in await uow.catalog.locations()},
            services={r.id: r for r in await uow.catalog.services()},
        )


@dataclass(frozen=True)
class Names:
    practitioners: dict[int, PractitionerRow]
    locations: dict[int, LocationRow]
    services: dict[int, ServiceRow]
