"""Invitations for an email to manage a patient."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.paging import INVITATIONS, Page, PageRequest
from persistence import keyset
from persistence.models import InvitationRow


class InvitationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, invitation_id: int, *, lock: bool = False) -> InvitationRow | None:
        return await self._session.get(InvitationRow, invitation_id, with_for_update=lock)

    async def add(self, row: InvitationRow) -> InvitationRow:
        """Stage a new invitation and give it its id (its link needs the id)."""
        self._session.add(row)
        await self._session.flush()
        return row

    async def listed(self, patient_id: int | None) -> Sequence[InvitationRow]:
        """Newest first; all, or one patient's."""
        query = select(InvitationRow).order_by(
            InvitationRow.sent_at.desc(), InvitationRow.id.desc()
        )
        if patient_id is not None:
            query = query.where(InvitationRow.patient_id == patient_id)
        return (await self._session.execute(query)).scalars().all()

    async def page(self, patient_id: int | None, request: PageRequest) -> Page[InvitationRow]:
        """A page of invitations, newest made first; all, or one patient's."""
        keys = (InvitationRow.created_at, InvitationRow.id)
        return await keyset.read_page(
            self._session, _of_patient(patient_id), keys, INVITATIONS, request
        )

    async def count(self, patient_id: int | None) -> int:
        return await keyset.count(self._session, _of_patient(patient_id))

    async def move_patient(self, from_patient_id: int, to_patient_id: int) -> None:
        await self._session.execute(
            update(InvitationRow)
            .where(InvitationRow.patient_id == from_patient_id)
            .values(patient_id=to_patient_id)
            .execution_options(synchronize_session=False)
        )


def _of_patient(patient_id: int | None) -> Select[Any]:
    query = select(InvitationRow)
    if patient_id is not None:
        query = query.where(InvitationRow.patient_id == patient_id)
    return query
