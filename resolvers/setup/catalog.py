"""createLocation, createService, createPractitioner, setOnlineAccess (staff)."""

from __future__ import annotations

from collections.abc import Sequence

from domain.actors import Actor
from domain.errors import InvalidInput, found
from domain.phrases import Phrase
from domain.policy import require_staff
from domain.validation import parse_id, require_positive, require_text
from persistence.models import LocationRow, PractitionerRow, ServiceRow
from resolvers.deps import Deps
from resolvers.unit_of_work import UnitOfWork

MAX_DURATION_MINUTES = 8 * 60


async def create_location(deps: Deps, actor: Actor | None, *, name: str) -> LocationRow:
    require_staff(actor)
    row = LocationRow(name=require_text(name, "name"))
    async with UnitOfWork(deps) as uow:
        uow.catalog.add(row)
        await uow.commit()
    return row


async def create_service(
    deps: Deps, actor: Actor | None, *, name: str, duration_minutes: int, bookable_online: bool
) -> ServiceRow:
    require_staff(actor)
    row = ServiceRow(
        name=require_text(name, "name"),
        duration_minutes=require_positive(
            duration_minutes, "durationMinutes", MAX_DURATION_MINUTES
        ),
        bookable_online=bookable_online,
    )
    async with UnitOfWork(deps) as uow:
        uow.catalog.add(row)
        await uow.commit()
    return row


async def create_practitioner(
    deps: Deps, actor: Actor | None, *, name: str, online_access: bool, service_ids: Sequence[str]
) -> PractitionerRow:
    require_staff(actor)
    name = require_text(name, "name")
    ids = sorted({parse_id(s, "serviceIds") for s in service_ids})
    async with UnitOfWork(deps) as uow:
        found = await uow.catalog.existing_service_ids(ids)
        if missing := [i for i in ids if i not in found]:
            raise InvalidInput(
                Phrase("No service with id {value}.", value=missing[0]), "serviceIds"
            )
        row = PractitionerRow(name=name, online_access=online_access)
        uow.catalog.add(row)
        await uow.catalog.flush()
        await uow.catalog.offer_services(row.id, ids)
        await uow.commit()
    return row


async def set_online_access(
    deps: Deps, actor: Actor | None, *, practitioner_id: str, enabled: bool
) -> PractitionerRow:
    require_staff(actor)
    key = parse_id(practitioner_id, "practitionerId")
    async with UnitOfWork(deps) as uow:
        row = found(await uow.catalog.practitioner(key), "No such practitioner.")
        row.online_access = enabled
        await uow.commit()
    return row
