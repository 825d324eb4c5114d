"""The 9 o'clock surge: many patients booking at once while thousands of portals watch.

PATIENTS simulated patients (default 2,000) arrive within ARRIVAL seconds (default 60)
against two server processes on PostgreSQL + Redis. Each loads one day's free slots of
a practitioner, holds a random free one (another, on SlotUnavailable), and requests it
for their own patient record. Meanwhile SUBSCRIBERS websockets (default 5,000) watch
slot changes, each one practitioner's day, as booking pages do.

Prints successful bookings, p50/p99 per step, errors (must be 0), overlapping live
appointments checked in the database (must be 0), the server processes' CPU seconds per
booking, websocket messages received, and the raw floors of the same run: INSERT+COMMIT,
`{ __typename }` and Redis PUBLISH -> receive.

Run: DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1/postgres \
     BROADCAST_URL=redis://127.0.0.1:6379/0 uv run python bench/surge.py [--patients N]
     [--subscribers N] [--arrival SECONDS]
It creates (and drops) its own database next to the one DATABASE_URL names
(`<name>_surge`).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from typing import Any

import httpx
import psycopg
import websockets

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import (  # noqa: E402
    cpu_seconds,
    filling_deps,
    ms,
    pct,
    print_overlaps,
    raise_open_files,
    raw_dsn,
    require_postgres_and_redis,
    servers,
    throwaway_database,
)
from bench.holds import SUBSCRIBE, raw_publish_receive, sequential  # noqa: E402
from persistence.migrate import upgrade_async  # noqa: E402
from portal.demo import default_clinic  # noqa: E402
from resolvers.deps import Deps  # noqa: E402
from tests import factories  # noqa: E402
from tests.support import ServerProcess  # noqa: E402

PRACTITIONERS = 10
DAYS = 14
SLOTS = """query($p: ID!, $s: ID!, $from: DateTime!, $to: DateTime!) {
  availableSlots(practitionerId: $p, serviceId: $s, from: $from, to: $to) { slots { start } }
}"""
HOLD = """mutation($p: ID!, $s: ID!, $start: DateTime!) {
  hold(practitionerId: $p, serviceId: $s, start: $start) {
    __typename ... on Hold { appointment { id } }
  }
}"""
REQUEST = """mutation($id: ID!, $patientId: ID!) {
  request(appointmentId: $id, patientId: $patientId) { __typename }
}"""
MAX_TRIES = 8


class Tally:
    def __init__(self) -> None:
        self.steps: dict[str, list[float]] = {"slots": [], "hold": [], "request": []}
        self.errors: Counter[str] = Counter()
        self.bookings = 0
        self.taken = 0
        self.gave_up = 0
        self.messages = 0


async def timed(tally: Tally, step: str, client: httpx.AsyncClient, **kw: Any) -> dict[str, Any]:
    started = time.perf_counter()
    response = await client.post("/graphql", **kw)
    tally.steps[step].append(time.perf_counter() - started)
    if response.status_code != 200:
        raise RuntimeError(f"{step}: HTTP {response.status_code} {response.text[:200]}")
    body = response.json()
    if body.get("errors"):
        raise RuntimeError(f"{step}: {body['errors'][0].get('message')}")
    return dict(body["data"])


async def patient(
    tally: Tally,
    client: httpx.AsyncClient,
    delay: float,
    token: str,
    patient_id: int,
    address: str,
    diaries: list[factories.Diary],
    days: list[datetime],
) -> None:
    await asyncio.sleep(delay)
    headers = {"Authorization": f"Bearer {token}", "X-Forwarded-For": address}
    diary = random.choice(diaries)
    day = random.choice(days)
    try:
        data = await timed(
            tally,
            "slots",
            client,
            headers=headers,
            json={
                "query": SLOTS,
                "variables": {
                    "p": diary.practitioner_id,
                    "s": diary.service_id,
                    "from": day.isoformat(),
                    "to": (day + timedelta(days=1)).isoformat(),
                },
            },
        )
        free = [s["start"] for s in data["availableSlots"]["slots"]]
        random.shuffle(free)
        for start in free[:MAX_TRIES]:
            held = (
                await timed(
                    tally,
                    "hold",
                    client,
                    headers=headers,
                    json={
                        "query": HOLD,
                        "variables": {
                            "p": diary.practitioner_id,
                            "s": diary.service_id,
                            "start": start,
                        },
                    },
                )
            )["hold"]
            if held["__typename"] == "SlotUnavailable":
                tally.taken += 1
                continue
            if held["__typename"] != "Hold":
                raise RuntimeError(f"hold: {held['__typename']}")
            requested = await timed(
                tally,
                "request",
                client,
                headers=headers,
                json={
                    "query": REQUEST,
                    "variables": {"id": held["appointment"]["id"], "patientId": str(patient_id)},
                },
            )
            if requested["request"]["__typename"] != "Appointment":
                raise RuntimeError(f"request: {requested['request']['__typename']}")
            tally.bookings += 1
            return
        tally.gave_up += 1
    except Exception as error:
        tally.errors[f"{type(error).__name__}: {error}"[:120]] += 1


async def watcher(
    tally: Tally, url: str, variables: dict[str, str], ready: asyncio.Queue[None]
) -> None:
    try:
        await watch(tally, url, variables, ready)
    except Exception as error:
        tally.errors[f"watcher: {type(error).__name__}: {error}"[:120]] += 1
        ready.put_nowait(None)


async def watch(
    tally: Tally, url: str, variables: dict[str, str], ready: asyncio.Queue[None]
) -> None:
    async with websockets.connect(
        url,
        subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
        max_queue=None,
        open_timeout=120,
    ) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        await ws.send(
            json.dumps(
                {
                    "id": "1",
                    "type": "subscribe",
                    "payload": {"query": SUBSCRIBE, "variables": variables},
                }
            )
        )
        ready.put_nowait(None)
        async for raw in ws:
            message = json.loads(raw)
            if message["type"] == "next":
                tally.messages += 1
            elif message["type"] == "ping":
                await ws.send(json.dumps({"type": "pong"}))
            elif message["type"] in ("error", "complete"):
                tally.errors[f"subscription {message['type']}"] += 1
                return


async def raw_commits(dsn: str, count: int) -> list[float]:
    async with await psycopg.AsyncConnection.connect(dsn) as connection:
        await connection.execute(
            "CREATE TABLE IF NOT EXISTS bench_raw (id serial PRIMARY KEY, at timestamptz)"
        )
        await connection.commit()

        async def one(_: int) -> None:
            await connection.execute("INSERT INTO bench_raw (at) VALUES (now())")
            await connection.commit()

        return await sequential(count, one)


async def main(args: argparse.Namespace) -> None:
    raise_open_files()
    _, broadcast = require_postgres_and_redis()
    with throwaway_database("surge") as url:
        await upgrade_async(url)
        deps = filling_deps(url)
        diaries, people = await fill(deps, args.patients)
        first_day = datetime.now(UTC).date() + timedelta(days=1)
        days = [factories.local(first_day + timedelta(days=d), 0) for d in range(DAYS)]
        try:
            with servers(url, broadcast, 2, "surge") as started:
                await run(args, started, diaries, days, people, raw_dsn(url), broadcast)
            await print_overlaps(deps.database)
        finally:
            await deps.database.dispose()


async def fill(
    deps: Deps, patients: int
) -> tuple[list[factories.Diary], list[tuple[factories.SignedInUser, int]]]:
    """A clinic with PRACTITIONERS 15-minute diaries (8:00 to 20:00) and `patients`
    patients with accounts."""
    clinic = default_clinic()
    clinic.minimum_notice_minutes, clinic.booking_horizon_days = 0, 400
    async with deps.database.writer() as session:
        session.add(clinic)
        await session.commit()
    diaries = [
        await factories.online_practitioner(
            deps, name=f"Practitioner {n}", duration_minutes=15, start=clock(8), end=clock(20)
        )
        for n in range(PRACTITIONERS)
    ]
    started = time.perf_counter()
    people = await factories.patients_with_accounts(deps, patients)
    print(f"{patients} patients with accounts made in {time.perf_counter() - started:.1f} s")
    return diaries, people


async def run(
    args: argparse.Namespace,
    servers: list[ServerProcess],
    diaries: list[factories.Diary],
    days: list[datetime],
    people: list[tuple[factories.SignedInUser, int]],
    raw_dsn: str,
    broadcast: str,
) -> None:
    # Idle connections are let go after 2 s, before the server's 5 s keep-alive ends
    # them: a request sent on a connection the server is closing fails (ReadError).
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=200, keepalive_expiry=2.0)
    clients = [httpx.AsyncClient(base_url=s.url, limits=limits, timeout=120) for s in servers]
    floor = await sequential(
        200, lambda _: clients[0].post("/graphql", json={"query": "{ __typename }"})
    )  # type: ignore[arg-type, return-value]
    commits = await raw_commits(raw_dsn, 200)
    hops = await raw_publish_receive(broadcast)

    tally = Tally()
    ready: asyncio.Queue[None] = asyncio.Queue()
    windows = [
        {
            "p": d.practitioner_id,
            "from": day.isoformat(),
            "to": (day + timedelta(days=1)).isoformat(),
        }
        for d in diaries
        for day in days
    ]
    watchers = []
    for batch in range(0, args.subscribers, 250):  # a few at a time, as pages open
        size = min(250, args.subscribers - batch)
        watchers += [
            asyncio.create_task(
                watcher(tally, servers[i % 2].ws_url, windows[i % len(windows)], ready)
            )
            for i in range(batch, batch + size)
        ]
        for _ in range(size):
            await asyncio.wait_for(ready.get(), 300)
    cpu_before = sum(cpu_seconds(s.process.pid) for s in servers)
    wall = time.perf_counter()
    await asyncio.gather(
        *(
            patient(
                tally,
                clients[i % 2],
                random.uniform(0, args.arrival),
                user.token,
                patient_id,
                f"198.18.{i // 250}.{i % 250 + 1}",
                diaries,
                days,
            )
            for i, (user, patient_id) in enumerate(people)
        )
    )
    wall = time.perf_counter() - wall
    cpu = sum(cpu_seconds(s.process.pid) for s in servers) - cpu_before
    for task in watchers:
        task.cancel()
    await asyncio.gather(*watchers, return_exceptions=True)
    for client in clients:
        await client.aclose()

    print(
        f"surge: {args.patients} patients arriving within {args.arrival:.0f} s, "
        f"{args.subscribers} websocket subscribers, 2 processes (PostgreSQL + Redis)"
    )
    print(
        f"  successful bookings        {tally.bookings} (gave up after {MAX_TRIES} tries: {tally.gave_up})"
    )
    print(f"  SlotUnavailable, retried   {tally.taken}")
    print(f"  errors                     {sum(tally.errors.values())} (must be 0)")
    for error, count in tally.errors.most_common(5):
        print(f"    {count} x {error}")
    for step, values in tally.steps.items():
        if values:
            print(
                f"  {step:10} p50 {ms(pct(values, 50))}   p99 {ms(pct(values, 99))}   ({len(values)})"
            )
    print(f"  wall time                  {wall:.1f} s")
    per_booking = cpu / tally.bookings if tally.bookings else float("nan")
    print(f"  server CPU                 {cpu:.1f} s, {per_booking * 1000:.1f} ms per booking")
    print(f"  slot changes received      {tally.messages} over {args.subscribers} sockets")
    print("raw floors, same run")
    print(f"  {{ __typename }}             p50 {ms(pct(floor, 50))}   p99 {ms(pct(floor, 99))}")
    print(f"  INSERT+COMMIT              p50 {ms(pct(commits, 50))}   p99 {ms(pct(commits, 99))}")
    print(f"  Redis PUBLISH->recv        p50 {ms(pct(hops, 50))}   p99 {ms(pct(hops, 99))}")


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--patients", type=int, default=2000)
    parser.add_argument("--subscribers", type=int, default=5000)
    parser.add_argument("--arrival", type=float, default=60.0, help="seconds")
    return parser.parse_args()


if __name__ == "__main__":
    asyncio.run(main(arguments()))
