"""One transaction per use case, with events published only after it commits."""

from __future__ import annotations

from types import TracebackType

from sqlalchemy.ext.asyncio import AsyncSession

from resolvers.services import Services
from subscriptions.events import Event


class UnitOfWork:
    """`async with UnitOfWork(services) as uow:` ... `await uow.commit()`.

    Rolls back unless committed. Events staged with `emit` reach subscribers only after
    the commit succeeded, so nobody hears of a change that was rolled back.
    """

    def __init__(self, services: Services, *, write: bool = True) -> None:
        self._services = services
        self._write = write
        self._events: list[Event] = []
        self._committed = False
        self.session: AsyncSession

    async def __aenter__(self) -> UnitOfWork:
        database = self._services.database
        self.session = (database.writer if self._write else database.reader)()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        # close() rolls back whatever was not committed, and unlike rollback() it leaves
        # the loaded rows readable for the caller.
        await self.session.close()

    def emit(self, *events: Event) -> None:
        self._events.extend(events)

    async def commit(self) -> None:
        await self.session.commit()
        self._committed = True
        events, self._events = self._events, []
        await self._services.hub.publish_events(events)
