"""acceptInvitation: the signed-in user gains the patient. Five wrong codes withdraw it."""

from __future__ import annotations

from domain import invitations as rules
from domain.actors import Actor
from domain.errors import VerificationFailed, found
from domain.invitations import InvitationState
from domain.policy import require_signed_in
from persistence.models import PatientRow
from resolvers.deps import Deps
from resolvers.unit_of_work import UnitOfWork


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
        try:
            rules.check_code(row.verification_code, verification_code, row.failed_attempts)
        except VerificationFailed:
            row.failed_attempts += 1
            if row.failed_attempts >= rules.MAX_CODE_ATTEMPTS:
                row.state = InvitationState.REVOKED.value
            await uow.commit()
            raise
        patient = await uow.patients.get(row.patient_id)
        assert patient is not None
        row.state = InvitationState.ACCEPTED.value
        row.accepted_by_id = actor.user_id
        await uow.users.link(actor.user_id, patient.id)
        await uow.users.admit_provisional(user_id=actor.user_id)
        await uow.commit()
    return patient
