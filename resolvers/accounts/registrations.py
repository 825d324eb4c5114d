"""Online registrations (staff): list them, merge one into an existing patient, or
confirm it as a new patient."""

from __future__ import annotations

from collections.abc import Sequence

from domain.actors import Actor
from domain.errors import found
from domain.paging import REGISTRATIONS, Page, PageArguments, page_request
from domain.policy import require_staff, require_staff_list
from domain.validation import parse_id
from persistence.models import PatientRow
from resolvers.accounts.admission import admit, merge_into, provisional_patient
from resolvers.deps import Deps
from resolvers.unit_of_work import UnitOfWork


async def online_registrations(deps: Deps, actor: Actor | None) -> Sequence[PatientRow]:
    require_staff(actor)
    async with UnitOfWork(deps, write=False) as uow:
        return await uow.patients.registrations()


async def online_registrations_page(
    deps: Deps, actor: Actor | None, *, page: PageArguments
) -> Page[PatientRow]:
    require_staff_list(actor, "patients:read")
    request = page_request(REGISTRATIONS, page)
    async with UnitOfWork(deps, write=False) as uow:
        return await uow.patients.registrations_page(request)


async def count_online_registrations(deps: Deps, actor: Actor | None) -> int:
    require_staff_list(actor, "patients:read")
    async with UnitOfWork(deps, write=False) as uow:
        return await uow.patients.registrations_count()


async def merge(
    deps: Deps, actor: Actor | None, *, provisional_patient_id: str, into_patient_id: str
) -> PatientRow:
    require_staff(actor)
    source_key = parse_id(provisional_patient_id, "provisionalPatientId")
    target_key = parse_id(into_patient_id, "intoPatientId")
    async with UnitOfWork(deps) as uow:
        provisional = await provisional_patient(uow, source_key)
        target = found(await uow.patients.get(target_key), "No such patient to merge into.")
        await merge_into(
            uow, provisional, target, await uow.clinic.get(), target_field="intoPatientId"
        )
        await uow.commit()
    return target


async def confirm_registration(
    deps: Deps, actor: Actor | None, *, provisional_patient_id: str
) -> PatientRow:
    require_staff(actor)
    source_key = parse_id(provisional_patient_id, "provisionalPatientId")
    async with UnitOfWork(deps) as uow:
        provisional = await provisional_patient(uow, source_key)
        await admit(uow, provisional, await uow.clinic.get())
        await uow.commit()
    return provisional
