"""A nested query costs the same number of SQL statements whatever the row count."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator
from typing import Any

from sqlalchemy import event

from resolvers.deps import Deps
from tests import factories
from tests.support import GraphQL

PRACTITIONERS_IN_DEPTH = """
{
  practitioners(onlineOnly: false) {
    name
    services { name }
    sessions { weekday location { name } practitioner { name } }
  }
}
"""

PATIENTS_WITH_USERS = "{ patients { name invitationStatus users { email } } }"

MAX_STATEMENTS = 10

#: The in-process app's own background tasks (see portal.app), whose polls are not the query's.
BACKGROUND_TASKS = {"mailer", "hold-sweeper", "last-used", "webhooks"}
TRANSACTION_CONTROL = {"BEGIN", "BEGIN IMMEDIATE", "COMMIT", "ROLLBACK"}


@contextlib.contextmanager
def counting_statements(deps: Deps) -> Iterator[list[str]]:
    """Every SQL query either engine sends for the operation while the block runs.

    Transaction control is left out (SQLite sends BEGIN itself, PostgreSQL's driver does
    not), and so are the polls of the app's background tasks running beside the request.
    """
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        task = asyncio.current_task()
        if task is not None and task.get_name() in BACKGROUND_TASKS:
            return
        if statement.strip().upper() in TRANSACTION_CONTROL:
            return
        statements.append(statement)

    database = deps.database
    # On PostgreSQL the reader and the writer share one engine: listen once.
    engines = {id(e.sync_engine): e.sync_engine for e in (database.engine, database.read_engine)}
    for engine in engines.values():
        event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        for engine in engines.values():
            event.remove(engine, "before_cursor_execute", count)


async def statements_for(
    gql: GraphQL, deps: Deps, query: str, token: str
) -> tuple[int, dict[str, Any]]:
    with counting_statements(deps) as statements:
        data = await gql(query, token=token)
    return len(statements), data


async def test_practitioners_with_services_and_sessions_cost_the_same_for_more_rows(
    gql: GraphQL, deps: Deps
) -> None:
    small, large = 2, 8
    desk = await factories.staff(deps)
    for i in range(small):
        await factories.online_practitioner(deps, name=f"Practitioner {i}")
    few, few_data = await statements_for(gql, deps, PRACTITIONERS_IN_DEPTH, desk.token)
    for i in range(small, large):
        await factories.online_practitioner(
            deps, name=f"Practitioner {i}", online_access=i % 2 == 0
        )
    many, many_data = await statements_for(gql, deps, PRACTITIONERS_IN_DEPTH, desk.token)

    assert len(few_data["practitioners"]) == small
    assert len(many_data["practitioners"]) == large
    last = many_data["practitioners"][-1]
    assert last["services"] == [{"name": "Treatment"}]
    assert len(last["sessions"]) == 7
    assert {(s["location"]["name"], s["practitioner"]["name"]) for s in last["sessions"]} == {
        ("Lindenhof Centre", f"Practitioner {large - 1}")
    }
    assert few == many, (few, many)
    assert many < MAX_STATEMENTS


async def test_patients_with_their_users_cost_the_same_for_more_rows(
    gql: GraphQL, deps: Deps
) -> None:
    desk = await factories.staff(deps)

    async def add_patients(first: int, last: int) -> None:
        """Every other patient has a user; the rest are looked up among invitations."""
        for i in range(first, last):
            patient = await factories.patient(
                deps, name=f"Patient {i:02}", email=f"p{i}@example.com"
            )
            if i % 2:
                await factories.user(deps, patients=(patient,), email=f"u{i}@example.com")

    await add_patients(0, 2)
    few, few_data = await statements_for(gql, deps, PATIENTS_WITH_USERS, desk.token)
    await add_patients(2, 10)
    many, many_data = await statements_for(gql, deps, PATIENTS_WITH_USERS, desk.token)

    assert len(few_data["patients"]) == 2
    assert len(many_data["patients"]) == 10
    assert many_data["patients"][8:] == [
        {"name": "Patient 08", "invitationStatus": "NOT_INVITED", "users": []},
        {
            "name": "Patient 09",
            "invitationStatus": "ENROLLED",
            "users": [{"email": "u9@example.com"}],
        },
    ]
    assert few == many, (few, many)
    assert many < MAX_STATEMENTS
