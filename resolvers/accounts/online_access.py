"""disableUser and enableUser: staff turn a user's online access off and on."""

from __future__ import annotations

from domain.actors import Actor
from domain.errors import InvalidInput, found
from domain.policy import may_change_online_access, require_staff
from domain.validation import parse_id
from persistence.models import UserRow
from resolvers.accounts.end_sessions import end_sessions_of_user
from resolvers.deps import Deps
from resolvers.unit_of_work import UnitOfWork


async def disable_user(deps: Deps, actor: Actor | None, *, user_id: str) -> UserRow:
    """No sign-in from now on, and every session of the user ends at once."""
    return await _set_access(deps, actor, user_id, enabled=False)


async def enable_user(deps: Deps, actor: Actor | None, *, user_id: str) -> UserRow:
    """The user may sign in again (their old sessions stay ended)."""
    return await _set_access(deps, actor, user_id, enabled=True)


async def _set_access(deps: Deps, actor: Actor | None, user_id: str, *, enabled: bool) -> UserRow:
    require_staff(actor)
    key = parse_id(user_id, "userId")
    if not may_change_online_access(actor, key):
        raise InvalidInput("You cannot turn off your own online access.", "userId")
    now = deps.now()
    async with UnitOfWork(deps) as uow:
        user = found(await uow.users.get(key), "No such user.")
        if enabled:
            user.disabled_at = None
        elif user.disabled_at is None:
            user.disabled_at = now
            await end_sessions_of_user(uow, user.id, now)
        await uow.commit()
    return user
