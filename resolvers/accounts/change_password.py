"""changePassword: the signed-in user replaces their password; their other sessions end."""

from __future__ import annotations

from domain.actors import Actor
from domain.credentials import check_password_strength, token_digest
from domain.errors import InvalidInput, found
from domain.phrases import N_
from domain.policy import require_signed_in
from resolvers.accounts.end_sessions import end_sessions_of_user
from resolvers.accounts.passwords import hashed, matches
from resolvers.accounts.reset_password import VOIDED_BY_NEW_PASSWORD
from resolvers.deps import Deps
from resolvers.unit_of_work import UnitOfWork

WRONG_CURRENT = N_("The current password is wrong.")


async def change_password(
    deps: Deps,
    actor: Actor | None,
    *,
    current_password: str,
    new_password: str,
    token: str | None,
) -> int:
    """Needs the current password. Every other session of the user ends (their sockets
    close); this one stays. Open reset and email-change links stop working. How many
    sessions ended."""
    actor = require_signed_in(actor)
    check_password_strength(new_password, "newPassword")
    async with UnitOfWork(deps, write=False) as uow:
        user = await uow.users.get(actor.user_id)
    if user is None or not await matches(user.password_hash, current_password):
        raise InvalidInput(WRONG_CURRENT, "currentPassword")
    password_hash = await hashed(new_password)
    now = deps.now()
    async with UnitOfWork(deps) as uow:
        user = found(await uow.users.get(actor.user_id), WRONG_CURRENT)
        user.password_hash = password_hash
        await uow.email_links.close_open(user.id, VOIDED_BY_NEW_PASSWORD, now)
        ended = await end_sessions_of_user(
            uow, user.id, now, keep_digest=token_digest(token) if token else None
        )
        await uow.commit()
    return ended
