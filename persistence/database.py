"""Engines and sessions: one place that knows how SQLite and PostgreSQL differ."""

from __future__ import annotations

import select
from collections.abc import Callable
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import ExceptionContext, make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    async_sessionmaker,
    create_async_engine,
)

from persistence.changes import track_writes
from persistence.outages import discards_connection


def async_url(url: str) -> str:
    """Accept the usual spellings and pick the async drivers we ship."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres", "postgresql+psycopg2"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    elif parsed.drivername == "sqlite":
        parsed = parsed.set(drivername="sqlite+aiosqlite")
    return parsed.render_as_string(hide_password=False)


#: Connections older than this are replaced on checkout (server-side idle limits, failover).
RECYCLE_SECONDS = 1800


class Database:
    """A writer and a reader session factory.

    On PostgreSQL both share one engine's pool; readers run in autocommit, so a read is
    one round trip (no BEGIN and ROLLBACK around it: under READ COMMITTED each statement
    has its own snapshot anyway). Connections are not pinged on checkout (a round trip
    each): a connection the server dropped is noticed without one (`_drop_dead_connections`)
    and replaced before use, and one that fails as lost, ended or read-only is never used
    again (`_discard_failed_connections`). On SQLite, writers open with BEGIN IMMEDIATE so
    the write lock is taken before the first read of a check-then-write use case (no lost
    update, no late `database is locked`), while readers keep SQLite's deferred BEGIN and
    run beside a writer under WAL.
    """

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = async_url(url)
        self.is_sqlite = make_url(self.url).get_backend_name() == "sqlite"
        self.engine = self._create_engine(immediate=True, echo=echo)
        self.read_engine = (
            self._create_engine(immediate=False, echo=echo) if self.is_sqlite else self.engine
        )
        # One engine (and its events) on PostgreSQL; readers only ask it for autocommit.
        read_bind = (
            self.read_engine
            if self.is_sqlite
            else self.engine.execution_options(isolation_level="AUTOCOMMIT")
        )
        self.writer = async_sessionmaker(self.engine, expire_on_commit=False)
        self.reader = async_sessionmaker(read_bind, expire_on_commit=False)
        self._on_commit: list[Callable[[frozenset[str]], None]] = []
        track_writes(self.engine.sync_engine, self._on_commit)

    def on_commit(self, listener: Callable[[frozenset[str]], None]) -> None:
        """Call `listener` with the tables each committed write transaction changed
        (`persistence.changes`), in the committing task, before `commit()` returns."""
        self._on_commit.append(listener)

    def _create_engine(self, *, immediate: bool, echo: bool) -> AsyncEngine:
        if not self.is_sqlite:
            engine = create_async_engine(
                self.url,
                echo=echo,
                pool_size=10,
                max_overflow=20,
                pool_recycle=RECYCLE_SECONDS,
            )
            _drop_dead_connections(engine)
            _discard_failed_connections(engine)
            return engine
        engine = create_async_engine(self.url, echo=echo, connect_args={"timeout": 30})
        _configure_sqlite(engine, immediate=immediate)
        return engine

    async def dispose(self) -> None:
        await self.engine.dispose()
        if self.read_engine is not self.engine:
            await self.read_engine.dispose()


def _drop_dead_connections(engine: AsyncEngine) -> None:
    """Replace, on checkout, a pooled connection the server has closed, at no round trip.

    An idle connection in the pool has nothing to read; when its socket is readable, the
    server has sent its goodbye (terminated backend, restart) or closed it. Raising
    DisconnectionError makes the pool discard it and check out a fresh one (it tries up
    to three times), so the use case never sees the dropped connection. A connection cut
    silently (no FIN) is caught by `pool_recycle` and TCP keepalives instead.
    """

    @event.listens_for(engine.sync_engine, "checkout")
    def _on_checkout(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        driver = getattr(dbapi_connection, "driver_connection", None)
        pgconn = getattr(driver, "pgconn", None)
        if driver is None or pgconn is None:
            return
        if driver.closed or pgconn.socket < 0:
            raise DisconnectionError("connection closed")
        # poll(), not select(): a process with thousands of sockets has descriptors
        # above select()'s limit of 1024.
        poller = select.poll()
        poller.register(pgconn.socket, select.POLLIN)
        if poller.poll(0):
            raise DisconnectionError("the server closed the connection")


def _discard_failed_connections(engine: AsyncEngine) -> None:
    """A connection whose statement failed because it was lost or ended, or because the
    database refused a write as read-only, is discarded, and with it every connection the
    pool made before (each is replaced on its next checkout).

    SQLAlchemy does so by itself for the disconnects its dialect recognises; this adds
    the server's own codes for a connection it ended (SQLSTATE class 08, 57P01-57P05)
    and read-only transactions (25006). A read-only setting (`ALTER DATABASE … SET
    default_transaction_read_only`, a standby) is read when a connection starts, so
    once the database is writable again only new connections can write: without this,
    pooled connections went on failing every write until the process restarted.
    """

    @event.listens_for(engine.sync_engine, "handle_error")
    def _on_error(context: ExceptionContext) -> None:
        if not context.is_disconnect and discards_connection(context.original_exception):
            context.is_disconnect = True


def _configure_sqlite(engine: AsyncEngine, *, immediate: bool) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, say when a transaction begins.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def is_overlap_violation(error: BaseException) -> bool:
    """Whether a failed write broke the no-overlap guarantee (either database's form)."""
    orig = getattr(error, "orig", None)
    sqlstate = getattr(orig, "sqlstate", None)
    if sqlstate == "23P01":  # exclusion_violation
        return True
    return "appointment_overlap" in str(orig or error)
