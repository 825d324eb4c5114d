"""Sign-in sessions: the bearer tokens of a user, by their SHA-256 digest.

A session is live while it is neither revoked nor expired. Ending sessions answers the
digests it ended, so the sockets signed in with them can be closed on every process.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from persistence.models import AuthTokenRow

#: How many digests one `IN (…)` carries when re-checking a process's open sockets.
CHUNK = 500


def _live(now: datetime) -> ColumnElement[bool]:
    return (AuthTokenRow.revoked_at.is_(None)) & (AuthTokenRow.expires_at > now)


class SessionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def live_of_user(self, user_id: int, now: datetime) -> Sequence[AuthTokenRow]:
        """The user's live sessions, newest first."""
        query = (
            select(AuthTokenRow)
            .where(AuthTokenRow.user_id == user_id, _live(now))
            .order_by(AuthTokenRow.created_at.desc(), AuthTokenRow.id.desc())
        )
        return (await self._session.execute(query)).scalars().all()

    async def get_live(self, session_id: int, now: datetime) -> AuthTokenRow | None:
        query = select(AuthTokenRow).where(AuthTokenRow.id == session_id, _live(now))
        return (await self._session.execute(query)).scalar_one_or_none()

    async def live_by_digest(self, digest: str, now: datetime) -> AuthTokenRow | None:
        query = select(AuthTokenRow).where(AuthTokenRow.token_digest == digest, _live(now))
        return (await self._session.execute(query)).scalar_one_or_none()

    async def live_digests(self, digests: Collection[str], now: datetime) -> set[str]:
        """Which of these digests still belong to live sessions."""
        wanted = sorted(digests)
        live: set[str] = set()
        for start in range(0, len(wanted), CHUNK):
            query = select(AuthTokenRow.token_digest).where(
                AuthTokenRow.token_digest.in_(wanted[start : start + CHUNK]), _live(now)
            )
            live.update((await self._session.execute(query)).scalars())
        return live

    async def end(
        self,
        user_id: int,
        now: datetime,
        *,
        session_id: int | None = None,
        keep_digest: str | None = None,
    ) -> list[str]:
        """Revoke the user's live sessions (one, or all but `keep_digest`); the digests
        of those it ended."""
        query = update(AuthTokenRow).where(AuthTokenRow.user_id == user_id, _live(now))
        if session_id is not None:
            query = query.where(AuthTokenRow.id == session_id)
        if keep_digest is not None:
            query = query.where(AuthTokenRow.token_digest != keep_digest)
        result = await self._session.execute(
            query.values(revoked_at=now)
            .returning(AuthTokenRow.token_digest)
            .execution_options(synchronize_session=False)
        )
        return list(result.scalars())

    async def mark_used(self, digests: Collection[str], now: datetime) -> None:
        """Note that these sessions were used now."""
        wanted = sorted(digests)
        for start in range(0, len(wanted), CHUNK):
            await self._session.execute(
                update(AuthTokenRow)
                .where(AuthTokenRow.token_digest.in_(wanted[start : start + CHUNK]))
                .values(last_used_at=now)
                .execution_options(synchronize_session=False)
            )
