"""visits, appointment and diary: reading appointments, each through the policy."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from domain.actors import Actor
from domain.errors import DomainError, NotAllowed
from domain.phrases import N_
from domain.policy import may_read_diary, may_read_visits, may_see_appointment
from domain.validation import parse_id, require_range
from persistence.models import AppointmentRow
from resolvers.deps import Deps
from resolvers.unit_of_work import UnitOfWork

MAX_VISIT_WINDOW_DAYS = 3 * 366
MAX_DIARY_WINDOW_DAYS = 62


async def visits(
    deps: Deps, actor: Actor | None, *, patient_id: str, start: datetime, end: datetime
) -> Sequence[AppointmentRow]:
    """A patient's visits in a range, for the users who manage that patient (and API
    clients with appointments:read)."""
    key = parse_id(patient_id, "patientId")
    if not may_read_visits(actor, key):
        raise NotAllowed(N_("You do not manage this patient.") if actor else N_("Sign in first."))
    require_range(start, end, max_days=MAX_VISIT_WINDOW_DAYS)
    async with UnitOfWork(deps, write=False) as uow:
        return await uow.appointments.visits_of(key, start, end)


async def appointment(deps: Deps, actor: Actor | None, *, id: str) -> AppointmentRow | None:
    """None both for a missing appointment and one the user may not see."""
    try:
        key = parse_id(id, "id")
    except DomainError:
        return None
    async with UnitOfWork(deps, write=False) as uow:
        row = await uow.appointments.get(key)
    if row is None or not may_see_appointment(
        actor,
        patient_id=row.patient_id,
        practitioner_id=row.practitioner_id,
        created_by_id=row.created_by_id,
    ):
        return None
    return row


async def diary(
    deps: Deps, actor: Actor | None, *, practitioner_id: str, start: datetime, end: datetime
) -> Sequence[AppointmentRow]:
    """Every appointment of a practitioner in a range, for staff and that practitioner."""
    key = parse_id(practitioner_id, "practitionerId")
    if not may_read_diary(actor, key):
        raise NotAllowed("Only staff and the practitioner may read this diary.")
    require_range(start, end, max_days=MAX_DIARY_WINDOW_DAYS)
    async with UnitOfWork(deps, write=False) as uow:
        return await uow.appointments.of_practitioner(key, start, end)
