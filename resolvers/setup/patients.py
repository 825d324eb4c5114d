"""createPatient and updatePatient (staff): contact details and consent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from domain.actors import Actor
from domain.errors import InvalidInput, found
from domain.policy import require_staff
from domain.validation import (
    normalize_email,
    optional_text,
    parse_id,
    require_birth_date,
    require_text,
)
from persistence.models import PatientRow
from resolvers.accounts.invitation_links import create_invitation
from resolvers.deps import Deps
from resolvers.unit_of_work import UnitOfWork


@dataclass
class PatientInput:
    """Fields left None are not changed (on create: not set). The schema's input type is
    this class."""

    name: str | None = None
    birth_date: date | None = None
    email: str | None = None
    phone: str | None = None
    contact_consent: bool | None = None


def _checked_changes(data: PatientInput, now: datetime, *, creating: bool) -> dict[str, object]:
    changes: dict[str, object] = {}
    if data.name is not None or creating:
        changes["name"] = require_text(data.name, "name")
    if data.birth_date is not None:
        changes["birth_date"] = require_birth_date(data.birth_date, now)
    if data.email is not None:
        changes["email"] = normalize_email(data.email) if data.email.strip() else None
    if data.phone is not None:
        changes["phone"] = optional_text(data.phone, "phone", 40)
    if data.contact_consent is not None:
        changes["contact_consent"] = data.contact_consent
    return changes


async def create_patient(
    deps: Deps, actor: Actor | None, data: PatientInput, *, send_invitation: bool = False
) -> PatientRow:
    """A new patient record; with send_invitation, its invitation goes out in the same step."""
    require_staff(actor)
    changes = _checked_changes(data, deps.now(), creating=True)
    now = deps.now()
    row = PatientRow(provisional=False, contact_consent=True, created_at=now)
    for name, value in changes.items():
        setattr(row, name, value)
    if send_invitation and not row.email:
        raise InvalidInput("An invitation needs the patient's email.", "email")
    async with UnitOfWork(deps) as uow:
        await uow.patients.add(row)
        if send_invitation:
            assert row.email is not None
            await create_invitation(deps, uow, row, row.email, False, now)
        await uow.commit()
    return row


async def update_patient(
    deps: Deps, actor: Actor | None, *, patient_id: str, data: PatientInput
) -> PatientRow:
    require_staff(actor)
    key = parse_id(patient_id, "patientId")
    changes = _checked_changes(data, deps.now(), creating=False)
    async with UnitOfWork(deps) as uow:
        row = found(await uow.patients.get(key), "No such patient.")
        for name, value in changes.items():
            setattr(row, name, value)
        await uow.commit()
    return row
