"""What operators ask of the database: is it there and at the migration head, and how
much waits to be sent (emails in the outbox, webhook deliveries)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime

from alembic.script import ScriptDirectory
from sqlalchemy import func, select, text

from domain.webhooks import DeliveryStatus
from persistence.database import Database
from persistence.migrate import alembic_config
from persistence.models import OutboxRow, WebhookDeliveryRow


@functools.cache
def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config("sqlite://"))


def head_revision() -> str | None:
    """The newest migration this code knows."""
    return _scripts().get_current_head()


def known_revisions() -> frozenset[str]:
    """Every migration this code knows: a database at one of them other than the head is
    behind; at one it does not know, ahead (a newer version migrated it)."""
    return frozenset(script.revision for script in _scripts().walk_revisions())


async def schema_revision(database: Database) -> str | None:
    """The migration the database is at (None before any): one query, so it also says
    the database answers."""
    async with database.reader() as session:
        return (await session.execute(text("SELECT version_num FROM alembic_version"))).scalar()


@dataclass(frozen=True)
class Backlog:
    emails: int
    #: Seconds since the oldest unsent email was written (0 when none waits).
    oldest_email_seconds: float
    webhooks: int
    oldest_webhook_seconds: float


async def backlog(database: Database, now: datetime) -> Backlog:
    async with database.reader() as session:
        emails, oldest_email = (
            await session.execute(
                select(func.count(), func.min(OutboxRow.created_at)).where(
                    OutboxRow.sent_at.is_(None)
                )
            )
        ).one()
        deliveries, oldest_delivery = (
            await session.execute(
                select(func.count(), func.min(WebhookDeliveryRow.created_at)).where(
                    WebhookDeliveryRow.status == DeliveryStatus.PENDING.value
                )
            )
        ).one()
    return Backlog(
        emails=int(emails),
        oldest_email_seconds=_age(oldest_email, now),
        webhooks=int(deliveries),
        oldest_webhook_seconds=_age(oldest_delivery, now),
    )


def _age(oldest: datetime | None, now: datetime) -> float:
    return max(0.0, (now - oldest).total_seconds()) if oldest is not None else 0.0
