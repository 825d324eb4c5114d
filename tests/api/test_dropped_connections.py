"""A connection the database server dropped is replaced before use: the next request
works, with no ping on every checkout (PostgreSQL only: SQLite has no server)."""

from __future__ import annotations

import os
import resource

import psycopg
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from persistence.database import Database
from persistence.outages import is_outage
from persistence.unit_of_work import SqlUnitOfWork
from resolvers.deps import Deps
from tests import factories
from tests.support import GraphQL, eventually

CLINIC_NAME = "{ clinic { name } }"


def _admin_dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def _backends(database: Database) -> set[int]:
    """The server processes behind the connections this engine's pool now holds."""
    async with database.reader() as session:
        result = await session.execute(
            text(
                "SELECT pid FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        )
        return set(result.scalars())


async def _terminate(url: str, pids: set[int]) -> None:
    async with await psycopg.AsyncConnection.connect(_admin_dsn(url), autocommit=True) as admin:
        for pid in pids:
            await admin.execute("SELECT pg_terminate_backend(%s)", (pid,))

        async def gone() -> bool:
            cursor = await admin.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(%s)", (list(pids),)
            )
            row = await cursor.fetchone()
            return row is not None and row[0] == 0

        await eventually(gone, timeout=10)


async def test_requests_work_after_the_server_dropped_every_pooled_connection(
    gql: GraphQL, deps: Deps
) -> None:
    if deps.database.is_sqlite:
        pytest.skip("SQLite has no server to drop connections")
    # Given pooled connections, warmed by requests
    for _ in range(3):
        await gql(CLINIC_NAME)
    user = await factories.user(deps)
    pooled = await _backends(deps.database)
    # When the database server ends every one of them (a restart, an administrator)
    await _terminate(deps.database.url, pooled)
    # Then reads, a signed-in read and a write still succeed, the first time
    assert (await gql(CLINIC_NAME))["clinic"]["name"]
    me = await gql("{ me { id } }", token=user.token)
    assert me["me"] is not None
    async with deps.database.writer() as session:
        await session.execute(text("SELECT 1"))
        await session.commit()


async def test_connections_are_checked_out_in_a_process_with_thousands_of_descriptors(
    deps: Deps,
) -> None:
    if deps.database.is_sqlite:
        pytest.skip("SQLite has no server connection to check")
    # Given a process holding more descriptors than select() can watch (thousands of
    # websockets do that), so the next database connection's descriptor is above 1,024
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard < 1200:
        pytest.skip("the descriptor limit is too low here")
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, 1200), hard))
    held = [os.open(os.devnull, os.O_RDONLY) for _ in range(1100)]
    database = Database(deps.database.url)
    try:
        # Then a read still works
        async with database.reader() as session:
            assert (await session.execute(text("SELECT 1"))).scalar_one() == 1
    finally:
        await database.dispose()
        for descriptor in held:
            os.close(descriptor)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


async def test_a_connection_ended_mid_transaction_fails_as_itself_and_goes_back_to_the_pool(
    deps: Deps,
) -> None:
    if deps.database.is_sqlite:
        pytest.skip("SQLite has no server to end a connection")
    database = Database(deps.database.url)
    try:
        for write in (False, True):
            # Given a unit of work that has read once
            with pytest.raises(OperationalError) as ended:
                async with SqlUnitOfWork(database, write=write) as uow:
                    await uow.clinic.get()
                    # When the server ends its connection
                    await _terminate(database.url, await _backends(database))
                    # Then its next statement fails as a lost connection (an outage),
                    await uow.clinic.get()
            assert is_outage(ended.value)
            # and leaving it raises nothing else and gives the connection back
            assert database.engine.pool.checkedout() == 0  # type: ignore[attr-defined]
        # and the next unit of work works
        async with SqlUnitOfWork(database, write=True) as uow:
            assert (await uow.clinic.get()).name
    finally:
        await database.dispose()
