"""mySessions, endSession, endOtherSessions: a user's own sign-ins, seen and ended."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.actors import Actor
from domain.credentials import token_digest
from domain.errors import NotFound
from domain.phrases import N_
from domain.policy import may_manage_session, require_signed_in
from domain.validation import parse_id
from persistence.models import AuthTokenRow
from resolvers.accounts.end_sessions import announce_ended, end_sessions_of_user
from resolvers.deps import Deps
from resolvers.unit_of_work import UnitOfWork

NO_SUCH_SESSION = N_("No such session.")


@dataclass(frozen=True)
class SessionView:
    """A sign-in as its user sees it: never the token, only whether it is this one."""

    id: int
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime
    current: bool


def _view(row: AuthTokenRow, current_digest: str | None) -> SessionView:
    return SessionView(
        id=row.id,
        created_at=row.created_at,
        last_used_at=row.last_used_at,
        expires_at=row.expires_at,
        current=row.token_digest == current_digest,
    )


def _digest(token: str | None) -> str | None:
    return token_digest(token) if token else None


async def my_sessions(deps: Deps, actor: Actor | None, *, token: str | None) -> list[SessionView]:
    """The user's live sessions, newest first, the one in use marked current."""
    actor = require_signed_in(actor)
    async with UnitOfWork(deps, write=False) as uow:
        rows = await uow.sessions.live_of_user(actor.user_id, deps.now())
    return [_view(r, _digest(token)) for r in rows]


async def end_session(
    deps: Deps, actor: Actor | None, *, session_id: str, token: str | None
) -> SessionView:
    """End one of the user's sessions (this one too, like logout). Someone else's, an
    ended one and a made-up id answer alike: NotFound."""
    actor = require_signed_in(actor)
    now = deps.now()
    async with UnitOfWork(deps) as uow:
        row = await uow.sessions.get_live(parse_id(session_id, "id"), now)
        if row is None or not may_manage_session(actor, row.user_id):
            raise NotFound(NO_SUCH_SESSION)
        view = _view(row, _digest(token))
        announce_ended(uow, await uow.sessions.end(row.user_id, now, session_id=row.id))
        await uow.commit()
    return view


async def end_other_sessions(deps: Deps, actor: Actor | None, *, token: str | None) -> int:
    """Sign out everywhere but here; how many sessions ended."""
    actor = require_signed_in(actor)
    async with UnitOfWork(deps) as uow:
        ended = await end_sessions_of_user(
            uow, actor.user_id, deps.now(), keep_digest=_digest(token)
        )
        await uow.commit()
    return ended
