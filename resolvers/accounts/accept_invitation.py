"""acceptInvitation: the signed-in user gains the patient. Five wrong codes withdraw it.

An invitation with a verification code is for whoever gives the code; one without is for
the account that proved the invited email. Anyone else finds no such invitation.
"""

from __future__ import annotations

from domain import invitations as rules
from domain.actors import Actor
from domain.errors import NotFound, VerificationFailed, found
from domain.invitations import InvitationState
from domain.phrases import N_
from domain.policy import may_accept_invitation, require_signed_in
from persistence.models import InvitationRow, PatientRow
from resolvers.deps import Deps
from resolvers.unit_of_work import UnitOfWork

NOT_YOURS = N_(
    "This invitation link is not valid for this account. If it was sent to you, sign in"
    " with that email address and confirm it with the link we emailed, then open it again."
)


async def accept_invitation(
    deps: Deps, actor: Actor | None, *, token: str, verification_code: str | None
) -> PatientRow:
    actor = require_signed_in(actor)
    invitation_id = rules.token_invitation_id(token)
    now = deps.now()
    async with UnitOfWork(deps) as uow:
        row = found(
            await uow.invitations.get(invitation_id, lock=True),
            "This invitation link is not valid.",
        )
        rules.check_token(deps.settings.secret_key, token, row.id, row.nonce)
        rules.check_usable(InvitationState(row.state), row.expires_at, now)
        await _check_code(uow, row, verification_code)
        verified_email = await uow.verifications.verified_email(actor.user_id)
        code_verified = row.verification_code is not None
        if not may_accept_invitation(row.email, verified_email, code_verified=code_verified):
            raise NotFound(NOT_YOURS)
        patient = await uow.patients.get(row.patient_id)
        assert patient is not None
        row.state = InvitationState.ACCEPTED.value
        row.accepted_by_id = actor.user_id
        await uow.users.link(actor.user_id, patient.id)
        await uow.users.admit_provisional(user_id=actor.user_id)
        await uow.commit()
    return patient


async def _check_code(uow: UnitOfWork, row: InvitationRow, given: str | None) -> None:
    """A wrong code is counted (and kept) before the refusal; the fifth withdraws it."""
    try:
        rules.check_code(row.verification_code, given, row.failed_attempts)
    except VerificationFailed:
        row.failed_attempts += 1
        if row.failed_attempts >= rules.MAX_CODE_ATTEMPTS:
            row.state = InvitationState.REVOKED.value
        await uow.commit()
        raise
