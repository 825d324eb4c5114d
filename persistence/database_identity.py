"""What identifies a database, however a process's DATABASE_URL spells its address."""

from __future__ import annotations

import logging
import uuid
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from persistence.database import Database

log = logging.getLogger(__name__)


async def database_identity(database: Database) -> str:
    """A string that is the same for every process on one database and differs between
    databases: PostgreSQL's cluster identifier (fixed at initdb) with the database name;
    SQLite's resolved file path. Never contains credentials."""
    url = make_url(database.url)
    if database.is_sqlite:
        return _sqlite_identity(url.database or "")
    async with database.engine.connect() as connection:
        name = (await connection.execute(text("SELECT current_database()"))).scalar_one()
    try:
        async with database.engine.connect() as connection:
            cluster = (
                await connection.execute(text("SELECT system_identifier FROM pg_control_system()"))
            ).scalar_one()
    except DBAPIError as error:
        log.warning(
            "The database does not tell its cluster identifier (%s); telling deployments "
            "apart by the URL's host and port. Set CHANNEL_PREFIX if processes reach it "
            "under different names.",
            error.orig,
        )
        return f"postgresql:{url.host}:{url.port or 5432}/{name}"
    return f"postgresql:{cluster}/{name}"


def _sqlite_identity(path: str) -> str:
    if path in ("", ":memory:") or path.startswith("file::memory:"):
        return f"sqlite-memory:{uuid.uuid4()}"  # a private database nobody else can open
    return f"sqlite:{Path(path).resolve()}"
