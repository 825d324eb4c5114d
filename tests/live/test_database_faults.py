"""A real PostgreSQL that refuses connections, ends them mid-traffic, or turns read-only
and back: a real server answers every request meanwhile either in full or coded
UNAVAILABLE (HTTP 503, Retry-After, the security and CORS headers), never with the
driver's words, requests with a bearer token and token requests included, and keeps the
client's connection open; and writes succeed again within seconds of the database
being back, without a restart.

Each test has a database of its own, so the faults it makes touch no other test.
(PostgreSQL only: SQLite has no server to refuse connections, end them or switch to
read-only; `tests/api/test_database_away.py` makes SQLite's file unreachable.)
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import psycopg
import pytest
import websockets
from psycopg import sql
from sqlalchemy.engine import make_url
from websockets.exceptions import ConnectionClosed

from persistence.database import Database
from persistence.migrate import upgrade
from portal.settings import Settings
from resolvers.deps import Deps
from subscriptions.hub import Hub
from tests import factories
from tests.api.partners import partner
from tests.api.test_holds import RELEASE
from tests.conftest import running_servers
from tests.databases import fresh_database
from tests.support import GraphQL, ServerProcess, eventually, household, on_postgres
from tests.unavailable import (
    CLINIC,
    ME,
    ORIGIN,
    Asker,
    assert_answered,
    assert_unavailable,
    headers_of,
    json_post,
    two_requests_on_one_connection,
)

pytestmark = pytest.mark.skipif(
    not on_postgres(),
    reason="SQLite has no server to refuse connections, end them or turn read-only",
)

#: How soon writes must succeed again once the database is back.
HEALED_WITHIN_SECONDS = 10


class Switches:
    """An administrator's hand on one database, from a connection to another one."""

    def __init__(self, admin_url: str, name: str) -> None:
        self.dsn = make_url(admin_url).set(drivername="postgresql").render_as_string(False)
        self.name = sql.Identifier(name)
        self.datname = name

    async def _run(self, statement: sql.Composable) -> None:
        async with await psycopg.AsyncConnection.connect(self.dsn, autocommit=True) as admin:
            await admin.execute(statement)

    async def refuse_connections(self) -> None:
        await self._run(sql.SQL("ALTER DATABASE {} WITH ALLOW_CONNECTIONS false").format(self.name))
        await self.end_backends()

    async def allow_connections(self) -> None:
        await self._run(sql.SQL("ALTER DATABASE {} WITH ALLOW_CONNECTIONS true").format(self.name))

    async def read_only(self, on: bool) -> None:
        """Switch new connections' `default_transaction_read_only` (the ones open keep
        what they started with)."""
        if on:
            statement = "ALTER DATABASE {} SET default_transaction_read_only = on"
        else:
            statement = "ALTER DATABASE {} RESET default_transaction_read_only"
        await self._run(sql.SQL(statement).format(self.name))

    async def backends(self) -> list[int]:
        async with await psycopg.AsyncConnection.connect(self.dsn, autocommit=True) as admin:
            cursor = await admin.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s", (self.datname,)
            )
            return [row[0] for row in await cursor.fetchall()]

    async def end_backends(self) -> int:
        """End every connection to the database (as a restart or an administrator does)
        and wait until they are gone; how many there were."""
        pids = await self.backends()
        async with await psycopg.AsyncConnection.connect(self.dsn, autocommit=True) as admin:
            for pid in pids:
                await admin.execute("SELECT pg_terminate_backend(%s)", (pid,))

        async def gone() -> bool:
            return not set(pids) & set(await self.backends())

        await eventually(gone, timeout=10)
        return len(pids)


@dataclass
class Faulty:
    """A real server on a database of its own, and the hands that break it."""

    server: ServerProcess
    switches: Switches
    deps: Deps
    diary: factories.Diary

    def client(self) -> httpx.AsyncClient:
        """A page of the allowed origin, in a household of its own."""
        return httpx.AsyncClient(
            base_url=self.server.url, headers=headers_of(ORIGIN, household()), timeout=30
        )


@contextlib.asynccontextmanager
async def own_deps(settings: Settings, url: str) -> AsyncIterator[Deps]:
    database = Database(url)
    try:
        yield Deps(settings=settings, database=database, hub=Hub("memory://"))
    finally:
        await database.dispose()


