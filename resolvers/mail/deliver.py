"""The outbox sender every server process runs: claim due emails, send, mark sent."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Protocol

from domain.messages import CalendarFile, Email
from persistence.models import OutboxRow
from resolvers.deps import Deps
from resolvers.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)

CLAIM_FOR = timedelta(minutes=2)
BATCH = 20
MAX_BACKOFF = timedelta(minutes=10)


class Mailer(Protocol):
    async def send(self, email: Email) -> None: ...


async def deliver_due(deps: Deps, mailer: Mailer) -> int:
    """Claim due messages, send them, mark each sent; failures retry with backoff.

    The claim is one UPDATE, so two processes never send the same message at once; a
    process that dies mid-send leaves its claim to expire and another retries it.
    """
    now = deps.now()
    async with UnitOfWork(deps, write=False) as uow:
        if not await uow.outbox.anything_due(now):
            return 0
    claim = now + CLAIM_FOR
    async with UnitOfWork(deps) as uow:
        rows = await uow.outbox.claim_due(now, claim, BATCH)
        await uow.commit()
    sent = 0
    for row in rows:
        email = as_email(row)
        try:
            await mailer.send(email)
        except Exception as error:
            await _retry_later(deps, row, claim, error)
            continue
        async with UnitOfWork(deps) as uow:
            await uow.outbox.mark_sent(row.id, claim, deps.now())
            await uow.commit()
        sent += 1
    return sent


def as_email(row: OutboxRow) -> Email:
    calendar = (
        CalendarFile(row.calendar_method, row.calendar_body)
        if row.calendar_method and row.calendar_body
        else None
    )
    return Email(
        row.kind, row.to_address, row.subject, row.text_body, row.html_body, calendar=calendar
    )


async def _retry_later(deps: Deps, row: OutboxRow, claim: datetime, error: Exception) -> None:
    delay = min(timedelta(seconds=2 ** min(row.attempts, 10)), MAX_BACKOFF)
    log.warning("Email %s (%s) not sent, attempt %d: %s", row.id, row.kind, row.attempts, error)
    async with UnitOfWork(deps) as uow:
        await uow.outbox.retry_later(
            row.id, claim, deps.now() + delay, f"{type(error).__name__}: {error}"
        )
        await uow.commit()
