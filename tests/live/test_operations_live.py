"""Operations against real server processes: readiness following Redis and the database
away and back, SIGTERM with requests in flight, metrics summed over the processes of
one host, and logs that carry no one's personal data."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
from pathlib import Path

import httpx
import pytest
import websockets
from prometheus_client.parser import text_string_to_metric_families

from portal.demo import (
    PATIENT_EMAIL,
    PATIENT_PASSWORD,
    PRACTITIONER_EMAIL,
    STAFF_EMAIL,
    STAFF_PASSWORD,
    load_demo_data,
)
from portal.settings import Settings
from resolvers.deps import Deps
from tests import factories
from tests.api.test_holds import HOLD
from tests.conftest import running_servers
from tests.live.test_client_examples import ACCEPT, CANCEL, LOGIN, run_example
from tests.live.test_database_faults import Faulty, faulty
from tests.live.test_live_slots import SLOT_CHANGES
from tests.live.test_redis_restart import ThrowawayRedis, redis_of_our_own
from tests.support import GraphQL, LiveSocket, ServerProcess, eventually, household, on_postgres

__all__ = ["faulty", "redis_of_our_own"]  # fixtures, used here

TOKEN = "metrics-token-for-tests"


async def readiness(url: str) -> tuple[int, dict]:
    async with httpx.AsyncClient(base_url=url, timeout=10) as client:
        response = await client.get("/health/ready")
        return response.status_code, response.json()


async def becomes(url: str, status: int, failed: list[str] | None = None) -> dict:
    async def reached() -> dict | None:
        code, body = await readiness(url)
        if code == status and body.get("failed") == failed:
            return body
        return None

    return await eventually(reached, timeout=20, interval=0.2)


async def test_readiness_turns_503_while_redis_is_away_and_200_when_it_is_back(
    settings: Settings, run_dir: Path, redis_of_our_own: ThrowawayRedis
) -> None:
    with running_servers(settings, run_dir, 1, BROADCAST_URL=redis_of_our_own.url) as servers:
        url = servers[0].url
        await becomes(url, 200)

        redis_of_our_own.stop()
        away = await becomes(url, 503, ["redis"])
        redis_of_our_own.start()  # on the same port
        back = await becomes(url, 200)

    assert away["checks"]["database"]["ok"] and not away["checks"]["redis"]["ok"]
    assert back["checks"]["redis"]["ok"]


@pytest.mark.skipif(not on_postgres(), reason="SQLite has no server to refuse connections")
async def test_readiness_turns_503_while_the_database_refuses_and_200_when_it_is_back(
    faulty: Faulty,
) -> None:
    url = faulty.server.url
    await becomes(url, 200)

    await faulty.switches.refuse_connections()
    away = await becomes(url, 503, ["database"])
    await faulty.switches.allow_connections()
    await becomes(url, 200)

    assert away["status"] == "unavailable"


async def _slow_request(url: str) -> tuple[asyncio.StreamReader, asyncio.StreamWriter, bytes]:
    """A GraphQL request whose headers and first bytes are sent; the rest is the caller's
    to send (a request in flight)."""
    body = json.dumps({"query": "{ clinic { name } }"}).encode()
    port = int(url.rsplit(":", 1)[1])
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    head = (
        "POST /graphql HTTP/1.1\r\nHost: portal\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode()
    writer.write(head + body[:5])
    await writer.drain()
    return reader, writer, body[5:]


async def _answer(reader: asyncio.StreamReader) -> tuple[int, dict]:
    raw = await asyncio.wait_for(reader.read(), 30)  # to the end: the server closes
    head, _, body = raw.partition(b"\r\n\r\n")
    return int(head.split()[1]), json.loads(body)


async def test_on_sigterm_readiness_turns_503_and_every_request_in_flight_is_answered(
    settings: Settings, run_dir: Path, deps: Deps
) -> None:
    with running_servers(settings, run_dir, 1, SHUTDOWN_DRAIN_SECONDS="1") as servers:
        server = servers[0]
        in_flight = [await _slow_request(server.url) for _ in range(5)]
        socket = await websockets.connect(server.ws_url, subprotocols=["graphql-transport-ws"])
        await socket.send(json.dumps({"type": "connection_init"}))
        assert json.loads(await socket.recv())["type"] == "connection_ack"

        server.process.send_signal(signal.SIGTERM)
        draining = await becomes(server.url, 503, ["shutdown"])

        def shutting_down() -> bool:
            return "Shutting down" in server.log_path.read_text()

        async def stopped_accepting() -> bool:
            return shutting_down()

        await eventually(stopped_accepting, timeout=10)
        for _reader, writer, rest in in_flight:
            writer.write(rest)
            await writer.drain()
        answers = [await _answer(reader) for reader, _writer, _rest in in_flight]
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await asyncio.wait_for(socket.recv(), 30)
        exit_code = await asyncio.to_thread(server.process.wait, 30)

    assert draining["checks"]["shutdown"]["detail"] == "shutting down"
    assert [status for status, _ in answers] == [200] * 5
    assert all(body["data"]["clinic"]["name"] for _, body in answers)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1012
    assert exit_code in (0, -signal.SIGTERM)


def _samples(text: str) -> dict[tuple[str, frozenset], float]:
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


async def test_metrics_of_several_processes_on_one_host_are_summed(
    settings: Settings, run_dir: Path, deps: Deps
) -> None:
    diary = await factories.online_practitioner(deps)
    users = [await factories.user(deps) for _ in range(8)]
    folder = run_dir / f"metrics-{os.getpid()}"
    folder.mkdir(exist_ok=True)
    (folder / "counter_999999.db").write_bytes(b"left from an earlier run")
    server = ServerProcess(
        {
            **_env(settings),
            "METRICS_TOKEN": TOKEN,
            "PROMETHEUS_MULTIPROC_DIR": str(folder),
            "PORTAL_ENV": "production",
            "SECRET_KEY": "test-secret",
        },
        run_dir / f"processes-{os.getpid()}.log",
        args=("--processes", "2"),
    )
    try:
        server.wait_ready()
        asked = 0

        def counting_processes() -> set[str]:
            return {p.stem.rsplit("_", 1)[-1] for p in folder.glob("counter_*.db")}

        async def both_have_answered() -> bool:
            nonlocal asked
            # A connection each, so the kernel may give it to either process.
            async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
                await GraphQL(client)("{ __typename }")
            asked += 1
            return len(counting_processes()) == 2

        await eventually(both_have_answered, timeout=30, interval=0)
        for user, n in zip(users, range(8), strict=True):
            async with httpx.AsyncClient(
                base_url=server.url, timeout=30, headers={"X-Forwarded-For": household()}
            ) as client:
                made = await GraphQL(client)(
                    HOLD,
                    {
                        "practitionerId": diary.practitioner_id,
                        "serviceId": diary.service_id,
                        "start": factories.slot_start(hour=8 + n).isoformat(),
                    },
                    token=user.token,
                )
                assert made["hold"]["__typename"] == "Hold", made
        async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
            denied = await client.get("/metrics")
            scrapes = [
                (await client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})).text
                for _ in range(4)
            ]
        pids = counting_processes()
    finally:
        server.stop()

    graphql_answers = frozenset({("route", "/graphql"), ("status", "2xx")})
    assert denied.status_code == 404
    for scraped in scrapes:  # whichever process answered, the sum of both
        samples = _samples(scraped)
        assert samples[("portal_holds_total", frozenset({("event", "placed")}))] == 8
        assert samples[("portal_http_responses_total", graphql_answers)] == asked + 8
    assert "999999" not in pids  # the folder was wiped at start
    assert len(pids) == 2


def _env(settings: Settings) -> dict[str, str]:
    from tests.conftest import server_env

    return server_env(settings)


#: What must never be in a log: the demo's people, their addresses and secrets.
PERSONAL = (
    "Anna Schmidt",
    "Mia Schmidt",
    "Paul Becker",
    "Maria Keller",
    PATIENT_EMAIL,
    "paul.becker@example.com",
    PRACTITIONER_EMAIL,
    STAFF_EMAIL,
    PATIENT_PASSWORD,
    STAFF_PASSWORD,
    "Schmidt",
)


async def test_a_runs_logs_are_json_lines_with_request_ids_and_no_personal_data(
    settings: Settings, run_dir: Path, deps: Deps
) -> None:
    await load_demo_data(deps)
    log_path = run_dir / f"json-logs-{os.getpid()}.log"
    server = ServerProcess(
        {**_env(settings), "LOG_FORMAT": "json"},
        log_path,
        stdout=run_dir / f"json-logs-out-{os.getpid()}.txt",
    )
    tokens: list[str] = []
    try:
        server.wait_ready()
        booking = await run_example("book_for_family.py", server)
        printed, _ = await asyncio.wait_for(booking.communicate(), 60)
        requested = re.search(r"Requested appointment (\d+)", printed.decode())
        assert requested, printed.decode()
        async with httpx.AsyncClient(
            base_url=server.url, timeout=30, headers={"X-Forwarded-For": household()}
        ) as client:
            gql = GraphQL(client)
            staff = await gql(LOGIN, {"email": STAFF_EMAIL, "password": STAFF_PASSWORD})
            token = staff["login"]["token"]
            tokens.append(token)
            await gql(ACCEPT, {"id": requested.group(1)}, token=token)
            await gql(CANCEL, {"id": requested.group(1)}, token=token)
            # A wrong password for a real address, and a hostile request id.
            await gql.raw(LOGIN, {"email": PATIENT_EMAIL, "password": "Anna Schmidt"})
            await client.get("/health/live", headers={"X-Request-ID": PATIENT_EMAIL})
    finally:
        server.stop()
    text = log_path.read_text()
    lines = [json.loads(line) for line in text.splitlines() if line.strip()]
    requests = [line for line in lines if line.get("event") == "request"]

    assert requests, text[-2000:]
    assert all(re.fullmatch(r"[A-Za-z0-9._:-]{1,100}", r["request_id"]) for r in requests)
    assert {"Login", "anonymous"} & {r.get("operation_name") for r in requests}
    assert {r["caller"] for r in requests} >= {"anonymous", "staff", "patient"}
    for secret in (*PERSONAL, *tokens):
        assert secret not in text, secret


async def _gauges(url: str) -> dict[str, float]:
    async with httpx.AsyncClient(base_url=url, timeout=10) as client:
        samples = _samples((await client.get("/metrics")).text)
    return {
        name: samples.get((name, frozenset()), 0.0)
        for name in ("portal_websockets_open", "portal_subscriptions_open")
    }


async def test_open_websockets_and_subscriptions_are_counted_while_open(
    server: ServerProcess, deps: Deps
) -> None:
    diary = await factories.online_practitioner(deps)
    window = {
        "p": diary.practitioner_id,
        "from": factories.slot_start().isoformat(),
        "to": factories.slot_start(days=3).isoformat(),
    }
    before = await _gauges(server.url)
    async with LiveSocket(server.ws_url) as socket:
        await socket.subscribe(SLOT_CHANGES, window)
        during = await _gauges(server.url)

    async def closed() -> dict[str, float] | None:
        now = await _gauges(server.url)
        return now if now["portal_websockets_open"] == before["portal_websockets_open"] else None

    after = await eventually(closed, timeout=10)

    assert during["portal_websockets_open"] == before["portal_websockets_open"] + 1
    assert during["portal_subscriptions_open"] == before["portal_subscriptions_open"] + 1
    assert after["portal_subscriptions_open"] == before["portal_subscriptions_open"]
