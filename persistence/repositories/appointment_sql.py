"""The diary's conditions and statements in SQL: what is live and shown, which holds
lapse (with the statement a hold's hot path uses, built once), and which appointments a
scope admits."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Integer, Select, and_, bindparam, false, or_, select, update
from sqlalchemy.sql.elements import ColumnElement

from domain.appointments import (
    HIDDEN_STATUSES,
    LIVE_STATUSES,
    PENDING_STATUSES,
    AppointmentFilter,
    AppointmentStatus,
)
from domain.policy import AppointmentScope
from persistence.models import AppointmentRow

LIVE = tuple(sorted(s.value for s in LIVE_STATUSES))
HIDDEN = tuple(sorted(s.value for s in HIDDEN_STATUSES))
TEMPORARY = AppointmentStatus.TEMPORARY.value
LAPSED = AppointmentStatus.LAPSED.value


def live_condition(
    now: datetime | ColumnElement[Any], row: Any = AppointmentRow
) -> ColumnElement[bool]:
    """SQL form of domain.appointments.is_live: expired holds are never live."""
    return and_(row.status.in_(LIVE), or_(row.status != TEMPORARY, row.hold_expires_at > now))


def shown() -> ColumnElement[bool]:
    """SQL form of domain.appointments.is_shown: lapsed holds are never shown."""
    return AppointmentRow.status.not_in(HIDDEN)


@dataclass(frozen=True)
class LapsedHold:
    id: int
    practitioner_id: int
    start_at: datetime
    end_at: datetime
    created_by_id: int | None


@cache
def lapse_overlapping() -> Any:
    """`lapse_expired` for one slot, built once (a hold's hot path), bound per call."""
    at = AppointmentRow.start_at.type
    return (
        update(AppointmentRow)
        .where(
            AppointmentRow.status == TEMPORARY,
            AppointmentRow.hold_expires_at <= bindparam("now", type_=at),
            AppointmentRow.practitioner_id == bindparam("of_practitioner", type_=Integer),
            AppointmentRow.start_at < bindparam("end", type_=at),
            AppointmentRow.end_at > bindparam("start", type_=at),
        )
        .values(status=LAPSED, client_key=None)
        .returning(*LAPSED_COLUMNS)
        .execution_options(synchronize_session=False)
    )


LAPSED_COLUMNS = (
    AppointmentRow.id,
    AppointmentRow.practitioner_id,
    AppointmentRow.start_at,
    AppointmentRow.end_at,
    AppointmentRow.created_by_id,
)


def lapsed_holds(rows: Sequence[Any]) -> list[LapsedHold]:
    return [LapsedHold(r[0], r[1], r[2], r[3], r[4]) for r in rows]


def pending_query() -> Select[Any]:
    return select(AppointmentRow).where(
        AppointmentRow.status.in_(sorted(s.value for s in PENDING_STATUSES))
    )


def listed_query(scope: AppointmentScope, narrowed: AppointmentFilter) -> Select[Any]:
    """The shown appointments the scope admits (the policy's answer as SQL), narrowed."""
    query = select(AppointmentRow).where(shown(), admitted(scope))
    if narrowed.practitioner_id is not None:
        query = query.where(AppointmentRow.practitioner_id == narrowed.practitioner_id)
    if narrowed.patient_id is not None:
        query = query.where(AppointmentRow.patient_id == narrowed.patient_id)
    if narrowed.statuses:
        query = query.where(AppointmentRow.status.in_(sorted(s.value for s in narrowed.statuses)))
    if narrowed.start is not None:
        query = query.where(AppointmentRow.end_at > narrowed.start)
    if narrowed.end is not None:
        query = query.where(AppointmentRow.start_at < narrowed.end)
    return query


def admitted(scope: AppointmentScope) -> ColumnElement[bool]:
    """SQL form of AppointmentScope.admits."""
    if scope.everything:
        return AppointmentRow.id.is_not(None)
    conditions: list[ColumnElement[bool]] = []
    if scope.practitioner_id is not None:
        conditions.append(AppointmentRow.practitioner_id == scope.practitioner_id)
    if scope.created_by_id is not None:
        conditions.append(AppointmentRow.created_by_id == scope.created_by_id)
    if scope.patient_ids:
        conditions.append(AppointmentRow.patient_id.in_(sorted(scope.patient_ids)))
    return or_(*conditions) if conditions else false()
