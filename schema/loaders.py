"""DataLoaders: each relation loads in one query per batch, whatever the row count."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import Table, select
from strawberry.dataloader import DataLoader

from persistence.database import Database
from persistence.models import (
    InvitationRow,
    LocationRow,
    PatientRow,
    PractitionerRow,
    ServiceRow,
    SessionSeriesRow,
    UserRow,
    practitioner_services,
    user_patients,
)

Row = TypeVar("Row")


def _by_id(database: Database, model: type[Row]) -> DataLoader[int, Row | None]:
    async def load(ids: list[int]) -> Sequence[Row | None]:
        async with database.reader() as session:
            rows = (await session.execute(select(model).where(model.id.in_(ids)))).scalars()  # type: ignore[attr-defined]
            found = {row.id: row for row in rows}  # type: ignore[attr-defined]
        return [found.get(i) for i in ids]

    return DataLoader(load_fn=load)


def _through(
    database: Database, model: type[Row], link: Table, owner: str, target: str, order: Any
) -> DataLoader[int, list[Row]]:
    """Rows reached through a link table (e.g. a practitioner's services), per owner id."""

    async def load(ids: list[int]) -> Sequence[list[Row]]:
        owner_col, target_col = link.c[owner], link.c[target]
        query = (
            select(owner_col, model)
            .join(link, target_col == model.id)  # type: ignore[attr-defined]
            .where(owner_col.in_(ids))
            .order_by(order)
        )
        grouped: dict[int, list[Row]] = defaultdict(list)
        async with database.reader() as session:
            for owner_id, row in (await session.execute(query)).all():
                grouped[owner_id].append(row)
        return [grouped[i] for i in ids]

    return DataLoader(load_fn=load)


def _children(
    database: Database, model: type[Row], key: Callable[[Row], int], column: Any, order: Any
) -> DataLoader[int, list[Row]]:
    async def load(ids: list[int]) -> Sequence[list[Row]]:
        grouped: dict[int, list[Row]] = defaultdict(list)
        async with database.reader() as session:
            rows = (
                await session.execute(select(model).where(column.in_(ids)).order_by(order))
            ).scalars()
            for row in rows:
                grouped[key(row)].append(row)
        return [grouped[i] for i in ids]

    return DataLoader(load_fn=load)


def _invited(database: Database) -> DataLoader[int, bool]:
    """Whether each patient has a live (pending, unexpired) invitation."""

    async def load(ids: list[int]) -> Sequence[bool]:
        now = datetime.now(UTC)
        async with database.reader() as session:
            query = select(InvitationRow.patient_id).where(
                InvitationRow.patient_id.in_(ids),
                InvitationRow.state == "PENDING",
                InvitationRow.expires_at > now,
            )
            invited = set((await session.execute(query)).scalars())
        return [i in invited for i in ids]

    return DataLoader(load_fn=load)


class Loaders:
    """Made fresh per request (and per subscription event)."""

    def __init__(self, database: Database) -> None:
        self.invited = _invited(database)
        self.patient = _by_id(database, PatientRow)
        self.practitioner = _by_id(database, PractitionerRow)
        self.service = _by_id(database, ServiceRow)
        self.location = _by_id(database, LocationRow)
        self.user = _by_id(database, UserRow)
        self.practitioner_services = _through(
            database,
            ServiceRow,
            practitioner_services,
            "practitioner_id",
            "service_id",
            ServiceRow.id,
        )
        self.patient_users = _through(
            database, UserRow, user_patients, "patient_id", "user_id", UserRow.id
        )
        self.user_patients = _through(
            database, PatientRow, user_patients, "user_id", "patient_id", PatientRow.id
        )
        self.practitioner_sessions = _children(
            database,
            SessionSeriesRow,
            lambda row: row.practitioner_id,
            SessionSeriesRow.practitioner_id,
            SessionSeriesRow.id,
        )
