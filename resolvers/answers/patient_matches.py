"""patientMatches: existing records that may be the same person as a registration."""

from __future__ import annotations

from dataclasses import dataclass, replace

from domain.actors import Actor
from domain.errors import found
from domain.matching import Match, find_matches
from domain.policy import require_staff
from domain.validation import parse_id
from domain.verification import proved
from persistence.models import PatientRow
from persistence.unit_of_work import SqlUnitOfWork
from resolvers.accounts.admission import details
from resolvers.deps import Deps
from resolvers.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class FoundMatch:
    patient: PatientRow
    match: Match


async def matches_for(uow: SqlUnitOfWork, provisional: PatientRow) -> list[FoundMatch]:
    """Records that may be this registrant; their email counts as verified when a user
    managing the registration proved it."""
    existing = {p.id: p for p in await uow.patients.match_candidates(provisional)}
    proved_emails = await uow.verifications.verified_emails_of_patient(provisional.id)
    candidate = replace(
        details(provisional), email_verified=proved(provisional.email, proved_emails)
    )
    found = find_matches(candidate, [details(p) for p in existing.values()])
    return [FoundMatch(existing[m.patient_id], m) for m in found]


async def patient_matches(deps: Deps, actor: Actor | None, *, patient_id: str) -> list[FoundMatch]:
    require_staff(actor)
    key = parse_id(patient_id, "patientId")
    async with UnitOfWork(deps, write=False) as uow:
        patient = found(await uow.patients.get(key), "No such patient.")
        return await matches_for(uow, patient)
