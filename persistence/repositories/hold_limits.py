"""What the limits on holding count: a user's share of the diary and an address's holds."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Integer, Select, String, bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.throttling import DiaryShare
from persistence.models import AppointmentRow
from persistence.repositories.appointments import TEMPORARY, live_condition


class HoldLimitRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def share(self, user_id: int, origin: str, now: datetime) -> DiaryShare:
        """The user's live holds and upcoming live appointments, and the live holds from
        the origin (by anyone) with the first of their expiries."""
        values = {"user_id": user_id, "origin": origin, "now": now}
        found = (await self._session.execute(_share_query(), values)).one()
        holds, slots, address_holds, next_lapse = found
        return DiaryShare(int(holds), int(slots), int(address_holds), next_lapse)


@cache
def _share_query() -> Select[Any]:
    """One round trip, four scalar subqueries; built once (a hold's hot path), bound
    per call."""
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
    return select(
        select(func.count()).where(*mine, is_hold).scalar_subquery(),
        select(func.count()).where(*mine).scalar_subquery(),
        select(func.count()).where(*from_origin).scalar_subquery(),
        select(func.min(AppointmentRow.hold_expires_at)).where(*from_origin).scalar_subquery(),
    )
