"""One-time links emailed to users (password resets, new email confirmations)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import exists, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from persistence.models import EmailLinkRow


class EmailLinkRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    def issue(
        self,
        user_id: int,
        purpose: str,
        digest: str,
        now: datetime,
        expires_at: datetime,
        new_email: str | None = None,
    ) -> None:
        """Stage a new link, known only by its token's digest."""
        self._session.add(
            EmailLinkRow(
                user_id=user_id,
                purpose=purpose,
                token_digest=digest,
                new_email=new_email,
                created_at=now,
                expires_at=expires_at,
            )
        )

    async def by_digest(self, digest: str) -> EmailLinkRow | None:
        """The link, locked for the rest of the transaction (SQLite's writers hold the
        whole database), so one use of it wins when two race."""
        query = select(EmailLinkRow).where(EmailLinkRow.token_digest == digest).with_for_update()
        return (await self._session.execute(query)).scalar_one_or_none()

    async def sent_since(self, user_id: int, purpose: str, since: datetime) -> bool:
        query = select(
            exists().where(
                EmailLinkRow.user_id == user_id,
                EmailLinkRow.purpose == purpose,
                EmailLinkRow.created_at > since,
            )
        )
        return bool((await self._session.execute(query)).scalar())

    async def close_open(self, user_id: int, purposes: Collection[str], now: datetime) -> None:
        """Make the user's unused links of these purposes unusable."""
        await self._session.execute(
            update(EmailLinkRow)
            .where(
                EmailLinkRow.user_id == user_id,
                EmailLinkRow.purpose.in_(list(purposes)),
                EmailLinkRow.used_at.is_(None),
            )
            .values(used_at=now)
            .execution_options(synchronize_session=False)
        )
