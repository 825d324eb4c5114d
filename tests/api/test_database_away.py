"""A database that cannot be reached (on PostgreSQL one that does not exist, on SQLite a
file whose folder is missing): every answer is coded UNAVAILABLE, HTTP 503 with
Retry-After, with the security and CORS headers, and none carries the driver's words,
in either mode, requests with a bearer token and token requests included; each fault
is one log line. Once the database is there, writes succeed without a restart."""

from __future__ import annotations

import contextlib
import logging
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from persistence.database import Database
from portal.settings import Settings
from resolvers.deps import Deps
from subscriptions.hub import Hub
from tests import factories
from tests.apps import client_of
from tests.databases import database_not_there_yet
from tests.support import eventually, household
from tests.unavailable import ORIGIN, Asker, assert_unavailable, headers_of


@contextlib.asynccontextmanager
async def deps_on(settings: Settings, url: str) -> AsyncIterator[Deps]:
    """Rows for the factories to write on another database."""
    database = Database(url)
    try:
        yield Deps(settings=settings, database=database, hub=Hub("memory://"))
    finally:
        await database.dispose()


@pytest.mark.parametrize("environment", ["development", "production"])
async def test_a_database_that_cannot_be_reached_is_answered_unavailable_until_it_is_there(
    settings: Settings,
    run_dir: Path,
    caplog: pytest.LogCaptureFixture,
    environment: str,
) -> None:
    async with (
        database_not_there_yet(run_dir, "away") as (url, bring_it),
        client_of(
            settings,
            database_url=url,
            environment=environment,
            # Nothing read from the database at start-up: it is not there. A prefix of
            # this run's own, so no earlier run's sign-in tallies in Redis count here.
            channel_prefix=f"away-{environment}-{uuid.uuid4().hex[:12]}",
            cors_origins=(ORIGIN,),
            webhook_poll_seconds=0,
        ) as api,
    ):
        api.client.headers.update(headers_of(ORIGIN, household()))
        asker = Asker(api.client)
        # When the database cannot be reached, each kind of request
        answers: dict[str, httpx.Response] = {}
        lines: dict[str, list[str]] = {}
        with caplog.at_level(logging.INFO, logger="portal.errors"):
            for name in ("first", "second"):
                caplog.clear()
                for kind, response in (await asker.everything()).items():
                    answers[f"{kind} ({name} time)"] = response
                lines[name] = [r.getMessage() for r in caplog.records if r.name == "portal.errors"]

        # Then is answered UNAVAILABLE, coded and headed, and nothing of the driver's
        for kind, response in answers.items():
            assert_unavailable(response, oauth=kind.startswith("token request")), kind
        # with one line in the log for each, naming the fault's class and no text of it
        for logged in lines.values():
            assert len(logged) == len(answers) // 2, logged
            assert all(line.startswith("Unavailable: ") for line in logged), logged
            assert all("\n" not in line and "SELECT" not in line for line in logged)

        # When the database is there, a sign-in and a hold succeed without a restart
        await bring_it()
        async with deps_on(settings, url) as deps:
            await factories.clinic(deps)
            diary = await factories.online_practitioner(deps)
            patient = await factories.user(deps)
        asker = Asker(api.client, diary.practitioner_id, diary.service_id, user_token=patient.token)

        async def holds() -> bool:
            response = await api.client.post(
                "/graphql", json=asker.hold(), headers=asker.signed_in()
            )
            return response.status_code == 200 and "Hold" in response.text

        await eventually(holds, timeout=10, interval=0.1)
