"""Which faults are an outage (UNAVAILABLE: try again) and which a bug (INTERNAL), and
which PostgreSQL errors discard their connection."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import psycopg
import pytest
from graphql import GraphQLError
from psycopg import errors as pg
from redis import exceptions as redis_errors
from sqlalchemy import exc as sa

from persistence.outages import discards_connection, is_outage, kind


def sqlite_error(run: str, path: str = ":memory:") -> sqlite3.Error:
    try:
        sqlite3.connect(path).execute(run)
    except sqlite3.Error as error:
        return error
    raise AssertionError("expected an error")


def wrapped(driver_error: Exception) -> sa.DBAPIError:
    """As SQLAlchemy raises a driver's error."""
    return sa.DBAPIError.instance("SELECT 1", {}, driver_error, psycopg.Error)


def test_an_sqlite_file_that_cannot_be_opened_is_an_outage_and_a_missing_table_a_bug(
    tmp_path: Path,
) -> None:
    cannot_open = sqlite_error("SELECT 1", str(tmp_path / "missing" / "portal.db"))
    missing_table = sqlite_error("SELECT * FROM nowhere")

    assert is_outage(cannot_open)
    assert is_outage(wrapped(cannot_open))
    assert kind(wrapped(cannot_open)) == "sqlite3.OperationalError (SQLITE_CANTOPEN)"
    assert not is_outage(missing_table)
    assert not is_outage(wrapped(missing_table))


def test_a_locked_sqlite_database_is_an_outage(tmp_path: Path) -> None:
    path = str(tmp_path / "locked.db")
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE t (x)")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        locked = sqlite3.connect(path, timeout=0)
        with pytest.raises(sqlite3.OperationalError) as refused:
            locked.execute("SELECT * FROM t")
    finally:
        holder.execute("ROLLBACK")

    assert is_outage(refused.value)
    assert "SQLITE_BUSY" in kind(refused.value)


@pytest.mark.parametrize(
    ("error", "outage", "discards"),
    [
        (psycopg.OperationalError("connection failed"), True, True),
        (pg.AdminShutdown("terminating connection"), True, True),
        (pg.CannotConnectNow("the database system is starting up"), True, True),
        (pg.ReadOnlySqlTransaction("cannot execute INSERT"), True, True),
        (pg.TooManyConnections("too many clients"), True, False),
        (pg.QueryCanceled("canceling statement"), True, False),
        (pg.UniqueViolation("duplicate key"), False, False),
        (pg.UndefinedTable("relation does not exist"), False, False),
        (pg.SerializationFailure("could not serialize"), False, False),
    ],
)
def test_postgresql_errors(error: psycopg.Error, outage: bool, discards: bool) -> None:
    assert is_outage(wrapped(error)) is outage
    assert discards_connection(error) is discards


@pytest.mark.parametrize(
    "error",
    [
        redis_errors.ConnectionError("Error 111 connecting"),
        redis_errors.TimeoutError("Timeout reading"),
        redis_errors.BusyLoadingError("loading"),
        redis_errors.ReadOnlyError("You can't write against a read only replica"),
        ConnectionRefusedError(111, "Connection refused"),
        sa.TimeoutError("QueuePool limit of size 10 overflow 20 reached"),
    ],
)
def test_redis_away_and_a_pool_with_no_connection_are_outages(error: Exception) -> None:
    assert is_outage(error)


def test_an_outage_is_found_where_a_graphql_error_or_a_later_error_came_from() -> None:
    lost = wrapped(pg.AdminShutdown("terminating connection"))
    try:
        try:
            raise lost
        except sa.DBAPIError:
            raise RuntimeError("while cleaning up") from None
    except RuntimeError as later:
        during_cleanup = later

    assert is_outage(GraphQLError("x", original_error=lost))
    assert is_outage(during_cleanup)
    assert not is_outage(GraphQLError("x", original_error=ValueError("a bug")))
    assert not is_outage(redis_errors.ResponseError("WRONGTYPE"))


def test_an_outage_failing_several_fields_is_told_once() -> None:
    from schema.guards.faults import mask_result

    away = redis_errors.ConnectionError("Connection refused")
    errors = [
        GraphQLError("boom", path=["clinic"], original_error=away),
        GraphQLError("boom", path=["me"], original_error=away),
        GraphQLError("Not allowed", path=["patients"], extensions={"code": "NOT_ALLOWED"}),
    ]

    answered = mask_result(errors, context=None) or []

    assert [(e.extensions or {}).get("code") for e in answered] == ["UNAVAILABLE", "NOT_ALLOWED"]
