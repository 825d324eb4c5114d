"""Run Alembic migrations from code, so `portal serve` and tests need no alembic.ini.

Any number of processes may start at once on an empty database: whoever migrates holds
`startup_lock` (a PostgreSQL advisory lock; beside an SQLite file, a file lock), and the
others wait for it, then find the schema at the newest revision.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from persistence.database import async_url

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).parent / "migrations"

#: The advisory lock key start-up steps take on PostgreSQL (any fixed 64-bit number
#: that nothing else on the database uses).
ADVISORY_LOCK_KEY = 7_312_604_511_978_245_131


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", async_url(database_url).replace("%", "%%"))
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    """Bring the database to the newest schema (blocking; call from a thread in async code).

    Takes `startup_lock`, so processes migrating at once do it one after the other."""
    with startup_lock(database_url):
        command.upgrade(alembic_config(database_url), revision)


async def upgrade_async(database_url: str) -> None:
    await asyncio.to_thread(upgrade, database_url)


@contextlib.contextmanager
def startup_lock(database_url: str) -> Iterator[None]:
    """Held by one process at a time per database, across processes and machines.

    Not reentrant: do not take it again inside (`upgrade` takes it itself)."""
    url = make_url(async_url(database_url))
    if url.get_backend_name() == "sqlite":
        path = url.database or ""
        if path in ("", ":memory:") or path.startswith("file:"):
            yield  # a private in-memory database: nobody to wait for
            return
        with _file_lock(Path(f"{path}-startup-lock")):
            yield
        return
    with _advisory_lock(url.render_as_string(hide_password=False)):
        yield


@contextlib.contextmanager
def _advisory_lock(url: str) -> Iterator[None]:
    """A session-level advisory lock on a connection of its own; if this process dies,
    PostgreSQL releases it with the connection."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            got = connection.execute(
                text("SELECT pg_try_advisory_lock(:key)"), {"key": ADVISORY_LOCK_KEY}
            ).scalar_one()
            if not got:
                log.info("Another process is preparing this database; waiting for it")
                connection.execute(
                    text("SELECT pg_advisory_lock(:key)"), {"key": ADVISORY_LOCK_KEY}
                )
            connection.commit()
            try:
                yield
            finally:
                connection.execute(
                    text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_LOCK_KEY}
                )
                connection.commit()
    finally:
        engine.dispose()


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    """An exclusive lock on a file beside the database. The file stays: removing it
    would let a waiting process lock a file that a newcomer no longer sees."""
    with open(path, "a+b") as handle:
        if not _try_lock(handle):
            log.info("Another process is preparing this database; waiting for it")
            _lock(handle)
        try:
            yield
        finally:
            _unlock(handle)


if sys.platform == "win32":
    import msvcrt

    def _try_lock(handle: IO[bytes]) -> bool:
        handle.seek(0)
        try:
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _lock(handle: IO[bytes]) -> None:
        while not _try_lock(handle):
            time.sleep(0.1)

    def _unlock(handle: IO[bytes]) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(handle: IO[bytes]) -> bool:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _lock(handle: IO[bytes]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)

    def _unlock(handle: IO[bytes]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
