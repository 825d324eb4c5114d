"""Batch reads for DataLoaders: one query per batch of ids, answers in the ids' order."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Table, select

from domain.invitations import InvitationState
from persistence.database import Database
from persistence.models import (
    AppointmentMoveRow,
    InvitationRow,
    PatientRow,
    ServiceRow,
    SessionSeriesRow,
    UserRow,
    practitioner_services,
    user_patients,
)

Row = TypeVar("Row")


async def by_id(database: Database, model: type[Row], ids: Sequence[int]) -> list[Row | None]:
    """Rows of one model by primary key; None where an id has no row."""
    primary_key: Any = model.id  # type: ignore[attr-defined]
    async with database.reader() as session:
        rows = (await session.execute(select(model).where(primary_key.in_(ids)))).scalars()
        found = {row.id: row for row in rows}  # type: ignore[attr-defined]
    return [found.get(i) for i in ids]


async def _through(
    database: Database,
    model: Any,
    link: Table,
    owner: str,
    target: str,
    ids: Sequence[int],
) -> list[list[Any]]:
    """Rows reached through a link table (e.g. a practitioner's services), per owner id."""
    owner_col, target_col = link.c[owner], link.c[target]
    query = (
        select(owner_col, model)
        .join(link, target_col == model.id)
        .where(owner_col.in_(ids))
        .order_by(model.id)
    )
    grouped: dict[int, list[Any]] = defaultdict(list)
    async with database.reader() as session:
        for owner_id, row in (await session.execute(query)).all():
            grouped[owner_id].append(row)
    return [grouped[i] for i in ids]


async def services_of_practitioners(
    database: Database, ids: Sequence[int]
) -> list[list[ServiceRow]]:
    return await _through(
        database, ServiceRow, practitioner_services, "practitioner_id", "service_id", ids
    )


async def users_of_patients(database: Database, ids: Sequence[int]) -> list[list[UserRow]]:
    return await _through(database, UserRow, user_patients, "patient_id", "user_id", ids)


async def patients_of_users(database: Database, ids: Sequence[int]) -> list[list[PatientRow]]:
    return await _through(database, PatientRow, user_patients, "user_id", "patient_id", ids)


async def sessions_of_practitioners(
    database: Database, ids: Sequence[int]
) -> list[list[SessionSeriesRow]]:
    query = (
        select(SessionSeriesRow)
        .where(SessionSeriesRow.practitioner_id.in_(ids))
        .order_by(SessionSeriesRow.id)
    )
    grouped: dict[int, list[SessionSeriesRow]] = defaultdict(list)
    async with database.reader() as session:
        for row in (await session.execute(query)).scalars():
            grouped[row.practitioner_id].append(row)
    return [grouped[i] for i in ids]


async def invited_patients(database: Database, ids: Sequence[int], now: datetime) -> list[bool]:
    """Whether each patient has a live (pending, unexpired) invitation."""
    query = select(InvitationRow.patient_id).where(
        InvitationRow.patient_id.in_(ids),
        InvitationRow.state == InvitationState.PENDING.value,
        InvitationRow.expires_at > now,
    )
    async with database.reader() as session:
        invited = set((await session.execute(query)).scalars())
    return [i in invited for i in ids]


async def moves_of_appointments(
    database: Database, ids: Sequence[int]
) -> list[list[AppointmentMoveRow]]:
    """Each appointment's moves, oldest first."""
    query = (
        select(AppointmentMoveRow)
        .where(AppointmentMoveRow.appointment_id.in_(ids))
        .order_by(AppointmentMoveRow.moved_at, AppointmentMoveRow.id)
    )
    grouped: dict[int, list[AppointmentMoveRow]] = defaultdict(list)
    async with database.reader() as session:
        for row in (await session.execute(query)).scalars():
            grouped[row.appointment_id].append(row)
    return [grouped[i] for i in ids]
