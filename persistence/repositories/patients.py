"""Patient records, provisional ones from online registrations included."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.paging import PATIENTS, REGISTRATIONS, Page, PageRequest
from persistence import keyset
from persistence.models import PatientRow, user_patients

SEARCH_LIMIT = 200
CANDIDATE_LIMIT = 500


def like_literal(text: str) -> str:
    """Text matched literally inside a LIKE pattern: % and _ are not wildcards."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class PatientRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, patient_id: int) -> PatientRow | None:
        return await self._session.get(PatientRow, patient_id)

    async def get_locked(self, patient_id: int) -> PatientRow | None:
        """The row locked for this transaction (PostgreSQL) and read afresh."""
        return await self._session.get(
            PatientRow, patient_id, with_for_update=True, populate_existing=True
        )

    async def add(self, row: PatientRow) -> PatientRow:
        """Stage a new record and give it its id."""
        self._session.add(row)
        await self._session.flush()
        return row

    async def delete(self, row: PatientRow) -> None:
        await self._session.delete(row)
        await self._session.flush()

    async def by_ids(self, ids: Sequence[int]) -> dict[int, PatientRow]:
        query = select(PatientRow).where(PatientRow.id.in_(list(ids)))
        return {p.id: p for p in (await self._session.execute(query)).scalars()}

    async def search(self, search: str | None, limit: int = SEARCH_LIMIT) -> Sequence[PatientRow]:
        """Existing (not provisional) patients whose name or email contains the text."""
        query = _searched(search).order_by(PatientRow.name)
        return (await self._session.execute(query.limit(limit))).scalars().all()

    async def search_page(self, search: str | None, request: PageRequest) -> Page[PatientRow]:
        """A page of `search`'s patients by name, then id."""
        keys = (PatientRow.name, PatientRow.id)
        return await keyset.read_page(self._session, _searched(search), keys, PATIENTS, request)

    async def search_count(self, search: str | None) -> int:
        return await keyset.count(self._session, _searched(search))

    async def registrations(self) -> Sequence[PatientRow]:
        """Provisional profiles from online registrations, oldest first."""
        query = _registrations().order_by(PatientRow.created_at, PatientRow.id)
        return (await self._session.execute(query)).scalars().all()

    async def registrations_page(self, request: PageRequest) -> Page[PatientRow]:
        keys = (PatientRow.created_at, PatientRow.id)
        return await keyset.read_page(self._session, _registrations(), keys, REGISTRATIONS, request)

    async def registrations_count(self) -> int:
        return await keyset.count(self._session, _registrations())

    async def provisional_of_user(self, user_id: int) -> Sequence[PatientRow]:
        query = (
            select(PatientRow)
            .join(user_patients, user_patients.c.patient_id == PatientRow.id)
            .where(user_patients.c.user_id == user_id, PatientRow.provisional.is_(True))
        )
        return (await self._session.execute(query)).scalars().all()

    async def match_candidates(self, candidate: PatientRow) -> Sequence[PatientRow]:
        """Existing patients sharing a birth date, an email, a phone or a name word."""
        conditions = []
        if candidate.birth_date is not None:
            conditions.append(PatientRow.birth_date == candidate.birth_date)
        if candidate.email:
            conditions.append(PatientRow.email == candidate.email)
        if candidate.phone:
            conditions.append(PatientRow.phone == candidate.phone)
        for word in candidate.name.lower().split():
            if len(word) >= 3:
                conditions.append(PatientRow.name.ilike(f"%{like_literal(word)}%", escape="\\"))
        if not conditions:
            return []
        query = (
            select(PatientRow)
            .where(PatientRow.provisional.is_(False), or_(*conditions))
            .limit(CANDIDATE_LIMIT)
        )
        return (await self._session.execute(query)).scalars().all()


def _searched(search: str | None) -> Select[Any]:
    """Existing (not provisional) patients whose name or email contains the text."""
    query = select(PatientRow).where(PatientRow.provisional.is_(False))
    if search:
        pattern = f"%{like_literal(search.strip().lower())}%"
        query = query.where(
            or_(
                func.lower(PatientRow.name).like(pattern, escape="\\"),
                func.lower(PatientRow.email).like(pattern, escape="\\"),
            )
        )
    return query


def _registrations() -> Select[Any]:
    """Provisional profiles from online registrations."""
    return select(PatientRow).where(PatientRow.provisional.is_(True))
