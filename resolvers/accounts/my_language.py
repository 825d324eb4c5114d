"""setMyLanguage: the language of the signed-in user's emails and pages."""

from __future__ import annotations

from domain.actors import Actor
from domain.errors import found
from domain.language import check_language
from domain.policy import require_signed_in
from persistence.models import UserRow
from resolvers.deps import Deps
from resolvers.unit_of_work import UnitOfWork


async def set_my_language(deps: Deps, actor: Actor | None, *, language: str | None) -> UserRow:
    """One of the clinic's languages, or None to follow the clinic's."""
    actor = require_signed_in(actor)
    chosen = None if language is None else check_language(language)
    async with UnitOfWork(deps) as uow:
        user = found(await uow.users.get(actor.user_id), "No such user.")
        user.language = chosen
        await uow.commit()
    return user
