"""Online users, the patients they manage, and their bearer tokens."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Select, String, bindparam, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.actors import UserKind
from persistence.models import AuthTokenRow, UserRow, user_patients


@cache
def _token_query() -> Select[Any]:
    """Built once (every signed-in request asks it), bound per call."""
    return (
        select(UserRow, user_patients.c.patient_id)
        .join(AuthTokenRow, AuthTokenRow.user_id == UserRow.id)
        .outerjoin(user_patients, user_patients.c.user_id == UserRow.id)
        .where(
            AuthTokenRow.token_digest == bindparam("digest", type_=String),
            AuthTokenRow.revoked_at.is_(None),
            AuthTokenRow.expires_at > bindparam("now", type_=AuthTokenRow.expires_at.type),
            UserRow.disabled_at.is_(None),
        )
    )


class UserRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, user_id: int) -> UserRow | None:
        return await self._session.get(UserRow, user_id)

    async def by_email(self, email: str) -> UserRow | None:
        query = select(UserRow).where(UserRow.email == email)
        return (await self._session.execute(query)).scalar_one_or_none()

    async def add(self, row: UserRow) -> UserRow:
        """Stage a new user and give it its id."""
        self._session.add(row)
        await self._session.flush()
        return row

    async def for_token(self, digest: str, now: datetime) -> tuple[UserRow, frozenset[int]] | None:
        """The user behind a live token and the patients they manage, in one query."""
        rows = (await self._session.execute(_token_query(), {"digest": digest, "now": now})).all()
        if not rows:
            return None
        return rows[0][0], frozenset(p for _, p in rows if p is not None)

    async def is_vouched_for(self, user_id: int) -> bool:
        """Whether staff have vouched for the user (linked, confirmed, merged, invited,
        created): all but a self-registered provisional patient, who must verify their
        email instead (`uow.verifications.verified_email`)."""
        query = select(UserRow.kind).where(UserRow.id == user_id)
        kind = (await self._session.execute(query)).scalar_one_or_none()
        return kind is not None and kind != UserKind.PROVISIONAL_PATIENT.value

    async def patient_ids(self, user_id: int) -> frozenset[int]:
        query = select(user_patients.c.patient_id).where(user_patients.c.user_id == user_id)
        return frozenset((await self._session.execute(query)).scalars())

    async def ids_managing(self, patient_id: int) -> Sequence[int]:
        query = select(user_patients.c.user_id).where(user_patients.c.patient_id == patient_id)
        return (await self._session.execute(query)).scalars().all()

    async def link(self, user_id: int, patient_id: int) -> None:
        """Let the user manage the patient (nothing changes if they already do)."""
        existing = await self._session.execute(
            select(user_patients.c.user_id).where(
                user_patients.c.user_id == user_id, user_patients.c.patient_id == patient_id
            )
        )
        if existing.first() is None:
            await self._session.execute(
                user_patients.insert().values(user_id=user_id, patient_id=patient_id)
            )

    async def unlink_patient(self, patient_id: int) -> None:
        await self._session.execute(
            delete(user_patients).where(user_patients.c.patient_id == patient_id)
        )

    async def admit_provisional(
        self, *, user_id: int | None = None, patient_id: int | None = None
    ) -> None:
        """A provisional patient user becomes a patient user: the one user, or every user
        managing the patient."""
        query = update(UserRow).where(UserRow.kind == UserKind.PROVISIONAL_PATIENT.value)
        if user_id is not None:
            query = query.where(UserRow.id == user_id)
        if patient_id is not None:
            managing = select(user_patients.c.user_id).where(
                user_patients.c.patient_id == patient_id
            )
            query = query.where(UserRow.id.in_(managing))
        await self._session.execute(
            query.values(kind=UserKind.PATIENT.value).execution_options(synchronize_session=False)
        )

    def add_token(self, row: AuthTokenRow) -> None:
        self._session.add(row)

    async def revoke_token(self, digest: str, now: datetime) -> bool:
        """Revoke a live token; False when there was none to revoke."""
        result = await self._session.execute(
            update(AuthTokenRow)
            .where(AuthTokenRow.token_digest == digest, AuthTokenRow.revoked_at.is_(None))
            .values(revoked_at=now)
        )
        return bool(getattr(result, "rowcount", 0))