@contextlib.asynccontextmanager
async def migrated_database(run_dir: Path) -> AsyncIterator[str]:
    with fresh_database(run_dir, "faults") as url:
        await asyncio.to_thread(upgrade, url)
        yield url


@pytest.fixture
async def faulty(settings: Settings, run_dir: Path) -> AsyncIterator[Faulty]:
    async with migrated_database(run_dir) as url:
        switches = Switches(settings.database_url, make_url(url).database or "")
        own = dataclasses.replace(settings, database_url=url)
        try:
            with running_servers(
                settings, run_dir, 1, DATABASE_URL=url, CORS_ORIGINS=ORIGIN
            ) as servers:
                async with own_deps(own, url) as deps:
                    await factories.clinic(deps)
                    diary = await factories.online_practitioner(deps)
                    yield Faulty(servers[0], switches, deps, diary)
        finally:
            await switches.allow_connections()
            await switches.read_only(False)


async def socket_sign_in_closes_with(ws_url: str, token: str) -> int:
    """The code the server closes a websocket with that signs in with `token`."""
    protocols = ["graphql-transport-ws"]
    async with websockets.connect(ws_url, subprotocols=protocols) as socket:  # type: ignore[arg-type]
        init = {"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}}
        await socket.send(json.dumps(init))
        with pytest.raises(ConnectionClosed) as closed:
            await asyncio.wait_for(socket.recv(), 10)
    assert closed.value.rcvd is not None
    return closed.value.rcvd.code


async def holds_again(asker: Asker) -> None:
    """Wait, at most HEALED_WITHIN_SECONDS, until a hold succeeds; then release it (a
    write too: it may meet a connection made before the database came back, which fails
    once and is replaced with every other connection of that age)."""
    minutes = iter(range(0, 10**6, 30))

    async def held() -> str | None:
        minute = next(minutes)
        response = await asker.client.post(
            "/graphql",
            json=asker.hold(hour=8 + minute // 60 % 10, minute=minute % 60),
            headers=asker.signed_in(),
        )
        assert_answered(response)
        hold = (response.json().get("data") or {}).get("hold") or {}
        return hold.get("appointment", {}).get("id") if hold.get("__typename") == "Hold" else None

    appointment = await eventually(held, timeout=HEALED_WITHIN_SECONDS, interval=0.05)

    async def released() -> bool:
        response = await asker.client.post(
            "/graphql",
            json={"query": RELEASE, "variables": {"id": appointment}},
            headers=asker.signed_in(),
        )
        assert_answered(response)
        release = (response.json().get("data") or {}).get("releaseHold") or {}
        return release.get("__typename") == "Appointment"

    await eventually(released, timeout=HEALED_WITHIN_SECONDS, interval=0.05)


async def test_while_the_database_refuses_connections_every_answer_is_coded_and_headed(
    faulty: Faulty,
) -> None:
    patient = await factories.user(faulty.deps)
    async with faulty.client() as client:
        made = await partner(GraphQL(client), faulty.deps, "availability:read")
        asker = Asker(
            client,
            faulty.diary.practitioner_id,
            faulty.diary.service_id,
            user_token=patient.token,
            client_id=made.client_id,
            client_secret=made.secret,
        )
        # Given a server that has served each kind of request
        for kind, response in (await asker.everything()).items():
            assert response.status_code in (200, 401), (kind, response.text)

        # When the database refuses connections and has ended those open
        await faulty.switches.refuse_connections()
        answers = await asker.everything()
        answers_again = await asker.everything()

        # Then every request is answered UNAVAILABLE, coded and headed, twice
        for kind, response in [*answers.items(), *answers_again.items()]:
            assert_unavailable(response, oauth=kind == "token request")
        # and a client's connection stays open after a request with a bearer token
        statuses = await two_requests_on_one_connection(
            faulty.server.port,
            json_post("/graphql", b'{"query": "{ me { id } }"}', f"Bearer {patient.token}"),
            json_post("/graphql", b'{"query": "{ clinic { name } }"}'),
        )
        assert statuses == (503, 503)
        # and a socket signing in is closed with "try again later", not left hanging
        assert await socket_sign_in_closes_with(faulty.server.ws_url, patient.token) == 1013

        # When the database takes connections again
        await faulty.switches.allow_connections()
        # Then a hold succeeds within seconds, and a token request and a sign-in too
        await holds_again(asker)
        token = await client.post(
            "/oauth/token",
            data={"grant_type": "client_credentials"},
            auth=httpx.BasicAuth(made.client_id, made.secret),
        )
        assert token.status_code == 200, token.text
        me = await client.post("/graphql", json={"query": ME}, headers=asker.signed_in())
        assert me.json()["data"]["me"]["id"] == patient.id


async def test_connections_ended_mid_traffic_leave_only_whole_or_coded_answers(
    faulty: Faulty,
) -> None:
    patients = [await factories.user(faulty.deps) for _ in range(4)]
    answers: list[httpx.Response] = []
    stop = asyncio.Event()

    async def traffic(number: int, token: str) -> None:
        async with faulty.client() as client:
            asker = Asker(
                client, faulty.diary.practitioner_id, faulty.diary.service_id, user_token=token
            )
            turn = 0
            while not stop.is_set():
                turn += 1
                kind = turn % 4
                if kind == 0:
                    response = await client.post("/graphql", json=asker.slots())
                elif kind == 1:
                    response = await client.post(
                        "/graphql", json={"query": ME}, headers=asker.signed_in()
                    )
                elif kind == 2:
                    response = await client.post("/graphql", json={"query": CLINIC})
                else:
                    response = await client.post(
                        "/graphql",
                        json=asker.hold(hour=8 + number * 2, minute=30 * (turn // 4 % 2)),
                        headers=asker.signed_in(),
                    )
                    hold = ((response.json().get("data") or {}).get("hold")) or {}
                    if hold.get("__typename") == "Hold":
                        await client.post(
                            "/graphql",
                            json={"query": RELEASE, "variables": {"id": hold["appointment"]["id"]}},
                            headers=asker.signed_in(),
                        )
                answers.append(response)

    workers = [
        asyncio.create_task(traffic(n, p.token), name=f"traffic-{n}")
        for n, p in enumerate(patients)
    ]
    try:
        # When, five times while requests are under way, every connection is ended
        for _ in range(5):
            answered = len(answers)

            async def more_traffic(since: int = answered) -> bool:
                return len(answers) >= since + 20 and bool(await faulty.switches.backends())

            await eventually(more_traffic, timeout=20)
            await faulty.switches.end_backends()
        ended_at = len(answers)

        async def after_the_last(since: int = ended_at) -> bool:
            return len(answers) >= since + 20

        await eventually(after_the_last, timeout=20)
    finally:
        stop.set()
        await asyncio.gather(*workers)

    # Then every answer was whole, or coded UNAVAILABLE with its headers
    for response in answers:
        assert_answered(response)
    # and a hold succeeds at once afterwards
    async with faulty.client() as client:
        asker = Asker(
            client,
            faulty.diary.practitioner_id,
            faulty.diary.service_id,
            user_token=patients[0].token,
        )
        await holds_again(asker)


async def test_after_the_read_only_switch_is_turned_off_writes_succeed_within_seconds(
    faulty: Faulty,
) -> None:
    patient = await factories.user(faulty.deps)
    async with faulty.client() as client:
        asker = Asker(
            client, faulty.diary.practitioner_id, faulty.diary.service_id, user_token=patient.token
        )
        await holds_again(asker)

        # When the database turns read-only (every connection made anew)
        await faulty.switches.read_only(True)
        await faulty.switches.end_backends()
        # and the server's pool fills with read-only connections, many reads at once
        reads = await asyncio.gather(
            *(client.post("/graphql", json={"query": CLINIC}) for _ in range(12))
        )
        assert all(r.status_code == 200 for r in reads)
        assert len(await faulty.switches.backends()) >= 2

        # Then a write is answered UNAVAILABLE, coded and headed; reads are answered
        refused = await client.post("/graphql", json=asker.hold(), headers=asker.signed_in())
        assert_unavailable(refused)
        read = await client.post("/graphql", json={"query": ME}, headers=asker.signed_in())
        assert read.json()["data"]["me"]["id"] == patient.id

        # When it is writable again, for connections made from now on only
        await faulty.switches.read_only(False)
        await client.post("/graphql", json={"query": CLINIC})
        # Then writes succeed within seconds, with no restart and no backend ended by hand
        await holds_again(asker)
