"""Ending sign-in sessions, for any use case: their tokens stop working at the commit,
and every process closes the websockets signed in with them (code 4401)."""

from __future__ import annotations

from datetime import datetime

from resolvers.unit_of_work import UnitOfWork
from subscriptions.events import SessionsEnded


def announce_ended(uow: UnitOfWork, digests: list[str]) -> None:
    """After the commit, tell every process to close the sockets of these sessions."""
    if digests:
        uow.emit(SessionsEnded(tuple(digests)))


async def end_sessions_of_user(
    uow: UnitOfWork, user_id: int, now: datetime, *, keep_digest: str | None = None
) -> int:
    """End every live session of the user (but the one whose token digest is
    `keep_digest`, if given), in the caller's transaction; how many ended.

    For logout-everywhere, password changes and resets, and disabling a user."""
    digests = await uow.sessions.end(user_id, now, keep_digest=keep_digest)
    announce_ended(uow, digests)
    return len(digests)
