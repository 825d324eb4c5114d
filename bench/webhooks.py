"""Benchmark of webhook delivery, beside a raw HTTP POST to the same receiver.

Prints, from one run:
- raw floor: POSTs per second to a local receiver (another process, uvicorn) from one
  httpx client at the sender's concurrency, and their latency p50/p99;
- webhooks per second per process: BACKLOG deliveries written first, then one sender
  (this process, the production code: claim, sign, pinned POST, record) drains them;
- commit → delivery p50/p99: LATENCY changes committed one at a time (a few per second)
  while the sender runs, each timed from its commit to its arrival at the receiver.

Run: uv run python bench/webhooks.py  (SQLite in a temporary folder), or with
DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1/postgres for PostgreSQL (its own
database, created and dropped).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import ms, pct, throwaway_database  # noqa: E402
from domain.actors import Actor, UserKind  # noqa: E402
from domain.webhook_events import patient_linked  # noqa: E402
from persistence.database import Database  # noqa: E402
from persistence.migrate import upgrade_async  # noqa: E402
from portal.settings import Settings  # noqa: E402
from portal.workers.webhook_outbox import send_webhooks_forever  # noqa: E402
from portal.workers.webhook_sender import HttpSender  # noqa: E402
from resolvers.deps import Deps  # noqa: E402
from resolvers.unit_of_work import UnitOfWork  # noqa: E402
from resolvers.webhooks.endpoints import create_webhook_endpoint  # noqa: E402
from subscriptions.hub import Hub  # noqa: E402
from tests import factories  # noqa: E402
from tests.support import free_port  # noqa: E402

BACKLOG = int(os.environ.get("BENCH_BACKLOG", "1000"))
LATENCY = int(os.environ.get("BENCH_LATENCY", "200"))
RAW = int(os.environ.get("BENCH_RAW", "1000"))
CONCURRENCY = 16  # resolvers.webhooks.deliver.CONCURRENCY

RECEIVER = """
import json, time
arrivals = []
async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    if scope["method"] == "POST":
        arrivals.append((time.time(), body.decode()))
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})
        return
    data = json.dumps(arrivals).encode()
    if scope["path"] == "/reset":
        arrivals.clear()
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": data})
"""


@contextlib.contextmanager
def receiver() -> Iterator[str]:
    """A uvicorn receiver in its own process, answering 204 and noting arrival times."""
    port = free_port()
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "bench_receiver.py").write_text(RECEIVER)
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "bench_receiver:app",
                "--port",
                str(port),
                "--log-level",
                "warning",
                "--no-access-log",
            ],
            cwd=folder,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                try:
                    httpx.get(f"{url}/arrivals", timeout=1)
                    break
                except httpx.HTTPError:
                    time.sleep(0.1)
            yield url
        finally:
            process.terminate()
            process.wait(10)


async def arrivals(client: httpx.AsyncClient, reset: bool = False) -> list[tuple[float, str]]:
    response = await client.get("/reset" if reset else "/arrivals")
    return [(t, body) for t, body in response.json()]


async def raw_floor(url: str) -> None:
    body = json.dumps({"type": "patient.linked", "data": {"userId": "0"}})
    gate = asyncio.Semaphore(CONCURRENCY)
    latencies: list[float] = []
    async with httpx.AsyncClient(base_url=url, timeout=30) as client:

        async def post() -> None:
            async with gate:
                started = time.perf_counter()
                await client.post("/hooks", content=body)
                latencies.append(time.perf_counter() - started)

        await asyncio.gather(*(post() for _ in range(CONCURRENCY * 4)))  # warm up
        latencies.clear()
        began = time.perf_counter()
        await asyncio.gather(*(post() for _ in range(RAW)))
        took = time.perf_counter() - began
        await arrivals(client, reset=True)
    print(
        f"raw POST floor:     {RAW / took:7.0f} POST/s    latency p50 {ms(pct(latencies, 50))}"
        f"  p99 {ms(pct(latencies, 99))}   ({RAW} POSTs, {CONCURRENCY} at a time)"
    )


async def commit_change(deps: Deps, marker: int) -> float:
    async with UnitOfWork(deps) as uow:
        uow.tell_partners(patient_linked(1, marker, deps.now()))
        await uow.commit()
    return time.time()


async def until_arrived(client: httpx.AsyncClient, count: int) -> list[tuple[float, str]]:
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        found = await arrivals(client)
        if len(found) >= count:
            return found
        await asyncio.sleep(0.05)
    raise SystemExit(f"only {len(await arrivals(client))} of {count} arrived")


async def main() -> None:
    with throwaway_database("webhooks") as db_url, receiver() as url:
        await upgrade_async(db_url)
        settings = Settings(
            database_url=db_url,
            broadcast_url="memory://",
            secret_key="bench",
            environment="development",
            smtp_url=None,
            mail_folder=Path(tempfile.gettempdir()),
            public_url="http://127.0.0.1",
            webhook_poll_seconds=1.0,
        )
        deps = Deps(settings=settings, database=Database(db_url), hub=Hub("memory://"))
        await deps.hub.connect()
        await factories.clinic(deps)
        staff = Actor(user_id=1, kind=UserKind.STAFF)
        await factories.staff(deps)
        await create_webhook_endpoint(deps, staff, url=f"{url}/hooks", events=["patient.linked"])
        print(f"{make_url(db_url).get_backend_name()}, one process, {os.cpu_count()} cores")

        await raw_floor(url)

        async with httpx.AsyncClient(base_url=url, timeout=30) as client:
            for marker in range(BACKLOG):
                await commit_change(deps, marker)
            sender = HttpSender(timeout_seconds=10, allow_loopback=True)
            began = time.perf_counter()
            task = asyncio.create_task(send_webhooks_forever(deps, sender))
            await until_arrived(client, BACKLOG)
            took = time.perf_counter() - began
            print(
                f"webhooks delivered: {BACKLOG / took:7.0f} /s per process   "
                f"({BACKLOG} written first, then drained by one sender)"
            )
            await arrivals(client, reset=True)

            committed: dict[int, float] = {}
            for marker in range(BACKLOG, BACKLOG + LATENCY):
                committed[marker] = await commit_change(deps, marker)
                await asyncio.sleep(0.05)
            found = await until_arrived(client, LATENCY)
            delays = [at - committed[int(json.loads(body)["data"]["userId"])] for at, body in found]
            print(
                f"commit -> delivery: p50 {ms(statistics.median(delays))}  "
                f"p99 {ms(pct(delays, 99))}   ({LATENCY} changes, one at a time)"
            )
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await deps.hub.disconnect()
        await deps.database.dispose()


if __name__ == "__main__":
    asyncio.run(main())
