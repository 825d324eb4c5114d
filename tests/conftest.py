"""Fixtures: one migrated database per run (SQLite by default, PostgreSQL when
DATABASE_URL says so), wiped before each test; an in-process client; real servers."""

from __future__ import annotations

import contextlib
import itertools
import os
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from persistence.migrate import upgrade
from persistence.unit_of_work import SqlUnitOfWork
from portal.app import create_app
from portal.settings import Settings
from resolvers.deps import Deps
from tests import factories
from tests.mailbox import Mailbox
from tests.support import (
    GraphQL,
    ServerProcess,
    broadcast_url,
    database_url,
    settle_outbox,
    wipe,
)

#: Tiers, by folder: `pytest -m unit` (no database, seconds), `api` (the in-process app on
#: the database under test), `live` (real server processes, Redis, SMTP) and `browser`.
TIERS = ("unit", "api", "live", "browser")
#: An api test that starts real servers belongs to the live tier.
LIVE_FIXTURES = {"server", "two_servers", "server_gql"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        tier = item.path.parent.name
        if tier == "api" and LIVE_FIXTURES & set(getattr(item, "fixturenames", ())):
            tier = "live"
        if tier in TIERS:
            item.add_marker(getattr(pytest.mark, tier))


@pytest.fixture(scope="session")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("portal")


@pytest.fixture(scope="session")
def smtp_server() -> Iterator[Mailbox]:
    """A real SMTP server every in-process and real server process of the run sends to."""
    server = Mailbox()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def mailbox(smtp_server: Mailbox, deps: Deps) -> Mailbox:
    """The SMTP server, emptied for this test (after the database was wiped)."""
    smtp_server.received.clear()
    smtp_server.database = deps.database
    return smtp_server


@pytest.fixture(scope="session")
def settings(run_dir: Path, smtp_server: Mailbox) -> Settings:
    url = database_url(run_dir)
    upgrade(url)
    return Settings(
        database_url=url,
        broadcast_url=broadcast_url(),
        secret_key="test-secret",
        environment="development",
        smtp_url=smtp_server.url,
        mail_folder=run_dir / "mail",
        public_url="http://portal.test",
        # The in-process app does not sweep: with the in-memory broadcaster a FREE it
        # announced would never reach a real server process's subscribers.
        sweep_seconds=0,
        # Nor does it relay events other processes left behind, for the same reason:
        # what real servers left is theirs to relay (its own it relays as it commits).
        event_relay_seconds=0,
        # Nor does it make waitlist offers or send reminders: a test plays its worker's
        # round itself, or runs real servers.
        waitlist_seconds=0,
        reminder_seconds=0,
        mail_poll_seconds=0.1,
        webhook_poll_seconds=0.1,
    )


@pytest.fixture(scope="session")
async def app_and_deps(settings: Settings) -> AsyncIterator[tuple[object, Deps]]:
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        yield app, app.state.deps


@pytest.fixture
async def deps(app_and_deps: tuple[object, Deps]) -> AsyncIterator[Deps]:
    """The in-process service, on a database emptied for this test. Afterwards, whatever
    the test did, no two live appointments of a practitioner may overlap."""
    deps = app_and_deps[1]
    await settle_outbox(deps.database)
    await wipe(deps.database)
    await deps.attempts.forget_all()
    await deps.budgets.forget_all()
    await factories.clinic(deps)
    yield deps
    async with SqlUnitOfWork(deps.database, write=False) as uow:
        assert await uow.appointments.overlapping_live_pairs(datetime.now(UTC)) == 0


@pytest.fixture
async def gql(app_and_deps: tuple[object, Deps], deps: Deps) -> AsyncIterator[GraphQL]:
    transport = httpx.ASGITransport(app=app_and_deps[0])  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://portal.test") as client:
        yield GraphQL(client)


def server_env(settings: Settings) -> dict[str, str]:
    return {
        "DATABASE_URL": settings.database_url,
        "BROADCAST_URL": settings.broadcast_url,
        "HOLD_SWEEP_SECONDS": "0.2",
        "MAIL_POLL_SECONDS": "0.1",
        # Waitlist offers and reminders only where a test asks for them (its own servers):
        # these servers outlive the tests that share the database with them.
        "WAITLIST_SECONDS": "0",
        "REMINDER_SECONDS": "0",
        "SMTP_URL": settings.smtp_url or "",
        "PORTAL_ENV": "development",
        # Tests that stand for many portals say where each is with X-Forwarded-For.
        "TRUSTED_PROXIES": "127.0.0.1",
        # The test process writes to the database behind the servers' backs (factories,
        # wipes), unannounced: servers read afresh unless a test turns this on.
        "READ_CACHE": "off",
    }


#: Every server process of the run logs to a file of its own (the shared `server` and the
#: `two_servers` would otherwise write over each other's log).
_server_numbers = itertools.count()


@contextlib.contextmanager
def running_servers(
    settings: Settings, run_dir: Path, count: int, **env: str
) -> Iterator[list[ServerProcess]]:
    servers = [
        ServerProcess(
            {**server_env(settings), **env},
            run_dir / f"server-{next(_server_numbers)}-{os.getpid()}.log",
        )
        for _ in range(count)
    ]
    try:
        for server in servers:
            server.wait_ready()
        yield servers
    finally:
        for server in servers:
            server.stop()


@pytest.fixture(scope="session")
def server(settings: Settings, run_dir: Path) -> Iterator[ServerProcess]:
    """One real server process for the whole run (websocket tests)."""
    with running_servers(settings, run_dir, 1) as servers:
        yield servers[0]


@pytest.fixture(scope="session")
def two_servers(settings: Settings, run_dir: Path) -> Iterator[list[ServerProcess]]:
    """Two real server processes on one database and one broadcaster URL."""
    with running_servers(settings, run_dir, 2) as servers:
        yield servers


@pytest.fixture
async def server_gql(server: ServerProcess, deps: Deps) -> AsyncIterator[GraphQL]:
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
        yield GraphQL(client)
