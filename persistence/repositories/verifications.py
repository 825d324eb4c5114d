"""Email verification links, and which addresses their use has proved.

An address is verified for a user while some used link of theirs was sent to the email the
account has now: a changed email is unverified again without anything to reset.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from persistence.database import Database
from persistence.models import EmailVerificationRow, UserRow, user_patients

#: A user's current email, proved by one of their used links.
_PROVED = and_(
    EmailVerificationRow.user_id == UserRow.id,
    EmailVerificationRow.email == UserRow.email,
    EmailVerificationRow.used_at.is_not(None),
)


class EmailVerificationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, row: EmailVerificationRow) -> EmailVerificationRow:
        """Stage a new link and give it its id (the token needs the id)."""
        self._session.add(row)
        await self._session.flush()
        return row

    async def get(self, verification_id: int, *, lock: bool = False) -> EmailVerificationRow | None:
        return await self._session.get(
            EmailVerificationRow, verification_id, with_for_update=lock, populate_existing=lock
        )

    async def last_sent(self, user_id: int) -> datetime | None:
        query = select(func.max(EmailVerificationRow.sent_at)).where(
            EmailVerificationRow.user_id == user_id
        )
        return (await self._session.execute(query)).scalar_one_or_none()

    async def verified_email(self, user_id: int) -> str | None:
        """The user's email when they have proved it, else None."""
        query = (
            select(UserRow.email).join(EmailVerificationRow, _PROVED).where(UserRow.id == user_id)
        )
        return (await self._session.execute(query.limit(1))).scalar_one_or_none()

    async def verified_emails_of_patient(self, patient_id: int) -> frozenset[str]:
        """The proved emails of the users who manage a patient (a registrant, for a
        provisional patient)."""
        query = (
            select(UserRow.email)
            .join(user_patients, user_patients.c.user_id == UserRow.id)
            .join(EmailVerificationRow, _PROVED)
            .where(user_patients.c.patient_id == patient_id)
        )
        return frozenset((await self._session.execute(query)).scalars())


async def users_verified(database: Database, ids: Sequence[int]) -> list[bool]:
    """For a DataLoader: whether each user has proved their current email."""
    query = select(UserRow.id).join(EmailVerificationRow, _PROVED).where(UserRow.id.in_(ids))
    async with database.reader() as session:
        verified = set((await session.execute(query)).scalars())
    return [i in verified for i in ids]
