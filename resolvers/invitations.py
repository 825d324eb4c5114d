"""Staff invite an email to manage a patient; the recipient accepts with the link."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain import invitations as rules
from domain import messages
from domain.actors import Actor, UserKind, require_signed_in, require_staff
from domain.errors import (
    ConsentMissing,
    DomainError,
    InvalidInput,
    InvitationStale,
    NotFound,
    VerificationFailed,
)
from domain.invitations import InvitationState
from domain.validation import normalize_email, parse_id
from persistence import repositories as repo
from persistence.models import ClinicRow, InvitationRow, PatientRow, UserRow
from resolvers.outbox import enqueue
from resolvers.services import Services
from resolvers.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class InvitationView:
    """An invitation with the link only the server can make."""

    row: InvitationRow
    link: str


def view(services: Services, row: InvitationRow) -> InvitationView:
    token = rules.invitation_token(services.settings.secret_key, row.id, row.nonce)
    return InvitationView(row, rules.link_for(services.settings.public_url, token))


def _check_invitable(patient: PatientRow) -> None:
    if not patient.contact_consent:
        raise ConsentMissing(
            f"{patient.name} has not consented to emails and texts, so no invitation can be sent."
        )


def _send(
    services: Services,
    session: AsyncSession,
    row: InvitationRow,
    patient: PatientRow,
    clinic: ClinicRow,
    now: datetime,
) -> None:
    email = messages.invitation(
        row.email,
        clinic.name,
        patient.name,
        view(services, row).link,
        row.requires_verification_code,
        row.expires_at,
        ZoneInfo(clinic.time_zone),
    )
    enqueue(session, email, now)


async def create_invitation(
    services: Services,
    session: AsyncSession,
    patient: PatientRow,
    email: str,
    requires_code: bool,
    now: datetime,
) -> InvitationRow:
    """Stage an invitation and its email in the caller's transaction."""
    _check_invitable(patient)
    clinic = await repo.clinic(session)
    row = InvitationRow(
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
    session.add(row)
    await session.flush()
    _send(services, session, row, patient, clinic, now)
    return row


async def invite(
    services: Services, actor: Actor | None, *, patient_id: str, email: str, requires_code: bool
) -> InvitationView:
    require_staff(actor)
    pid = parse_id(patient_id, "patientId")
    address = normalize_email(email)
    now = services.now()
    async with UnitOfWork(services) as uow:
        patient = await uow.session.get(PatientRow, pid)
        if patient is None:
            raise NotFound("No such patient.")
        row = await create_invitation(services, uow.session, patient, address, requires_code, now)
        await uow.commit()
    return view(services, row)


async def _staff_invitation(session: AsyncSession, invitation_id: str) -> InvitationRow:
    row = await session.get(InvitationRow, parse_id(invitation_id, "invitationId"))
    if row is None:
        raise NotFound("No such invitation.")
    return row


async def resend_invitation(
    services: Services, actor: Actor | None, *, invitation_id: str
) -> InvitationView:
    """Send the same link again, with a fresh expiry. Stale when the patient's email changed."""
    require_staff(actor)
    now = services.now()
    async with UnitOfWork(services) as uow:
        row = await _staff_invitation(uow.session, invitation_id)
        if row.state != InvitationState.PENDING.value:
            raise InvalidInput(
                f"This invitation is {row.state.lower()}; invite again instead.", "invitationId"
            )
        patient = await uow.session.get(PatientRow, row.patient_id)
        assert patient is not None
        if row.to_patient_email and patient.email != row.email:
            raise InvitationStale(
                "The patient's email changed since this invitation was sent: delete it and invite again."
            )
        _check_invitable(patient)
        clinic = await repo.clinic(uow.session)
        row.sent_at = now
        row.expires_at = now + timedelta(days=clinic.invitation_days)
        _send(services, uow.session, row, patient, clinic, now)
        await uow.commit()
    return view(services, row)


async def delete_invitation(
    services: Services, actor: Actor | None, *, invitation_id: str
) -> InvitationView:
    """Withdraw it: its link stops working at once."""
    require_staff(actor)
    async with UnitOfWork(services) as uow:
        row = await _staff_invitation(uow.session, invitation_id)
        row.state = InvitationState.REVOKED.value
        await uow.commit()
    return view(services, row)


async def invitations(
    services: Services, actor: Actor | None, *, patient_id: str | None
) -> list[InvitationView]:
    require_staff(actor)
    async with UnitOfWork(services, write=False) as uow:
        query = select(InvitationRow).order_by(
            InvitationRow.sent_at.desc(), InvitationRow.id.desc()
        )
        if patient_id is not None:
            query = query.where(InvitationRow.patient_id == parse_id(patient_id, "patientId"))
        rows = (await uow.session.execute(query)).scalars().all()
    return [view(services, r) for r in rows]


@dataclass(frozen=True)
class Skipped:
    patient: PatientRow
    problem: DomainError


@dataclass(frozen=True)
class BulkResult:
    invited: list[InvitationView]
    skipped: list[Skipped]


async def bulk_invite(
    services: Services, actor: Actor | None, *, patient_ids: Sequence[str]
) -> BulkResult:
    """Invite each patient at their own email; list every patient skipped, with why."""
    require_staff(actor)
    ids = list(dict.fromkeys(parse_id(p, "patientIds") for p in patient_ids))
    if len(ids) > 500:
        raise InvalidInput("At most 500 patients at once.", "patientIds")
    now = services.now()
    invited: list[InvitationRow] = []
    skipped: list[Skipped] = []
    async with UnitOfWork(services) as uow:
        patients = {
            p.id: p
            for p in (
                await uow.session.execute(select(PatientRow).where(PatientRow.id.in_(ids)))
            ).scalars()
        }
        for pid in ids:
            patient = patients.get(pid)
            if patient is None:
                continue
            try:
                if not patient.email:
                    raise InvalidInput(f"{patient.name} has no email address.", "email")
                invited.append(
                    await create_invitation(
                        services, uow.session, patient, patient.email, False, now
                    )
                )
            except DomainError as problem:
                skipped.append(Skipped(patient, problem))
        await uow.commit()
    return BulkResult([view(services, r) for r in invited], skipped)


async def accept_invitation(
    services: Services, actor: Actor | None, *, token: str, verification_code: str | None
) -> PatientRow:
    """The signed-in user gains the patient. Five wrong codes withdraw the invitation."""
    actor = require_signed_in(actor)
    invitation_id = rules.token_invitation_id(token)
    now = services.now()
    async with UnitOfWork(services) as uow:
        session = uow.session
        row = await session.get(InvitationRow, invitation_id, with_for_update=True)
        if row is None:
            raise NotFound("This invitation link is not valid.")
        rules.check_token(services.settings.secret_key, token, row.id, row.nonce)
        rules.check_usable(InvitationState(row.state), row.expires_at, now)
        try:
            rules.check_code(row.verification_code, verification_code, row.failed_attempts)
        except VerificationFailed:
            row.failed_attempts += 1
            if row.failed_attempts >= rules.MAX_CODE_ATTEMPTS:
                row.state = InvitationState.REVOKED.value
            await uow.commit()
            raise
        patient = await session.get(PatientRow, row.patient_id)
        assert patient is not None
        row.state = InvitationState.ACCEPTED.value
        row.accepted_by_id = actor.user_id
        await repo.link_user_to_patient(session, actor.user_id, patient.id)
        await _becomes_patient_user(session, actor.user_id)
        await uow.commit()
    return patient


async def _becomes_patient_user(session: AsyncSession, user_id: int) -> None:
    await session.execute(
        update(UserRow)
        .where(UserRow.id == user_id, UserRow.kind == UserKind.PROVISIONAL_PATIENT.value)
        .values(kind=UserKind.PATIENT.value)
        .execution_options(synchronize_session=False)
    )


async def pending_invitation_patients(
    session: AsyncSession, patient_ids: Sequence[int], now: datetime
) -> set[int]:
    query = select(InvitationRow.patient_id).where(
        InvitationRow.patient_id.in_(patient_ids),
        InvitationRow.state == InvitationState.PENDING.value,
        InvitationRow.expires_at > now,
    )
    return set((await session.execute(query)).scalars())
