"""Databases of a test's own: a fresh, empty PostgreSQL database or SQLite file."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from itertools import count
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from persistence.database import async_url
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
