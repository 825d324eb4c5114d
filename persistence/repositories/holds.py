"""Placing a hold: the lapse of expired holds on its slot, the holder's share of the
diary as it was, and the insert, in one round trip where the database allows it."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import Integer, Select, String, bindparam, func, insert, select, true
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from domain.errors import TimeTaken
from domain.throttling import DiaryShare
from persistence.database import is_overlap_violation
from persistence.models import AppointmentRow
from persistence.repositories.appointment_sql import (
    LAPSED_COLUMNS,
    TEMPORARY,
    LapsedHold,
    lapse_overlapping,
    lapsed_holds,
    live_condition,
)

#: The columns a hold is inserted with, each bound as "new_" and its name (a bound name
#: equal to a column's would collide with the statement's own).
_HOLD_COLUMNS = (
    "status",
    "practitioner_id",
    "service_id",
    "location_id",
    "start_at",
    "end_at",
    "hold_expires_at",
    "patient_response",
    "created_online",
    "created_by_id",
    "created_at",
    "client_key",
    "hold_origin",
)


@dataclass(frozen=True)
class PlacedHold:
    """A hold put in the diary (not yet committed), the expired holds it lapsed on its
    slot, and the holder's share of the diary just before it."""

    id: int
    lapsed: list[LapsedHold]
    share: DiaryShare


class HoldRepository:
    def __init__(self, session: AsyncSession, *, one_statement: bool) -> None:
        self._session = session
        self._one_statement = one_statement

    async def place(self, row: AppointmentRow) -> PlacedHold:
        """Put the hold `row` in the diary, or raise TimeTaken; `row` gets
        its id. Expired holds overlapping it are lapsed first (the database cannot read
        the clock), then the insert, which the exclusion constraint (or trigger) refuses
        when a live appointment overlaps, whether it was there before or raced in. The
        share is counted as the diary was before: the caller's policy may still refuse
        the hold, and rolling back takes it out again."""
        values = {
            "now": row.created_at,
            "of_practitioner": row.practitioner_id,
            "start": row.start_at,
            "end": row.end_at,
            "user_id": row.created_by_id,
            "origin": row.hold_origin,
            **{f"new_{name}": getattr(row, name) for name in _HOLD_COLUMNS},
        }
        try:
            if self._one_statement:
                placed = await self._in_one_statement(values)
            else:
                placed = await self._in_three_statements(values)
        except IntegrityError as error:
            if is_overlap_violation(error):
                raise TimeTaken from None
            raise
        row.id = placed.id
        return placed

    async def _in_one_statement(self, values: dict[str, Any]) -> PlacedHold:
        rows = (await self._session.execute(_place_in_one(), values)).all()
        lapsed = lapsed_holds([r[5:] for r in rows if r[5] is not None])
        return PlacedHold(rows[0][0], lapsed, _share(rows[0][1:5]))

    async def _in_three_statements(self, values: dict[str, Any]) -> PlacedHold:
        share = _share((await self._session.execute(_share_query(), values)).one())
        lapsed = lapsed_holds((await self._session.execute(lapse_overlapping(), values)).all())
        placed = (await self._session.execute(_insert_hold(), values)).scalar_one()
        return PlacedHold(placed, lapsed, share)


def _share(found: Any) -> DiaryShare:
    holds, slots, address_holds, next_lapse = found
    return DiaryShare(int(holds), int(slots), int(address_holds), next_lapse)


@cache
def _share_columns() -> tuple[Any, ...]:
    """The user's live holds, their live appointments, the origin's live holds and the
    first of those to lapse: four scalar subqueries, built once, bound per call."""
    user_id = bindparam("user_id", type_=Integer)
    origin = bindparam("origin", type_=String)
    now = bindparam("now", type_=AppointmentRow.hold_expires_at.type)
    is_hold = AppointmentRow.status == TEMPORARY
    mine = (
        AppointmentRow.created_by_id == user_id,
        live_condition(now),
        AppointmentRow.end_at > now,
    )
    from_origin = (
        AppointmentRow.hold_origin == origin,
        is_hold,
        AppointmentRow.hold_expires_at > now,
    )
    return (
        select(func.count()).where(*mine, is_hold).scalar_subquery(),
        select(func.count()).where(*mine).scalar_subquery(),
        select(func.count()).where(*from_origin).scalar_subquery(),
        select(func.min(AppointmentRow.hold_expires_at)).where(*from_origin).scalar_subquery(),
    )


@cache
def _share_query() -> Select[Any]:
    return select(*_share_columns())


def _new(name: str) -> Any:
    return bindparam(f"new_{name}", type_=AppointmentRow.__table__.c[name].type)


@cache
def _insert_hold() -> Any:
    return (
        insert(AppointmentRow)
        .values({name: _new(name) for name in _HOLD_COLUMNS})
        .returning(AppointmentRow.id)
    )


@cache
def _place_in_one() -> Select[Any]:
    """PostgreSQL's one statement. The insert makes its row only after reading the
    lapse's count, so the lapse has run to completion and the exclusion constraint finds
    the expired holds already lapsed; the share's subqueries see the diary as the
    statement found it. One row per lapsed hold, at least one."""
    lapsed = lapse_overlapping().cte("lapsed")
    after_lapse = select(func.count()).select_from(lapsed).scalar_subquery()
    source = select(*(_new(name) for name in _HOLD_COLUMNS)).where(after_lapse >= 0)
    placed = (
        insert(AppointmentRow)
        .from_select(list(_HOLD_COLUMNS), source)
        .returning(AppointmentRow.id)
        .cte("placed")
    )
    return select(
        placed.c.id, *_share_columns(), *(lapsed.c[c.key] for c in LAPSED_COLUMNS)
    ).select_from(placed.outerjoin(lapsed, true()))
