"""Placing a hold: the lapse of expired holds on its slot, the holder's share of the
diary as it was, and the insert, in one round trip where the database allows it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any
from typing import cast as typed

from sqlalchemy import (
    Integer,
    Select,
    String,
    Table,
    Text,
    bindparam,
    cast,
    func,
    insert,
    select,
    true,
    union_all,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from domain.errors import TimeTaken
from domain.throttling import DiaryShare
from persistence.database import is_overlap_violation
from persistence.models import AppointmentRow, EventOutboxRow
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
    "held_by_client_id",
    "created_at",
    "client_key",
    "hold_origin",
    "reschedule_count",
    "sequence",
)


#: Stands for the new hold's id in the payload of an event staged with it: the statement
#: that inserts the hold writes the event with the id in its place.
NEW_ID = -7_777_777_777


@dataclass(frozen=True)
class PlacedHold:
    """A hold put in the diary (not yet committed), the expired holds it lapsed on its
    slot, the holder's share of the diary just before it, and whether the events given
    with it were written in the same statement (else the caller stages them)."""

    id: int
    lapsed: list[LapsedHold]
    share: DiaryShare
    events_written: bool = False


class HoldRepository:
    def __init__(self, session: AsyncSession, *, one_statement: bool) -> None:
        self._session = session
        self._one_statement = one_statement

    async def place(self, row: AppointmentRow, events: Sequence[EventOutboxRow] = ()) -> PlacedHold:
        """Put the hold `row` in the diary, or raise TimeTaken; `row` gets
        its id. Expired holds overlapping it are lapsed first (the database cannot read
        the clock), then the insert, which the exclusion constraint (or trigger) refuses
        when a live appointment overlaps, whether it was there before or raced in. The
        share is counted as the diary was before: the caller's policy may still refuse
        the hold, and rolling back takes it out again.

        `events` are the hold's own staged events, `NEW_ID` in their payloads standing
        for its id; on PostgreSQL the same statement writes them (no round trip of their
        own). Either way their payloads carry the id afterwards."""
        values = {
            "now": row.created_at,
            "of_practitioner": row.practitioner_id,
            "start": row.start_at,
            "end": row.end_at,
            "user_id": row.created_by_id,
            "origin": row.hold_origin,
            **{f"new_{name}": getattr(row, name) for name in _HOLD_COLUMNS},
        }
        halves = [_around_new_id(event.body) for event in events]
        shapes = tuple(tail is not None for _, tail in halves)
        try:
            if self._one_statement:
                given = {**values, **_event_values(events, halves)}
                placed = await self._in_one_statement(given, shapes)
            else:
                placed = await self._in_three_statements(values)
        except IntegrityError as error:
            if is_overlap_violation(error):
                raise TimeTaken from None
            raise
        row.id = placed.id
        for event, (head, tail) in zip(events, halves, strict=True):
            event.body = head if tail is None else f"{head}{placed.id}{tail}"
        return placed

    async def _in_one_statement(
        self, values: dict[str, Any], shapes: tuple[bool, ...]
    ) -> PlacedHold:
        rows = (await self._session.execute(_place_in_one(shapes), values)).all()
        lapsed = lapsed_holds([r[5:] for r in rows if r[5] is not None])
        share = _share(rows[0][1:5])
        return PlacedHold(rows[0][0], lapsed, share, events_written=bool(shapes))

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
def _place_in_one(shapes: tuple[bool, ...]) -> Select[Any]:
    """PostgreSQL's one statement. The insert makes its row only after reading the
    lapse's count, so the lapse has run to completion and the exclusion constraint finds
    the expired holds already lapsed; the share's subqueries see the diary as the
    statement found it; the hold's events are written beside it (one per shape: whether
    the new id is spliced into its payload). One row per lapsed hold, at least one."""
    lapsed = lapse_overlapping().cte("lapsed")
    after_lapse = select(func.count()).select_from(lapsed).scalar_subquery()
    source = select(*(_new(name) for name in _HOLD_COLUMNS)).where(after_lapse >= 0)
    placed = (
        insert(AppointmentRow)
        .from_select(list(_HOLD_COLUMNS), source)
        .returning(AppointmentRow.id)
        .cte("placed")
    )
    answer = select(
        placed.c.id, *_share_columns(), *(lapsed.c[c.key] for c in LAPSED_COLUMNS)
    ).select_from(placed.outerjoin(lapsed, true()))
    if not shapes:
        return answer
    return answer.add_cte(_events_with(placed, shapes))


def _events_with(placed: Any, shapes: tuple[bool, ...]) -> Any:
    """The INSERT of the hold's staged events, written only if the hold is."""
    new_id = cast(placed.c.id, Text)
    rows = []
    for n, spliced in enumerate(shapes):
        body: Any = bindparam(f"event{n}_head", type_=Text)
        if spliced:
            body = body + new_id + bindparam(f"event{n}_tail", type_=Text)
        rows.append(
            select(
                bindparam(f"event{n}_id", type_=String),
                bindparam(f"event{n}_channels", type_=Text),
                body,
                bindparam("now", type_=EventOutboxRow.created_at.type),
            ).select_from(placed)
        )
    table = typed(Table, EventOutboxRow.__table__)
    columns = ["event_id", "channels", "body", "created_at"]
    return insert(table).from_select(columns, union_all(*rows)).cte("staged")


def _around_new_id(body: str) -> tuple[str, str | None]:
    """A payload split where the new id goes; (all of it, None) when it has none."""
    head, found, tail = body.partition(str(NEW_ID))
    return (head, tail) if found else (body, None)


def _event_values(
    events: Sequence[EventOutboxRow], halves: list[tuple[str, str | None]]
) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for n, (event, (head, tail)) in enumerate(zip(events, halves, strict=True)):
        values |= {
            f"event{n}_id": event.event_id,
            f"event{n}_channels": event.channels,
            f"event{n}_head": head,
        }
        if tail is not None:
            values[f"event{n}_tail"] = tail
    return values
