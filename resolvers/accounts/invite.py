"""invite, resendInvitation, deleteInvitation and the invitations list (staff)."""

from __future__ import annotations

from datetime import timedelta

from domain.actors import Actor
from domain.errors import InvalidInput, InvitationStale, found
from domain.invitations import InvitationState
from domain.paging import INVITATIONS, Page, PageArguments, page_request
from domain.phrases import N_, Phrase
from domain.policy import require_staff, require_staff_list
from domain.validation import normalize_email, parse_id
from persistence.models import InvitationRow
from resolvers.accounts.invitation_links import (
    InvitationView,
    check_invitable,
    create_invitation,
    send,
    view,
)
from resolvers.deps import Deps
from resolvers.unit_of_work import UnitOfWork

STALE = N_(
    "The patient's email changed since this invitation was sent: delete it and invite again."
)


async def invite(
    deps: Deps, actor: Actor | None, *, patient_id: str, email: str, requires_code: bool
) -> InvitationView:
    require_staff(actor)
    key = parse_id(patient_id, "patientId")
    address = normalize_email(email)
    now = deps.now()
    async with UnitOfWork(deps) as uow:
        patient = found(await uow.patients.get(key), "No such patient.")
        row = await create_invitation(deps, uow, patient, address, requires_code, now)
        await uow.commit()
    return view(deps, row)


async def _invitation(uow: UnitOfWork, invitation_id: str) -> InvitationRow:
    row = found(
        await uow.invitations.get(parse_id(invitation_id, "invitationId")), "No such invitation."
    )
    return row


async def resend_invitation(
    deps: Deps, actor: Actor | None, *, invitation_id: str
) -> InvitationView:
    """Send the same link again, with a fresh expiry."""
    require_staff(actor)
    now = deps.now()
    async with UnitOfWork(deps) as uow:
        row = await _invitation(uow, invitation_id)
        if row.state != InvitationState.PENDING.value:
            stale = (
                N_("This invitation was accepted; invite again instead.")
                if row.state == InvitationState.ACCEPTED.value
                else N_("This invitation was revoked; invite again instead.")
            )
            raise InvalidInput(Phrase(stale), "invitationId")
        patient = await uow.patients.get(row.patient_id)
        assert patient is not None
        if row.to_patient_email and patient.email != row.email:
            raise InvitationStale(STALE)
        check_invitable(patient)
        clinic = await uow.clinic.get()
        row.sent_at = now
        row.expires_at = now + timedelta(days=clinic.invitation_days)
        send(deps, uow, row, patient, clinic, now)
        await uow.commit()
    return view(deps, row)


async def delete_invitation(
    deps: Deps, actor: Actor | None, *, invitation_id: str
) -> InvitationView:
    """Withdraw it: its link stops working at once."""
    require_staff(actor)
    async with UnitOfWork(deps) as uow:
        row = await _invitation(uow, invitation_id)
        row.state = InvitationState.REVOKED.value
        await uow.commit()
    return view(deps, row)


async def invitations(
    deps: Deps, actor: Actor | None, *, patient_id: str | None
) -> list[InvitationView]:
    require_staff(actor)
    key = parse_id(patient_id, "patientId") if patient_id is not None else None
    async with UnitOfWork(deps, write=False) as uow:
        rows = await uow.invitations.listed(key)
    return [view(deps, r) for r in rows]


async def invitations_page(
    deps: Deps, actor: Actor | None, *, patient_id: str | None, page: PageArguments
) -> Page[InvitationView]:
    """Invitations, newest made first; all, or one patient's."""
    require_staff_list(actor, "patients:read")
    key = parse_id(patient_id, "patientId") if patient_id is not None else None
    request = page_request(INVITATIONS, page)
    async with UnitOfWork(deps, write=False) as uow:
        found = await uow.invitations.page(key, request)
    return found.converted(lambda row: view(deps, row))


async def count_invitations(deps: Deps, actor: Actor | None, *, patient_id: str | None) -> int:
    require_staff_list(actor, "patients:read")
    key = parse_id(patient_id, "patientId") if patient_id is not None else None
    async with UnitOfWork(deps, write=False) as uow:
        return await uow.invitations.count(key)
