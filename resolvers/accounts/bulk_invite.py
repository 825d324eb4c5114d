"""bulkInvite: invite many patients at their own email; say who was skipped and why."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from domain.actors import Actor
from domain.errors import DomainError, InvalidInput
from domain.phrases import Phrase
from domain.policy import require_staff
from domain.validation import parse_id
from persistence.models import InvitationRow, PatientRow
from resolvers.accounts.invitation_links import InvitationView, create_invitation, view
from resolvers.deps import Deps
from resolvers.unit_of_work import UnitOfWork

MAX_PATIENTS = 500


@dataclass(frozen=True)
class Skipped:
    patient: PatientRow
    problem: DomainError


@dataclass(frozen=True)
class BulkResult:
    invited: list[InvitationView]
    skipped: list[Skipped]


async def bulk_invite(deps: Deps, actor: Actor | None, *, patient_ids: Sequence[str]) -> BulkResult:
    require_staff(actor)
    ids = list(dict.fromkeys(parse_id(p, "patientIds") for p in patient_ids))
    if len(ids) > MAX_PATIENTS:
        raise InvalidInput(
            Phrase("At most {max_patients} patients at once.", max_patients=MAX_PATIENTS),
            "patientIds",
        )
    now = deps.now()
    invited: list[InvitationRow] = []
    skipped: list[Skipped] = []
    async with UnitOfWork(deps) as uow:
        patients = await uow.patients.by_ids(ids)
        for patient in (patients[i] for i in ids if i in patients):
            try:
                if not patient.email:
                    raise InvalidInput(
                        Phrase("{name} has no email address.", name=patient.name), "email"
                    )
                invited.append(
                    await create_invitation(deps, uow, patient, patient.email, False, now)
                )
            except DomainError as problem:
                skipped.append(Skipped(patient, problem))
        await uow.commit()
    return BulkResult([view(deps, r) for r in invited], skipped)
