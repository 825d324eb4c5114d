"""Two real server processes on one database deliver a backlog of webhooks between
them: every delivery arrives exactly once, then is logged as delivered."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from domain.actors import Actor, UserKind
from domain.webhook_events import patient_linked
from persistence.database import Database
from persistence.migrate import upgrade_async
from persistence.models import WebhookDeliveryRow
from portal.settings import Settings
from resolvers.deps import Deps
from resolvers.unit_of_work import UnitOfWork
from resolvers.webhooks.endpoints import create_webhook_endpoint
from subscriptions.hub import Hub
from tests import factories
from tests.conftest import running_servers
from tests.databases import fresh_database
from tests.receiver import Receiver
from tests.support import eventually

BACKLOG = 120


async def test_two_processes_deliver_a_backlog_each_webhook_once(
    settings: Settings, run_dir: Path
) -> None:
    receiver = Receiver().up()
    try:
        with fresh_database(run_dir, "webhook_senders") as url:
            await upgrade_async(url)
            own = Deps(settings=settings, database=Database(url), hub=Hub("memory://"))
            try:
                await factories.clinic(own)
                desk = await factories.staff(own)
                await create_webhook_endpoint(
                    own,
                    Actor(user_id=desk.user.id, kind=UserKind.STAFF),
                    url=receiver.url,
                    events=["patient.linked"],
                )
                for user_id in range(BACKLOG):  # written before any sender runs
                    async with UnitOfWork(own) as uow:
                        uow.tell_partners(patient_linked(1, user_id, own.now()))
                        await uow.commit()

                with running_servers(settings, run_dir, 2, DATABASE_URL=url):

                    async def all_delivered() -> bool:
                        async with own.database.reader() as session:
                            statuses = (
                                await session.execute(select(WebhookDeliveryRow.status))
                            ).scalars()
                            return set(statuses) == {"DELIVERED"}

                    await eventually(all_delivered, timeout=60)
            finally:
                await own.database.dispose()
    finally:
        receiver.down()

    ids = [r.message_id for r in receiver.received]
    assert len(ids) == BACKLOG and len(set(ids)) == BACKLOG
