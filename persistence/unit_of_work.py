"""One transaction with its repositories, as Cosmic Python's unit of work."""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy.ext.asyncio import AsyncSession

from persistence.changes import DIARIES
from persistence.database import Database
from persistence.repositories.api_clients import ApiClientRepository
from persistence.repositories.appointments import AppointmentRepository
from persistence.repositories.catalog import CatalogRepository
from persistence.repositories.clinic import ClinicRepository
from persistence.repositories.email_links import EmailLinkRepository
from persistence.repositories.event_outbox import EventOutboxRepository
from persistence.repositories.holds import HoldRepository
from persistence.repositories.invitations import InvitationRepository
from persistence.repositories.moves import MoveRepository
from persistence.repositories.outbox import OutboxRepository
from persistence.repositories.patients import PatientRepository
from persistence.repositories.reminders import ReminderRepository
from persistence.repositories.sessions import SessionRepository
from persistence.repositories.users import UserRepository
from persistence.repositories.verifications import EmailVerificationRepository
from persistence.repositories.visit_links import VisitLinkRepository
from persistence.repositories.waitlist import WaitlistRepository
from persistence.repositories.webhooks import WebhookRepository


class SqlUnitOfWork:
    """`async with uow:` opens a session and builds the repositories on it; nothing is
    kept unless `commit()` is called. A reading unit of work (`write=False`) uses the
    reader engine, which on SQLite does not take the write lock."""

    clinic: ClinicRepository
    catalog: CatalogRepository
    appointments: AppointmentRepository
    patients: PatientRepository
    users: UserRepository
    invitations: InvitationRepository
    outbox: OutboxRepository
    events: EventOutboxRepository
    verifications: EmailVerificationRepository
    sessions: SessionRepository
    email_links: EmailLinkRepository
    holds: HoldRepository
    moves: MoveRepository
    waitlist: WaitlistRepository
    visit_links: VisitLinkRepository
    reminders: ReminderRepository
    api_clients: ApiClientRepository

    webhooks: WebhookRepository

    def __init__(self, database: Database, *, write: bool = True) -> None:
        self._database = database
        self._write = write
        self._session: AsyncSession | None = None

    async def __aenter__(self) -> Self:
        factory = self._database.writer if self._write else self._database.reader
        session = self._session = factory()
        self.clinic = ClinicRepository(session)
        self.catalog = CatalogRepository(session)
        self.appointments = AppointmentRepository(session)
        self.patients = PatientRepository(session)
        self.users = UserRepository(session)
        self.invitations = InvitationRepository(session)
        self.outbox = OutboxRepository(session, skip_locked=not self._database.is_sqlite)
        self.events = EventOutboxRepository(session, skip_locked=not self._database.is_sqlite)
        self.verifications = EmailVerificationRepository(session)
        self.sessions = SessionRepository(session)
        self.email_links = EmailLinkRepository(session)
        self.holds = HoldRepository(session, one_statement=not self._database.is_sqlite)
        self.api_clients = ApiClientRepository(session)
        self.moves = MoveRepository(session)
        self.waitlist = WaitlistRepository(session)
        self.visit_links = VisitLinkRepository(session)
        self.reminders = ReminderRepository(session)

        self.webhooks = WebhookRepository(session, skip_locked=not self._database.is_sqlite)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        # close() rolls back whatever was not committed, and unlike rollback() it leaves
        # the loaded rows readable for the caller.
        if self._session is not None:
            await self._session.close()

    async def commit(self) -> None:
        assert self._session is not None, "use the unit of work inside `async with`"
        await self._session.commit()

    async def touches_diaries_of(self, practitioner_ids: set[int]) -> None:
        """Every appointment this transaction writes is one of these practitioners' (it
        says so when it commits: `persistence.changes`)."""
        assert self._session is not None, "use the unit of work inside `async with`"
        connection = await self._session.connection()
        connection.info[DIARIES] = frozenset(practitioner_ids)

    async def rollback(self) -> None:
        assert self._session is not None, "use the unit of work inside `async with`"
        await self._session.rollback()
