"""A real fault (a table gone missing, as after a botched migration) in every mode: the
client sees a masked message with the code INTERNAL and never SQL or a traceback; the
log gets one line with the operation, the path and the error class."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from portal.settings import Settings
from resolvers.deps import Deps
from tests import factories
from tests.apps import client_of
from tests.support import GraphQL, ServerProcess

INVITATIONS = "query StaffInvitations { invitations { id email } }"
#: What a leak would look like: SQL, the driver's words, Python's.
LEAKS = ("SELECT", "invitations_away", "no such table", "relation", "sqlalchemy", "Traceback")


@contextlib.asynccontextmanager
async def invitations_table_missing(deps: Deps) -> AsyncIterator[None]:
    async with deps.database.engine.begin() as conn:
        await conn.execute(text("ALTER TABLE invitations RENAME TO invitations_away"))
    try:
        yield
    finally:
        async with deps.database.engine.begin() as conn:
            await conn.execute(text("ALTER TABLE invitations_away RENAME TO invitations"))


@contextlib.contextmanager
def error_records(
    caplog: pytest.LogCaptureFixture, level: int
) -> Iterator[list[logging.LogRecord]]:
    """Every record at ERROR or above, from any logger, while the block runs."""
    found: list[logging.LogRecord] = []
    with caplog.at_level(level, logger="portal.errors"), caplog.at_level(logging.ERROR):
        caplog.clear()
        yield found
        found += [r for r in caplog.records if r.levelno >= logging.ERROR]


def assert_masked(body: dict[str, Any]) -> None:
    assert body["data"] is None
    (error,) = body["errors"]
    assert error["message"] == "Unexpected error."
    assert error["extensions"] == {"code": "INTERNAL"}
    assert error["path"] == ["invitations"]
    for leak in LEAKS:
        assert leak.lower() not in str(body).lower(), leak


def assert_one_line(record: logging.LogRecord) -> None:
    assert_one_line_text(record.getMessage())


def assert_one_line_text(line: str) -> None:
    assert "\n" not in line
    assert "StaffInvitations" in line  # the operation
    assert " at invitations" in line  # the path
    assert "sqlalchemy.exc." in line  # the error class
    assert "SELECT" not in line


@pytest.mark.parametrize("environment", ["development", "production"])
async def test_a_database_fault_is_masked_and_logged_once(
    settings: Settings,
    deps: Deps,
    caplog: pytest.LogCaptureFixture,
    environment: str,
) -> None:
    desk = await factories.staff(deps)
    async with client_of(settings, environment=environment) as api:
        with error_records(caplog, logging.INFO) as records:
            async with invitations_table_missing(deps):
                body = await api.raw(INVITATIONS, token=desk.token)
        served_after = await api(INVITATIONS, token=desk.token)

    assert_masked(body)
    (record,) = records
    assert_one_line(record)
    assert record.exc_info is None
    assert served_after == {"invitations": []}


async def test_at_debug_level_the_one_record_carries_the_traceback(
    gql: GraphQL, deps: Deps, caplog: pytest.LogCaptureFixture
) -> None:
    desk = await factories.staff(deps)
    with error_records(caplog, logging.DEBUG) as records:
        async with invitations_table_missing(deps):
            body = await gql.raw(INVITATIONS, token=desk.token)

    assert_masked(body)
    (record,) = records
    assert_one_line(record)
    assert record.exc_info is not None
    assert record.exc_info[0] is not None and record.exc_info[0].__module__ == "sqlalchemy.exc"


async def test_a_real_server_masks_the_fault_and_logs_one_line(
    server: ServerProcess, server_gql: GraphQL, deps: Deps
) -> None:
    desk = await factories.staff(deps)
    logged_before = server.log_path.stat().st_size

    async with invitations_table_missing(deps):
        body = await server_gql.raw(INVITATIONS, token=desk.token)

    assert_masked(body)
    with server.log_path.open("rb") as log:
        log.seek(logged_before)
        new_lines = log.read().decode(errors="replace").splitlines()
    about_the_fault = [
        line
        for line in new_lines
        if any(word in line for word in ("ERROR", "Traceback", "sqlalchemy", "invitations"))
    ]
    assert len(about_the_fault) == 1, new_lines
    assert "[error" in about_the_fault[0] and "[portal.errors]" in about_the_fault[0]
    assert_one_line_text(about_the_fault[0])
    async with httpx.AsyncClient(base_url=server.url) as client:
        assert (await client.get("/health")).status_code == 200
