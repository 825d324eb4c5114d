"""The outbox: emails written with the change they tell of, claimed and sent later."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from domain.messages import Email
from persistence.models import OutboxRow


def _claimed(outbox_id: int, claim: datetime) -> list[ColumnElement[bool]]:
    """A sender's claim on a message: the id alone could name another message later."""
    return [OutboxRow.id == outbox_id, OutboxRow.claimed_until == claim]


class OutboxRepository:
    def __init__(self, session: AsyncSession, *, skip_locked: bool) -> None:
        self._session = session
        self._skip_locked = skip_locked

    def add(self, email: Email, now: datetime) -> None:
        """Stage an email in the caller's transaction: it exists only if the change commits."""
        self._session.add(
            OutboxRow(
                kind=email.kind,
                to_address=email.to,
                subject=email.subject,
                text_body=email.text,
                html_body=email.html,
                calendar_method=email.calendar.method if email.calendar else None,
                calendar_body=email.calendar.text if email.calendar else None,
                created_at=now,
                next_attempt_at=now,
                attempts=0,
            )
        )

    async def anything_due(self, now: datetime) -> bool:
        """A cheap read first, so idle senders never take the write lock (SQLite has one)."""
        query = (
            select(OutboxRow.id)
            .where(OutboxRow.sent_at.is_(None), OutboxRow.next_attempt_at <= now)
            .limit(1)
        )
        return (await self._session.execute(query)).first() is not None

    async def claim_due(self, now: datetime, claim: datetime, batch: int) -> Sequence[OutboxRow]:
        """Claim up to `batch` due messages until `claim` with one UPDATE; return them."""
        due = (
            select(OutboxRow.id)
            .where(
                OutboxRow.sent_at.is_(None),
                OutboxRow.next_attempt_at <= now,
                (OutboxRow.claimed_until.is_(None)) | (OutboxRow.claimed_until < now),
            )
            .order_by(OutboxRow.id)
            .limit(batch)
        )
        if self._skip_locked:
            due = due.with_for_update(skip_locked=True)
        ids = list((await self._session.execute(due)).scalars())
        if not ids:
            return []
        await self._session.execute(
            update(OutboxRow)
            .where(OutboxRow.id.in_(ids))
            .values(claimed_until=claim, attempts=OutboxRow.attempts + 1)
        )
        query = select(OutboxRow).where(OutboxRow.id.in_(ids)).order_by(OutboxRow.id)
        return (await self._session.execute(query)).scalars().all()

    async def mark_sent(self, outbox_id: int, claim: datetime, now: datetime) -> None:
        await self._session.execute(
            update(OutboxRow)
            .where(*_claimed(outbox_id, claim))
            .values(sent_at=now, claimed_until=None, last_error=None)
        )

    async def retry_later(
        self, outbox_id: int, claim: datetime, next_attempt: datetime, error: str
    ) -> None:
        await self._session.execute(
            update(OutboxRow)
            .where(*_claimed(outbox_id, claim))
            .values(claimed_until=None, next_attempt_at=next_attempt, last_error=error[:500])
        )
