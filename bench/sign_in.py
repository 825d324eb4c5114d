"""Benchmark: does a trivial query stay fast while 40 sign-ins are in flight?

Against one real `portal serve` process, prints the latency of a trivial query with no
load (the raw floor) and again while SIGN_INS clients sign in over and over, each
beside the other, measured in the same run, for two queries: `{ __typename }` (no
database) and `{ clinic { name } }` (one read). Also the sign-ins' own latency and rate
beside one argon2 check timed alone in this process. Goal: the trivial query's p99 under
load below 100 ms.

Run on the embedded default (SQLite in a temporary folder, in-memory broadcaster):
    uv run python bench/sign_in.py
or on PostgreSQL + Redis (it creates and drops its own database next to DATABASE_URL's):
    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1/postgres \
    BROADCAST_URL=redis://127.0.0.1:6379/0 uv run python bench/sign_in.py
"""

from __future__ import annotations

import asyncio
import os
import sys
import threading
import time
from pathlib import Path

import httpx
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import filling_deps, ms, pct, servers, throwaway_database  # noqa: E402
from domain.credentials import verify_password  # noqa: E402
from persistence.migrate import upgrade_async  # noqa: E402
from portal.demo import ensure_clinic  # noqa: E402
from tests import factories  # noqa: E402

SIGN_INS = int(os.environ.get("BENCH_SIGN_INS", "40"))
PROBES = int(os.environ.get("BENCH_PROBES", "200"))
QUERIES = {"{ __typename }": "__typename", "{ clinic { name } }": "clinic"}
LOGIN = """mutation($email: String!, $password: String!) {
  login(email: $email, password: $password) { __typename }
}"""


def figures(values: list[float]) -> str:
    return f"p50 {ms(pct(values, 50))}   p99 {ms(pct(values, 99))}   max {ms(max(values))}"


def probe(url: str, query: str, count: int) -> list[float]:
    """`count` queries one after another from a thread of their own, so the load's
    client work in this process's event loop does not delay them."""
    latencies = []
    with httpx.Client(base_url=url, timeout=60) as client:
        for _ in range(count):
            started = time.perf_counter()
            response = client.post("/graphql", json={"query": query})
            latencies.append(time.perf_counter() - started)
            assert response.status_code == 200 and "errors" not in response.json(), response.text
    return latencies


async def sign_in_forever(
    url: str, email: str, address: str, stop: threading.Event, latencies: list[float]
) -> None:
    """One client signing in again and again, from its own address (the server trusts
    127.0.0.1 to say so), until told to stop."""
    variables = {"email": email, "password": factories.PASSWORD}
    headers = {"X-Forwarded-For": address}
    async with httpx.AsyncClient(base_url=url, timeout=60, headers=headers) as client:
        while not stop.is_set():
            started = time.perf_counter()
            response = await client.post("/graphql", json={"query": LOGIN, "variables": variables})
            kind = response.json()["data"]["login"]["__typename"]
            assert kind == "SignIn", response.text
            latencies.append(time.perf_counter() - started)


async def measure(url: str, emails: list[str]) -> None:
    for query in QUERIES:  # warm-up: connections, caches
        await asyncio.to_thread(probe, url, query, 20)
    floors = {q: await asyncio.to_thread(probe, url, q, PROBES) for q in QUERIES}
    started = time.perf_counter()
    verify_password(factories.password_hash(), factories.PASSWORD)
    argon2_alone = time.perf_counter() - started

    stop, sign_ins = threading.Event(), list[float]()
    load = [
        asyncio.create_task(sign_in_forever(url, e, f"198.18.0.{i + 1}", stop, sign_ins))
        for i, e in enumerate(emails)
    ]
    await asyncio.sleep(2.0)  # every client has a sign-in in flight
    loaded_from = time.perf_counter()
    counted_from = len(sign_ins)
    loaded = {q: await asyncio.to_thread(probe, url, q, PROBES) for q in QUERIES}
    loaded_for = time.perf_counter() - loaded_from
    rate = (len(sign_ins) - counted_from) / loaded_for
    stop.set()
    await asyncio.gather(*load)

    print(f"trivial queries, {PROBES} one after another, alone and beside {SIGN_INS} sign-ins")
    for query in QUERIES:
        print(f"  {query:22} no load (floor)   {figures(floors[query])}")
        print(f"  {query:22} {SIGN_INS} sign-ins       {figures(loaded[query])}")
        print(f"  {'':22} goal: p99 under load < 100 ms: {pct(loaded[query], 99) < 0.1}")
    print(f"sign-ins under that load: {figures(sign_ins[counted_from:])}   {rate:6.1f}/s")
    print(f"  one argon2 check alone in this process: {ms(argon2_alone)} (cores: {os.cpu_count()})")


async def main() -> None:
    broadcast = os.environ.get("BROADCAST_URL") or "memory://"
    with throwaway_database("sign_in") as url:
        await upgrade_async(url)
        deps = filling_deps(url)
        await ensure_clinic(deps)
        users = [await factories.user(deps) for _ in range(SIGN_INS)]
        await deps.database.dispose()
        with servers(url, broadcast, 1, "sign-in") as (server,):
            print(f"one `portal serve` process on {make_url(url).get_backend_name()} + {broadcast}")
            await measure(server.url, [u.user.email for u in users])


if __name__ == "__main__":
    asyncio.run(main())
