"""createSessionSeries and updateSessionSeries (staff)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from domain.actors import Actor
from domain.errors import InvalidInput, found
from domain.policy import require_staff
from domain.validation import (
    parse_clock,
    parse_id,
    require_valid_dates,
    require_weekday,
)
from persistence.models import SessionSeriesRow
from resolvers.deps import Deps
from resolvers.unit_of_work import UnitOfWork


@dataclass
class SessionSeriesInput:
    """The schema's input type is this class, with ids typed as GraphQL IDs."""

    practitioner_id: str
    location_id: str
    weekday: int
    start_time: str
    end_time: str
    valid_from: date
    valid_until: date | None = None
    available_online: bool = True


async def create_session_series(
    deps: Deps, actor: Actor | None, data: SessionSeriesInput
) -> SessionSeriesRow:
    require_staff(actor)
    practitioner_id = parse_id(data.practitioner_id, "practitionerId")
    location_id = parse_id(data.location_id, "locationId")
    weekday = require_weekday(data.weekday)
    start = parse_clock(data.start_time, "startTime")
    end = parse_clock(data.end_time, "endTime")
    if end <= start:
        raise InvalidInput("endTime must be after startTime.", "endTime")
    require_valid_dates(data.valid_from, data.valid_until)
    async with UnitOfWork(deps) as uow:
        if await uow.catalog.practitioner(practitioner_id) is None:
            raise InvalidInput("No such practitioner.", "practitionerId")
        if await uow.catalog.location(location_id) is None:
            raise InvalidInput("No such location.", "locationId")
        row = SessionSeriesRow(
            practitioner_id=practitioner_id,
            location_id=location_id,
            weekday=weekday,
            start_time=start,
            end_time=end,
            valid_from=data.valid_from,
            valid_until=data.valid_until,
            available_online=data.available_online,
        )
        uow.catalog.add(row)
        await uow.commit()
    return row


async def update_session_series(
    deps: Deps,
    actor: Actor | None,
    *,
    session_series_id: str,
    available_online: bool | None,
    valid_until: date | None,
) -> SessionSeriesRow:
    """Switch a series in or out of online booking, or end it on a date."""
    require_staff(actor)
    key = parse_id(session_series_id, "sessionSeriesId")
    async with UnitOfWork(deps) as uow:
        row = found(await uow.catalog.session_series(key), "No such session series.")
        if available_online is not None:
            row.available_online = available_online
        if valid_until is not None:
            require_valid_dates(row.valid_from, valid_until)
            row.valid_until = valid_until
        await uow.commit()
    return row
