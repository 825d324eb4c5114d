"""The clinic row: name, time zone and settings."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from persistence.models import ClinicRow


class ClinicRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self) -> ClinicRow:
        row = await self._session.get(ClinicRow, 1)
        if row is None:
            raise LookupError(
                "the clinic row is missing; run `portal migrate` and `portal demo-data`"
            )
        return row

    async def exists(self) -> bool:
        return await self._session.get(ClinicRow, 1) is not None

    def add(self, row: ClinicRow) -> None:
        self._session.add(row)
