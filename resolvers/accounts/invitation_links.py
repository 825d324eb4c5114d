"""Invitation links and emails: what invite, resend and bulk invite share."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from domain import invitations as rules
from domain import messages
from domain.errors import ConsentMissing
from domain.invitations import InvitationState
from domain.messages import Recipient
from domain.phrases import Phrase
from persistence.models import ClinicRow, InvitationRow, PatientRow
from resolvers.deps import Deps
from resolvers.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class InvitationView:
    """An invitation with the link only the server can make."""

    row: InvitationRow
    link: str


def view(deps: Deps, row: InvitationRow) -> InvitationView:
    token = rules.invitation_token(deps.settings.secret_key, row.id, row.nonce)
    return InvitationView(row, rules.link_for(deps.settings.public_url, token))


def check_invitable(patient: PatientRow) -> None:
    if not patient.contact_consent:
        raise ConsentMissing(
            Phrase(
                "{name} has not consented to emails and texts, so no invitation can be sent.",
                name=patient.name,
            )
        )


def send(
    deps: Deps,
    uow: UnitOfWork,
    row: InvitationRow,
    patient: PatientRow,
    clinic: ClinicRow,
    now: datetime,
) -> None:
    email = messages.invitation(
        Recipient(row.email, clinic.language),
        clinic.name,
        patient.name,
        view(deps, row).link,
        row.requires_verification_code,
        row.expires_at,
        ZoneInfo(clinic.time_zone),
    )
    uow.mail(email, now)


async def create_invitation(
    deps: Deps,
    uow: UnitOfWork,
    patient: PatientRow,
    email: str,
    requires_code: bool,
    now: datetime,
) -> InvitationRow:
    """Stage an invitation and its email in the caller's transaction."""
    check_invitable(patient)
    clinic = await uow.clinic.get()
    row = await uow.invitations.add(
        InvitationRow(
            patient_id=patient.id,
            email=email,
            state=InvitationState.PENDING.value,
            nonce=rules.new_nonce(),
            to_patient_email=email == patient.email,
            requires_verification_code=requires_code,
            verification_code=rules.new_verification_code() if requires_code else None,
            failed_attempts=0,
            created_at=now,
            sent_at=now,
            expires_at=now + timedelta(days=clinic.invitation_days),
        )
    )
    send(deps, uow, row, patient, clinic, now)
    return row
