"""Which faults mean the database or Redis is away for now, rather than a bug.

An outage is told to clients as UNAVAILABLE (try again shortly), a bug as INTERNAL; both
are masked. An outage is a connection that could not be made or was lost, a server
shutting down or refusing connections, a database switched to read-only, a pool with no
connection to give within its timeout, an SQLite file that cannot be opened, is locked
or cannot be written, and Redis unreachable or not answering. A missing table, SQL
that fails, a constraint broken by a bug are not: those stay INTERNAL.

`discards_connection` says which of a PostgreSQL driver's errors leave a connection that
must not be used again (`persistence.database` discards it, and the pool's others made
before it).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import psycopg
from limits.errors import StorageError
from redis import exceptions as redis_errors
from sqlalchemy import exc as sa

#: SQLSTATE classes of an outage: connection exception, insufficient resources (too many
#: connections, disk full), operator intervention (shutdown, cancel), system error.
OUTAGE_CLASSES = ("08", "53", "57", "58")
#: Writes refused by a read-only database (a standby, `default_transaction_read_only`),
#: and a session the server ended for idling in a transaction.
READ_ONLY = "25006"
OUTAGE_STATES = frozenset({READ_ONLY, "25P03"})
#: States after which a connection is not used again: it was lost or ended, or it carries
#: a read-only setting the database may since have dropped (a setting is read when a
#: connection starts, so only a new one sees the change).
DISCARD_CLASSES = ("08",)
DISCARD_STATES = frozenset({READ_ONLY, "25P03", "57P01", "57P02", "57P03", "57P04", "57P05"})

#: SQLite's primary result codes of a file that is busy, locked, read-only, unreadable,
#: full or cannot be opened (`sqlite3.Error.sqlite_errorcode & 0xFF`).
SQLITE_OUTAGES = frozenset({5, 6, 7, 8, 10, 13, 14, 15})

REDIS_OUTAGES = (
    redis_errors.ConnectionError,  # refused, reset, loading, no connection in the pool
    redis_errors.TimeoutError,
    redis_errors.ReadOnlyError,
    redis_errors.MasterDownError,
    redis_errors.TryAgainError,
    redis_errors.OutOfMemoryError,
    StorageError,  # the `limits` library's wrapper of a storage's error
)

#: Pool code of SQLAlchemy's "Can't reconnect until invalid transaction is rolled back":
#: a session's connection was lost mid-transaction.
LOST_IN_TRANSACTION = "8s2b"


def is_outage(error: BaseException) -> bool:
    """Whether the error, or any error it was raised from, means the database or Redis
    is away for now."""
    return any(_is_outage_itself(cause) for cause in causes(error))


def discards_connection(driver_error: BaseException) -> bool:
    """Whether a PostgreSQL driver error leaves its connection unfit for use: lost or
    ended by the server, or refused a write as read-only."""
    sqlstate = getattr(driver_error, "sqlstate", None)
    if isinstance(driver_error, psycopg.OperationalError) and sqlstate is None:
        return True  # raised by the client: the connection failed or was lost
    if not isinstance(sqlstate, str):
        return False
    return sqlstate.startswith(DISCARD_CLASSES) or sqlstate in DISCARD_STATES


def causes(error: BaseException) -> Iterator[BaseException]:
    """The error, then what it was raised from or during, and a GraphQL error's original
    error, each once."""
    seen: set[int] = set()
    pending: list[BaseException | None] = [error]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        pending += [
            getattr(current, "original_error", None),
            getattr(current, "orig", None),
            current.__context__,
            current.__cause__,
        ]


def kind(error: BaseException) -> str:
    """How a log line names the fault: the class of the driver's or client's error, with
    its SQLSTATE or SQLite code, never its message (which may carry SQL or data)."""
    chosen = next((cause for cause in causes(error) if _is_outage_itself(cause)), error)
    if isinstance(chosen, sa.DBAPIError) and chosen.orig is not None:
        chosen = chosen.orig  # the driver's own class says more than SQLAlchemy's wrapper
    return _named(chosen)


def _named(error: BaseException) -> str:
    cls = type(error)
    name = f"{cls.__module__}.{cls.__qualname__}"
    if isinstance(sqlstate := getattr(error, "sqlstate", None), str):
        return f"{name} (SQLSTATE {sqlstate})"
    if isinstance(error, sqlite3.Error) and getattr(error, "sqlite_errorname", None):
        return f"{name} ({error.sqlite_errorname})"
    return name


def _is_outage_itself(error: BaseException) -> bool:
    if isinstance(error, sa.DBAPIError) and error.connection_invalidated:
        return True
    if isinstance(error, sa.TimeoutError | sa.DisconnectionError):
        return True  # the pool had no connection to give in time; one could not be made
    if isinstance(error, sa.PendingRollbackError):
        return error.code == LOST_IN_TRANSACTION
    if isinstance(error, sqlite3.Error):
        code = getattr(error, "sqlite_errorcode", None)
        return isinstance(code, int) and code & 0xFF in SQLITE_OUTAGES
    if isinstance(error, psycopg.Error):
        sqlstate = error.sqlstate
        if sqlstate is None:
            return isinstance(error, psycopg.OperationalError)  # raised by the client
        return sqlstate.startswith(OUTAGE_CLASSES) or sqlstate in OUTAGE_STATES
    return isinstance(error, (*REDIS_OUTAGES, ConnectionError))
