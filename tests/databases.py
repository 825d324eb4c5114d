"""Databases of a test's own: a fresh, empty PostgreSQL database or SQLite file."""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from itertools import count
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from persistence.database import async_url
from persistence.migrate import upgrade
from tests.support import database_url, on_postgres

_numbers = count(1)


@contextlib.contextmanager
def fresh_database(run_dir: Path, name: str) -> Iterator[str]:
    """The URL of an empty database beside the one under test, dropped afterwards.

    On PostgreSQL a new database on the same server (named after the tested one); on
    SQLite a new file."""
    number = next(_numbers)
    if not on_postgres():
        yield f"sqlite+aiosqlite:///{run_dir / f'{name}-{os.getpid()}-{number}.db'}"
        return
    tested = make_url(async_url(database_url(run_dir)))
    fresh = f"{tested.database}_{name}_{os.getpid()}_{number}"
    admin = create_engine(tested, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{fresh}"'))
        try:
            yield tested.set(database=fresh).render_as_string(hide_password=False)
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{fresh}" WITH (FORCE)'))
    finally:
        admin.dispose()


@contextlib.asynccontextmanager
async def database_not_there_yet(
    run_dir: Path, name: str
) -> AsyncIterator[tuple[str, Callable[[], Awaitable[None]]]]:
    """The URL of a database that cannot be opened yet, and how to bring it (migrated):
    on PostgreSQL one that does not exist; on SQLite a file in a folder that does not
    exist (as on a volume not mounted). Removed afterwards."""
    number = next(_numbers)
    if not on_postgres():
        folder = run_dir / f"{name}-{os.getpid()}-{number}"
        url = f"sqlite+aiosqlite:///{folder / 'portal.db'}"

        async def bring_sqlite() -> None:
            folder.mkdir()
            await asyncio.to_thread(upgrade, url)

        yield url, bring_sqlite
        return
    tested = make_url(async_url(database_url(run_dir)))
    missing = f"{tested.database}_{name}_{os.getpid()}_{number}"
    url = tested.set(database=missing).render_as_string(hide_password=False)
    admin = create_engine(tested, isolation_level="AUTOCOMMIT", poolclass=NullPool)

    async def bring_postgres() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{missing}"'))
        await asyncio.to_thread(upgrade, url)

    try:
        yield url, bring_postgres
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{missing}" WITH (FORCE)'))
        admin.dispose()
