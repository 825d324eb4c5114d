"""What the clinic offers: locations, services, practitioners and their session series."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Exists, func, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from persistence.models import (
    ClinicRow,
    LocationRow,
    PractitionerRow,
    ServiceRow,
    SessionSeriesRow,
    practitioner_services,
)


@dataclass(frozen=True)
class Booking:
    """What a booking of a service with a practitioner is decided on: the clinic's
    settings, both rows, whether the one offers the other, the practitioner's sessions."""

    clinic: ClinicRow
    practitioner: PractitionerRow
    service: ServiceRow
    offered: bool
    sessions: list[SessionSeriesRow]


@dataclass(frozen=True, order=True)
class OnlineSchedule:
    practitioner_id: int
    location_id: int
    service_ids: tuple[int, ...]


def _bookable_online(today: date) -> list[ColumnElement[bool]]:
    """A session series of a practitioner with online access, open online, not ended."""
    return [
        PractitionerRow.online_access.is_(True),
        SessionSeriesRow.available_online.is_(True),
        or_(SessionSeriesRow.valid_until.is_(None), SessionSeriesRow.valid_until >= today),
    ]


class CatalogRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def flush(self) -> None:
        await self._session.flush()

    def add(self, *rows: LocationRow | ServiceRow | PractitionerRow | SessionSeriesRow) -> None:
        self._session.add_all(rows)

    async def location(self, location_id: int) -> LocationRow | None:
        return await self._session.get(LocationRow, location_id)

    async def service(self, service_id: int) -> ServiceRow | None:
        return await self._session.get(ServiceRow, service_id)

    async def practitioner(self, practitioner_id: int) -> PractitionerRow | None:
        return await self._session.get(PractitionerRow, practitioner_id)

    async def session_series(self, series_id: int) -> SessionSeriesRow | None:
        return await self._session.get(SessionSeriesRow, series_id)

    async def locations(self) -> Sequence[LocationRow]:
        query = select(LocationRow).order_by(LocationRow.id)
        return (await self._session.execute(query)).scalars().all()

    async def services(self) -> Sequence[ServiceRow]:
        query = select(ServiceRow).order_by(ServiceRow.id)
        return (await self._session.execute(query)).scalars().all()

    async def practitioners(self, only: Iterable[int] | None = None) -> Sequence[PractitionerRow]:
        query = select(PractitionerRow).order_by(PractitionerRow.id)
        if only is not None:
            query = query.where(PractitionerRow.id.in_(list(only)))
        return (await self._session.execute(query)).scalars().all()

    async def practitioner_count(self) -> int:
        query = select(func.count()).select_from(PractitionerRow)
        return int((await self._session.execute(query)).scalar_one())

    async def existing_service_ids(self, ids: Iterable[int]) -> set[int]:
        query = select(ServiceRow.id).where(ServiceRow.id.in_(list(ids)))
        return set((await self._session.execute(query)).scalars())

    async def offer_services(self, practitioner_id: int, service_ids: Iterable[int]) -> None:
        rows = [{"practitioner_id": practitioner_id, "service_id": i} for i in service_ids]
        if rows:
            await self._session.execute(practitioner_services.insert(), rows)

    async def sessions_of(self, practitioner_id: int) -> Sequence[SessionSeriesRow]:
        query = select(SessionSeriesRow).where(SessionSeriesRow.practitioner_id == practitioner_id)
        return (await self._session.execute(query)).scalars().all()

    async def offers_service(self, practitioner_id: int, service_id: int) -> bool:
        query = select(practitioner_services.c.service_id).where(
            practitioner_services.c.practitioner_id == practitioner_id,
            practitioner_services.c.service_id == service_id,
        )
        return (await self._session.execute(query)).first() is not None

    async def practitioners_offering(self, service_id: int) -> list[int]:
        """The practitioners who offer the service (online or not), by id."""
        query = select(practitioner_services.c.practitioner_id).where(
            practitioner_services.c.service_id == service_id
        )
        return sorted((await self._session.execute(query)).scalars())

    async def practitioner_and_service(
        self, practitioner_id: int, service_id: int
    ) -> tuple[PractitionerRow | None, ServiceRow | None, bool]:
        """Both rows and whether the practitioner offers the service, in one query."""
        offered = _offers(practitioner_id, service_id)
        query = (
            select(PractitionerRow, ServiceRow, offered)
            .join(ServiceRow, true())  # two single-row lookups side by side
            .where(PractitionerRow.id == practitioner_id, ServiceRow.id == service_id)
        )
        found = (await self._session.execute(query)).first()
        if found is None:  # one of them is missing: say which
            return await self.practitioner(practitioner_id), await self.service(service_id), False
        return found[0], found[1], bool(found[2])

    async def booking(self, practitioner_id: int, service_id: int) -> Booking | None:
        """Everything `Booking` holds in one query; None when the practitioner or the
        service (or the clinic row) is missing (`practitioner_and_service` says which)."""
        offered = _offers(practitioner_id, service_id)
        query = (
            select(ClinicRow, PractitionerRow, ServiceRow, offered, SessionSeriesRow)
            .select_from(ClinicRow)
            .join(PractitionerRow, PractitionerRow.id == practitioner_id)
            .join(ServiceRow, ServiceRow.id == service_id)
            .outerjoin(SessionSeriesRow, SessionSeriesRow.practitioner_id == PractitionerRow.id)
            .where(ClinicRow.id == 1)
            .order_by(SessionSeriesRow.id)
        )
        rows = (await self._session.execute(query)).all()
        if not rows:
            return None
        clinic, practitioner, service, is_offered, _ = rows[0]
        sessions = [r[4] for r in rows if r[4] is not None]
        return Booking(clinic, practitioner, service, bool(is_offered), sessions)

    async def online_practitioner_ids(self, today: date) -> set[int]:
        """Practitioners bookable online: online access and at least one online session
        series that has not ended."""
        query = (
            select(PractitionerRow.id)
            .join(SessionSeriesRow, SessionSeriesRow.practitioner_id == PractitionerRow.id)
            .where(*_bookable_online(today))
            .distinct()
        )
        return set((await self._session.execute(query)).scalars())

    async def online_schedules(self, today: date) -> list[OnlineSchedule]:
        """Each practitioner bookable online at each location where they have an online
        session series that has not ended, with the online services they offer."""
        places = (
            select(SessionSeriesRow.practitioner_id, SessionSeriesRow.location_id)
            .join(PractitionerRow, PractitionerRow.id == SessionSeriesRow.practitioner_id)
            .where(*_bookable_online(today))
            .distinct()
        )
        offered = (
            select(practitioner_services.c.practitioner_id, ServiceRow.id)
            .join(ServiceRow, ServiceRow.id == practitioner_services.c.service_id)
            .where(ServiceRow.bookable_online.is_(True))
        )
        services: dict[int, list[int]] = {}
        for practitioner_id, service_id in (await self._session.execute(offered)).all():
            services.setdefault(practitioner_id, []).append(service_id)
        return sorted(
            OnlineSchedule(p, loc, tuple(sorted(services.get(p, []))))
            for p, loc in (await self._session.execute(places)).all()
        )

    async def usual_location_id(self, practitioner_id: int) -> int | None:
        """Where the practitioner usually works (their first session), else the first location."""
        first_session = (
            select(SessionSeriesRow.location_id)
            .where(SessionSeriesRow.practitioner_id == practitioner_id)
            .order_by(SessionSeriesRow.id)
            .limit(1)
        )
        found = (await self._session.execute(first_session)).scalar_one_or_none()
        if found is None:
            first_location = select(LocationRow.id).order_by(LocationRow.id).limit(1)
            found = (await self._session.execute(first_location)).scalar_one_or_none()
        return None if found is None else int(found)


def _offers(practitioner_id: int, service_id: int) -> Exists:
    """Whether the practitioner offers the service, as a column of a larger query."""
    return (
        select(practitioner_services.c.service_id)
        .where(
            practitioner_services.c.practitioner_id == practitioner_id,
            practitioner_services.c.service_id == service_id,
        )
        .exists()
    )
