"""One transaction per use case; its events and emails leave only after it commits."""

from __future__ import annotations

from datetime import datetime

from domain.messages import Email
from persistence.unit_of_work import SqlUnitOfWork
from resolvers.deps import Deps
from subscriptions.events import Event


class UnitOfWork(SqlUnitOfWork):
    """`async with UnitOfWork(deps) as uow:` … `await uow.commit()`.

    Rolls back unless committed. Emails staged with `mail` are outbox rows of the same
    transaction; events staged with `emit` are published only once the commit succeeded,
    so nobody hears of a change that was rolled back.
    """

    def __init__(self, deps: Deps, *, write: bool = True) -> None:
        super().__init__(deps.database, write=write)
        self._hub = deps.hub
        self._events: list[Event] = []

    def emit(self, *events: Event) -> None:
        self._events.extend(events)

    def mail(self, email: Email, now: datetime) -> None:
        self.outbox.add(email, now)

    async def commit(self) -> None:
        await super().commit()
        events, self._events = self._events, []
        await self._hub.publish_events(events)
