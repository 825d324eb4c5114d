"""Benchmark of holds and live slot changes on PostgreSQL + Redis, two server processes.

Prints, each beside a raw baseline measured in the same run, and at the end one table
of every figure with its floor, the ratio and the goal (met or missed):
- one hold, `{ clinic { name } }` and `availableSlots` over 14 days with no other load,
  beside `{ __typename }` (the floor of any request), taken in turns; beside them what
  graphql-core alone takes to complete as many slots in this process;
- hold latency p50/p99, holds per second and server CPU per hold at CONCURRENCY
  concurrent clients, beside a raw SQL INSERT + COMMIT at the same concurrency and
  `{ __typename }` through the same stack at the same concurrency;
- the time from a hold's HTTP response (its commit is before it) to its SlotChange
  arriving at a websocket subscriber on the *other* process, beside a raw Redis
  PUBLISH -> receive;
- how long one slot change takes to reach all of FANOUT websocket subscribers spread
  over both processes;
- how long a subscriber that was away for N events (RESUMES) takes to catch up when it
  resumes with `since`, beside reading the same N entries from the Redis stream raw.

Run: DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1/postgres \
     BROADCAST_URL=redis://127.0.0.1:6379/0 uv run python bench/holds.py
It creates (and drops) its own database next to the one DATABASE_URL names
(`<name>_bench`).
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import itertools
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from pathlib import Path

import psycopg
import strawberry
import websockets
from redis import asyncio as redis

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import (  # noqa: E402
    filling_deps,
    ms,
    pct,
    print_overlaps,
    raise_open_files,
    raw_dsn,
    require_postgres_and_redis,
    servers,
    servers_cpu,
    throwaway_database,
)
from bench.lean_http import LeanClient  # noqa: E402
from persistence.database_identity import database_identity  # noqa: E402
from persistence.migrate import upgrade_async  # noqa: E402
from portal.demo import default_clinic  # noqa: E402
from resolvers.deps import Deps  # noqa: E402
from subscriptions.events import SlotChanged, SlotState, slot_channel  # noqa: E402
from subscriptions.history import Staged, cursor_for  # noqa: E402
from subscriptions.hub import Hub, prefix_for  # noqa: E402
from tests import factories  # noqa: E402
from tests.support import ServerProcess, free_port  # noqa: E402

CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "50"))
HOLDS = int(os.environ.get("BENCH_HOLDS", "1000"))
HOPS = int(os.environ.get("BENCH_HOPS", "200"))
FANOUTS = [int(n) for n in os.environ.get("BENCH_FANOUT", "1000,5000").split(",")]
FANOUT_ROUNDS = int(os.environ.get("BENCH_FANOUT_ROUNDS", "10"))
RESUMES = [int(n) for n in os.environ.get("BENCH_RESUMES", "100,10000").split(",")]
SINGLES = int(os.environ.get("BENCH_SINGLES", "200"))
#: A folder: the servers are profiled with py-spy during the concurrent holds.
PROFILE = os.environ.get("BENCH_PROFILE")

HOLD = """mutation($p: ID!, $s: ID!, $start: DateTime!) {
  hold(practitionerId: $p, serviceId: $s, start: $start) { __typename }
}"""
SLOTS = """query($p: ID!, $s: ID!, $from: DateTime!, $to: DateTime!) {
  availableSlots(practitionerId: $p, serviceId: $s, from: $from, to: $to) { slots { start } }
}"""
SUBSCRIBE = """subscription($p: ID!, $from: DateTime!, $to: DateTime!) {
  slotChanges(practitionerId: $p, from: $from, to: $to) { start state }
}"""


RESUMING = """subscription($p: ID!, $from: DateTime!, $to: DateTime!, $since: String) {
  slotChanges(practitionerId: $p, from: $from, to: $to, since: $since) { start state cursor }
}"""


SAMPLE_CHANGE = {"start": "2026-12-01T09:30:00+01:00", "state": "HELD"}


#: (row, figure, floor, ratio, goal, met) for the closing table.
ROWS: list[tuple[str, str, str, str, str, str]] = []


def row(name: str, figure: str, floor: str, ratio: float | None, goal: str, met: bool) -> None:
    ROWS.append(
        (
            name,
            figure,
            floor,
            "" if ratio is None else f"{ratio:.2f}",
            goal,
            "met" if met else "MISSED",
        )
    )


def print_table() -> None:
    print()
    print("| figure | measured | raw floor, same run | ratio | goal | |")
    print("|---|---|---|---|---|---|")
    for r in ROWS:
        print("| " + " | ".join(r) + " |")


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


@contextlib.contextmanager
def profiled(servers: list[ServerProcess], phase: str) -> Iterator[None]:
    """With BENCH_PROFILE set, a py-spy raw profile of each server during the phase
    (`bench/profile_summary.py` summarises one)."""
    if not PROFILE:
        yield
        return
    folder = Path(PROFILE)
    folder.mkdir(parents=True, exist_ok=True)
    spies = [
        subprocess.Popen(
            [
                *("py-spy", "record", "--pid", str(s.process.pid), "--rate", "250"),
                *("--format", "raw", "--output", str(folder / f"{phase}-{i}.txt")),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for i, s in enumerate(servers)
    ]
    try:
        yield
    finally:
        for spy in spies:
            spy.send_signal(signal.SIGINT)
            spy.wait(30)


async def sequential(count: int, one: Callable[[int], Awaitable[None]]) -> list[float]:
    latencies = []
    for i in range(count):
        started = time.perf_counter()
        await one(i)
        latencies.append(time.perf_counter() - started)
    return latencies


async def timed_concurrently(
    count: int, concurrency: int, one: Callable[[int], Awaitable[None]]
) -> tuple[list[float], float]:
    """Run `one(i)` for i < count with `concurrency` workers; per-call latencies and wall time."""
    latencies: list[float] = []
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(count):
        queue.put_nowait(i)

    async def worker() -> None:
        while not queue.empty():
            i = queue.get_nowait()
            started = time.perf_counter()
            await one(i)
            latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return latencies, time.perf_counter() - started


async def raw_insert_commit(dsn: str) -> tuple[list[float], float]:
    """The floor for a hold: one INSERT + COMMIT per call, CONCURRENCY connections."""
    connections = [await psycopg.AsyncConnection.connect(dsn) for _ in range(CONCURRENCY)]
    async with connections[0].cursor() as cursor:
        await cursor.execute(
            "CREATE TABLE IF NOT EXISTS bench_raw (id serial PRIMARY KEY, at timestamptz)"
        )
    await connections[0].commit()
    free = asyncio.Queue[psycopg.AsyncConnection]()
    for connection in connections:
        free.put_nowait(connection)

    async def one(_: int) -> None:
        connection = await free.get()
        async with connection.cursor() as cursor:
            await cursor.execute("INSERT INTO bench_raw (at) VALUES (now())")
        await connection.commit()
        free.put_nowait(connection)

    result = await timed_concurrently(HOLDS, CONCURRENCY, one)
    for connection in connections:
        await connection.close()
    return result


async def raw_publish_receive(url: str) -> list[float]:
    """The floor for a cross-process SlotChange: PUBLISH -> a subscriber's receive."""
    publisher = redis.Redis.from_url(url)
    subscriber = redis.Redis.from_url(url)
    pubsub = subscriber.pubsub(ignore_subscribe_messages=True)
    await pubsub.subscribe("bench.raw")
    latencies = []
    for _ in range(HOPS):
        started = time.perf_counter()
        await publisher.publish("bench.raw", "x")
        while await pubsub.get_message(timeout=5) is None:
            pass
        latencies.append(time.perf_counter() - started)
    await pubsub.aclose()
    await publisher.aclose()
    await subscriber.aclose()
    return latencies


async def open_subscriber(
    url: str, variables: dict[str, str], compression: str | None = "deflate"
) -> websockets.ClientConnection:
    """A subscriber; `compression=None` does not offer permessage-deflate."""
    socket = await websockets.connect(
        url,
        subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
        max_queue=None,
        compression=compression,
    )
    await socket.send(json.dumps({"type": "connection_init", "payload": {}}))
    assert json.loads(await socket.recv())["type"] == "connection_ack"
    await socket.send(
        json.dumps(
            {
                "id": "1",
                "type": "subscribe",
                "payload": {"query": SUBSCRIBE, "variables": variables},
            }
        )
    )
    return socket


#: The floor of a fan-out: a bare `websockets` server (no GraphQL, no broadcaster) that
#: writes one ready-made frame to each of its sockets when told "go".
RAW_FANOUT_SERVER = """
import asyncio, sys
from websockets.asyncio.server import broadcast, serve

FRAME = sys.argv[2]
sockets = set()

async def handler(socket):
    sockets.add(socket)
    try:
        async for message in socket:
            if message == "go":
                broadcast(sockets - {socket}, FRAME)
    finally:
        sockets.discard(socket)

async def main():
    async with serve(handler, "127.0.0.1", int(sys.argv[1]), max_queue=None):
        print("ready", flush=True)
        await asyncio.Future()

asyncio.run(main())
"""


async def raw_fan_out(count: int, frame: str) -> tuple[list[float], list[float]]:
    """Deliveries of one frame to `count` sockets over two bare websocket servers, timed
    from "go" as `fan_out` times the real thing; (each delivery, each round's last)."""
    ports = [free_port() for _ in range(2)]
    servers = [
        subprocess.Popen(  # noqa: ASYNC220 (set-up, before anything is timed)
            [sys.executable, "-c", RAW_FANOUT_SERVER, str(port), frame],
            stdout=subprocess.PIPE,
        )
        for port in ports
    ]
    try:
        for server in servers:
            assert server.stdout is not None and server.stdout.readline().strip() == b"ready"
        urls = [f"ws://127.0.0.1:{port}" for port in ports]
        controls = [await websockets.connect(url) for url in urls]
        sockets = []
        for batch in range(0, count, 250):
            sockets += await asyncio.gather(
                *(
                    websockets.connect(urls[i % 2], max_queue=None)
                    for i in range(batch, min(count, batch + 250))
                )
            )
        await asyncio.sleep(1.0)
        quiet_collector()
        deliveries, rounds = [], []
        for round_number in range(FANOUT_ROUNDS + 1):  # the first warms up, untimed
            sent = time.perf_counter()
            await asyncio.gather(*(control.send("go") for control in controls))
            if round_number == 0:
                await asyncio.gather(*(arrival(s) for s in sockets))
                continue
            arrivals = await asyncio.gather(*(arrival(s) for s in sockets))
            deliveries += [t - sent for t in arrivals]
            rounds.append(max(arrivals) - sent)
        gc.unfreeze()
        await asyncio.gather(*(s.close() for s in [*sockets, *controls]))
        return deliveries, rounds
    finally:
        for server in servers:
            server.kill()
            server.wait()


def quiet_collector() -> None:
    """This client's thousands of open sockets out of the garbage collector's way: a full
    collection over them takes hundreds of milliseconds, which would be timed as
    delivery (the same for the real fan-out and the bare floor)."""
    gc.collect()
    gc.freeze()


async def arrival(socket: websockets.ClientConnection) -> float:
    """When the socket's next slot change arrived (perf_counter)."""
    await next_change(socket)
    return time.perf_counter()


async def next_change(socket: websockets.ClientConnection) -> dict:
    while True:
        message = json.loads(await socket.recv())
        if message["type"] == "next":
            return message["payload"]["data"]["slotChanges"]
        if message["type"] == "ping":
            await socket.send(json.dumps({"type": "pong"}))


async def main() -> None:
    raise_open_files()
    _, broadcast = require_postgres_and_redis()
    with throwaway_database("bench") as url:
        await upgrade_async(url)
        deps = filling_deps(url)
        diary, ordinary, token = await fill(deps)
        first_day = datetime.now(UTC).date() + timedelta(days=2)
        starts = [
            factories.local(first_day + timedelta(days=d), 0) + timedelta(minutes=5 * i)
            for d in range(40)
            for i in range(12 * 23)
        ]
        prefix = prefix_for(await database_identity(deps.database))
        try:
            # A third process with no metrics and no request log, for what they cost.
            with (
                # Compression allowed, so each fan-out can be measured with and without.
                servers(url, broadcast, 2, "holds", WEBSOCKET_COMPRESSION="on") as started,
                servers(url, broadcast, 1, "bare", METRICS="off", LOG_REQUESTS="off") as bare,
            ):
                await run(started, bare[0], diary, ordinary, token, starts, raw_dsn(url), broadcast)
                for away in RESUMES:
                    await resume(started[1], diary, broadcast, prefix, away)
                print_table()
            await print_overlaps(deps.database)
        finally:
            await deps.database.dispose()


async def fill(deps: Deps) -> tuple[factories.Diary, factories.Diary, str]:
    """A clinic that lets anyone hold anything soon: a 5-minute diary all day for the
    holds, an ordinary one (30-minute slots, 8:00 to 18:00) for availableSlots, and a
    signed-in user's token."""
    clinic = default_clinic()
    clinic.minimum_notice_minutes, clinic.booking_horizon_days, clinic.max_live_holds = (
        0,
        400,
        100_000,
    )
    async with deps.database.writer() as session:
        session.add(clinic)
        await session.commit()
    diary = await factories.online_practitioner(
        deps, duration_minutes=5, start=clock(0), end=clock(23, 55), valid_from=date(2020, 1, 1)
    )
    ordinary = await factories.online_practitioner(deps, name="Ordinary Diary")
    user = await factories.user(deps)
    return diary, ordinary, user.token


async def run(
    servers: list[ServerProcess],
    bare: ServerProcess,
    diary: factories.Diary,
    ordinary: factories.Diary,
    token: str,
    starts: list[datetime],
    raw_dsn: str,
    broadcast: str,
) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    # A client that costs next to nothing per request (`lean_http`): httpx spent as much
    # CPU per request as the server, on the same two cores.
    clients = [LeanClient(s.url, headers) for s in servers]
    slots = iter(starts)
    # Each hold from an address of its own, as from many portals (the servers trust
    # 127.0.0.1 to say so): holds are limited per client address.
    addresses = (f"198.18.{n // 250}.{n % 250 + 1}" for n in itertools.count())

    async def hold_once(i: int, client: LeanClient | None = None) -> None:
        start = next(slots)
        body = {
            "query": HOLD,
            "variables": {
                "p": diary.practitioner_id,
                "s": diary.service_id,
                "start": start.isoformat(),
            },
        }
        status, answer = await (client or clients[i % 2]).post_json(
            "/graphql", body, headers={"X-Forwarded-For": next(addresses)}
        )
        kind = answer["data"]["hold"]["__typename"]
        assert status == 200 and kind == "Hold", answer

    for i in range(50):  # warm-up: connections, caches, both processes
        await hold_once(i)

    bare_client = LeanClient(bare.url, headers)
    for i in range(50):
        await hold_once(i, bare_client)
    await no_load_rows(servers, clients[0], bare_client, ordinary, starts, hold_once)
    raw_latencies, raw_wall = await raw_insert_commit(raw_dsn)
    cpu_before, client_before = servers_cpu(servers), time.process_time()
    with profiled(servers, "holds"):
        hold_latencies, hold_wall = await timed_concurrently(HOLDS, CONCURRENCY, hold_once)
    hold_cpu = (servers_cpu(servers) - cpu_before) / HOLDS
    hold_client_cpu = (time.process_time() - client_before) / HOLDS

    async def nothing_once(i: int) -> None:
        status, answer = await clients[i % 2].post_json(
            "/graphql", {"query": "{ __typename }"}, headers={"X-Forwarded-For": next(addresses)}
        )
        assert status == 200, answer

    # The same clients, servers and concurrency asking for nothing: what the HTTP and
    # GraphQL stack alone allows per second on this machine, beside the database's rate.
    cpu_before, client_before = servers_cpu(servers), time.process_time()
    nothing_latencies, nothing_wall = await timed_concurrently(HOLDS, CONCURRENCY, nothing_once)
    nothing_cpu = (servers_cpu(servers) - cpu_before) / HOLDS
    nothing_client_cpu = (time.process_time() - client_before) / HOLDS
    raw_hops = await raw_publish_receive(broadcast)

    window = {
        "p": diary.practitioner_id,
        "from": starts[0].isoformat(),
        "to": (starts[-1] + timedelta(days=1)).isoformat(),
    }
    listener = await open_subscriber(servers[1].ws_url, window)
    await asyncio.sleep(0.5)
    hops, answers = [], []
    for _ in range(HOPS):
        sent = time.perf_counter()
        await hold_once(0, clients[0])
        answers.append(time.perf_counter() - sent)
        await next_change(listener)
        hops.append(time.perf_counter() - sent)
    await listener.close()

    hold_p50, hold_p99 = pct(hold_latencies, 50), pct(hold_latencies, 99)
    raw_p50, raw_p99 = pct(raw_latencies, 50), pct(raw_latencies, 99)
    holds_per_s, commits_per_s = HOLDS / hold_wall, HOLDS / raw_wall
    print(
        f"holds: {HOLDS} at {CONCURRENCY} concurrent clients over 2 processes (PostgreSQL + Redis)"
    )
    print(
        f"  hold latency        p50 {ms(hold_p50)}   p99 {ms(hold_p99)}   {holds_per_s:8.1f} holds/s"
        f"   server CPU {ms(hold_cpu)} per hold, client {ms(hold_client_cpu)}"
    )
    print(
        f"  raw INSERT+COMMIT   p50 {ms(raw_p50)}   p99 {ms(raw_p99)}   {commits_per_s:8.1f} commits/s"
    )
    print(
        f"  {{ __typename }}      p50 {ms(pct(nothing_latencies, 50))}   "
        f"p99 {ms(pct(nothing_latencies, 99))}   {HOLDS / nothing_wall:8.1f} requests/s"
        f"   server CPU {ms(nothing_cpu)} per request, client {ms(nothing_client_cpu)}"
        f"   (the stack alone: {holds_per_s / (HOLDS / nothing_wall):.2f} of it is holds/s)"
    )
    row(
        f"holds/s, {CONCURRENCY} concurrent",
        f"{holds_per_s:.0f}",
        f"{commits_per_s:.0f} INSERT+COMMIT/s",
        holds_per_s / commits_per_s,
        ">= 0.25",
        holds_per_s / commits_per_s >= 0.25,
    )
    row(
        f"hold p50, {CONCURRENCY} concurrent",
        ms(hold_p50),
        ms(raw_p50),
        hold_p50 / raw_p50,
        "<= 3",
        hold_p50 / raw_p50 <= 3,
    )
    row(
        f"hold p99, {CONCURRENCY} concurrent",
        ms(hold_p99),
        ms(raw_p99),
        hold_p99 / raw_p99,
        "<= 10",
        hold_p99 / raw_p99 <= 10,
    )
    hop_p50, hop_p99 = pct(hops, 50), pct(hops, 99)
    answer_p50, answer_p99 = pct(answers, 50), pct(answers, 99)
    raw_hop_p50, raw_hop_p99 = pct(raw_hops, 50), pct(raw_hops, 99)
    # The SlotChange is published after the commit and before the HTTP answer, so the
    # time from commit to arrival on B is below (hold sent -> SlotChange on B).
    print(
        f"cross-process SlotChange, hold sent to A -> websocket on B ({HOPS} holds, one at a time)"
    )
    print(f"  hold sent -> HTTP answer from A   p50 {ms(answer_p50)}   p99 {ms(answer_p99)}")
    print(f"  hold sent -> SlotChange on B      p50 {ms(hop_p50)}   p99 {ms(hop_p99)}")
    print(f"  raw PUBLISH->recv                 p50 {ms(raw_hop_p50)}   p99 {ms(raw_hop_p99)}")
    print(
        f"  SlotChange later than the answer  p50 {ms(hop_p50 - answer_p50)} (goal: within raw p50 + 3 ms)"
    )
    row(
        "SlotChange later than the hold's answer, p50",
        ms(hop_p50 - answer_p50),
        ms(raw_hop_p50) + " PUBLISH->recv",
        None,
        "<= raw + 3 ms",
        hop_p50 - answer_p50 <= raw_hop_p50 + 0.003,
    )
    for fanout in FANOUTS:
        # Sockets offering permessage-deflate (browsers and `websockets` do, and the
        # servers take it), then sockets that do not: what compression costs the servers.
        order = os.environ.get("BENCH_COMPRESSION_ORDER", "deflate,none").split(",")
        for compression in [None if c == "none" else c for c in order]:
            await fan_out(servers, clients, hold_once, window, fanout, raw_hop_p50, compression)
    for client in clients:
        await client.aclose()


async def no_load_rows(
    servers: list[ServerProcess],
    client: LeanClient,
    bare: LeanClient,
    diary: factories.Diary,
    starts: list[datetime],
    hold_once: Callable[..., Awaitable[None]],
) -> None:
    """One request at a time with nothing else running, beside `{ __typename }`."""

    async def query(body: dict[str, object], to: LeanClient = client) -> None:
        status, answer = await to.post_json("/graphql", body)
        assert status == 200 and "errors" not in answer, answer

    fortnight = {
        "p": diary.practitioner_id,
        "s": diary.service_id,
        "from": starts[0].isoformat(),
        "to": (starts[0] + timedelta(days=14)).isoformat(),
    }
    kinds: dict[str, Callable[[int], Awaitable[None]]] = {
        "floor": lambda _: query({"query": "{ __typename }"}),
        "clinic": lambda _: query({"query": "{ clinic { name } }"}),
        "slots": lambda _: query({"query": SLOTS, "variables": fortnight}),
        "hold": lambda i: hold_once(i, client),
        # The same on the process with no metrics and no request log.
        "bare floor": lambda _: query({"query": "{ __typename }"}, bare),
        "bare hold": lambda i: hold_once(i, bare),
    }
    # In turns, one of each kind per round, so whatever the machine does meanwhile (other
    # work, the collector, frequency) weighs on every kind alike. (Measured as blocks
    # one after another, the floor's p50 moved by up to 50 % between the first and the
    # last block of one run.) A hold's announcements go out after its answer: an
    # uncounted `{ __typename }` after each hold takes that aftermath, which would
    # otherwise land on the floor measured next (0.1x on the ratio, measured).
    timings: dict[str, list[float]] = {name: [] for name in kinds}
    with profiled(servers[:1], "singles"):
        for i in range(SINGLES):
            for name, one in kinds.items():
                started = time.perf_counter()
                await one(i)
                timings[name].append(time.perf_counter() - started)
                if name == "hold":
                    await kinds["floor"](i)
                elif name == "bare hold":
                    await kinds["bare floor"](i)
    floor, clinic, slots, one_hold = (timings[k] for k in ("floor", "clinic", "slots", "hold"))
    answered = await client.post_json("/graphql", {"query": SLOTS, "variables": fortnight})
    count = len(answered[1]["data"]["availableSlots"]["slots"])
    executor = await executor_alone(count)
    print(
        f"{{ __typename }} p50 {ms(pct(floor, 50))}, p90 {ms(pct(floor, 90))} "
        f"(in turns with the others, {SINGLES} rounds)"
    )
    base = pct(floor, 50)
    print(
        f"graphql-core alone completing {count} slots {{ start }} in this process: "
        f"{ms(executor)} beyond a bare field (availableSlots answers {count})"
    )
    print(f"no other load, one request at a time ({SINGLES} each), p50:")
    for name, values, goal in (
        ("one hold", one_hold, 3.0),
        ("{ clinic { name } }", clinic, 1.5),
        ("availableSlots, 14 days", slots, 2.5),
    ):
        figure = pct(values, 50)
        print(f"  {name:28} {ms(figure)}   {{ __typename }} {ms(base)}   {figure / base:5.2f}x")
        row(
            f"{name}, no other load (p50)",
            ms(figure),
            ms(base) + " { __typename }",
            figure / base,
            f"<= {goal}",
            figure / base <= goal,
        )
    observed = pct(one_hold, 50) / base
    unobserved = pct(timings["bare hold"], 50) / pct(timings["bare floor"], 50)
    cost = observed / unobserved - 1
    print(
        f"  one hold unloaded vs {{ __typename }}: {observed:.2f}x with metrics and the "
        f"request log, {unobserved:.2f}x without ({cost:+.1%}; tracing off)"
    )
    row(
        "one hold unloaded, metrics and logs on vs off",
        f"{observed:.2f}x",
        f"{unobserved:.2f}x off",
        observed / unobserved,
        "<= 1.05",
        cost <= 0.05,
    )


@strawberry.type
class ToySlot:
    start: datetime


@strawberry.type
class ToySlots:
    slots: list[ToySlot]


async def executor_alone(count: int) -> float:
    """What Strawberry and graphql-core alone take to complete `count` objects of one
    DateTime field, beyond the same field answering `{ __typename }` (p50, in this
    process, no I/O): the part of `availableSlots` no server change can remove."""
    first = datetime.now(UTC)
    listed = ToySlots(
        slots=[ToySlot(start=first + timedelta(minutes=30 * i)) for i in range(count)]
    )

    @strawberry.type
    class Query:
        @strawberry.field
        async def available(self) -> ToySlots:
            return listed

    schema = strawberry.Schema(query=Query)

    async def p50(query: str) -> float:
        async def once(_: int) -> None:
            result = await schema.execute(query)
            assert result.errors is None, result.errors

        return pct(await sequential(SINGLES, once), 50)

    return await p50("{ available { slots { start } } }") - await p50(
        "{ available { __typename } }"
    )


async def fan_out(
    servers: list[ServerProcess],
    clients: list[LeanClient],
    hold_once: Callable[..., Awaitable[None]],
    window: dict[str, str],
    count: int,
    raw_hop: float,
    compression: str | None = "deflate",
) -> None:
    """One slot change to `count` websocket subscribers spread over both processes."""
    before = [rss_kib(s.process.pid) for s in servers]
    sockets = []
    for batch in range(0, count, 250):
        sockets += await asyncio.gather(
            *(
                open_subscriber(servers[i % 2].ws_url, window, compression)
                for i in range(batch, min(count, batch + 250))
            )
        )
    await asyncio.sleep(1.0)
    after = [rss_kib(s.process.pid) for s in servers]
    per_socket = (sum(after) - sum(before)) * 1024 / count
    quiet_collector()
    # Each subscriber's delivery, timed from the moment the hold was sent (its commit and
    # the publish come after that), in every round.
    deliveries: list[float] = []
    rounds: list[float] = []
    cpu_before = servers_cpu(servers)
    for _ in range(FANOUT_ROUNDS):
        sent = time.perf_counter()
        await hold_once(0, clients[0])
        arrivals = await asyncio.gather(*(arrival(s) for s in sockets))
        deliveries += [t - sent for t in arrivals]
        rounds.append(max(arrivals) - sent)
    cpu_per_delivery = (servers_cpu(servers) - cpu_before) / (FANOUT_ROUNDS * count)
    gc.unfreeze()
    await asyncio.gather(*(s.close() for s in sockets))
    p50, p99 = pct(deliveries, 50), pct(deliveries, 99)
    deflate = "permessage-deflate" if compression else "no compression"
    print(
        f"fan-out of one SlotChange to {count} websocket subscribers on 2 processes, "
        f"{deflate} ({FANOUT_ROUNDS} rounds, {len(deliveries)} deliveries, from the "
        "hold's sending)"
    )
    print(
        f"  each subscriber     p50 {ms(p50)}   p99 {ms(p99)}   "
        f"server memory {per_socket / 1024:.1f} KiB per socket   "
        f"server CPU {cpu_per_delivery * 1e6:.0f} µs per delivery"
    )
    print("  last subscriber of each round " + ", ".join(f"{r * 1000:.0f}" for r in rounds) + " ms")
    frame = json.dumps(
        {"id": "1", "type": "next", "payload": {"data": {"slotChanges": SAMPLE_CHANGE}}}
    )
    raw, raw_rounds = await raw_fan_out(count, frame)
    raw_p50, raw_p99 = pct(raw, 50), pct(raw, 99)
    print(
        f"  bare websockets     p50 {ms(raw_p50)}   p99 {ms(raw_p99)}   (same frame, same "
        f"client, two bare servers; last of each round "
        + ", ".join(f"{r * 1000:.0f}" for r in raw_rounds)
        + " ms)"
    )
    goal = 0.050 if count <= 1000 else 0.250
    row(
        f"one slot change -> {count} subscribers, {deflate}, p99 (p50 {p50 * 1000:.1f} ms, "
        f"slowest round's last {max(rounds) * 1000:.0f} ms)",
        ms(p99),
        f"{ms(raw_p99)} bare websocket broadcast p99 (p50 {raw_p50 * 1000:.1f} ms)",
        p99 / raw_p99,
        f"<= {goal * 1000:.0f} ms",
        p99 <= goal,
    )
    row(
        f"server CPU per delivery, {count} sockets, {deflate}",
        f"{cpu_per_delivery * 1e6:.0f} µs",
        "",
        None,
        "measured",
        True,
    )
    row(
        f"server memory per socket, {count} sockets, {deflate}",
        f"{per_socket / 1024:.1f} KiB",
        "",
        None,
        "bounded",
        True,
    )


async def resume(
    server: ServerProcess, diary: factories.Diary, broadcast: str, prefix: str, away: int
) -> None:
    """A subscriber away for `away` events resumes with `since`: the time from its
    subscribe message to the last missed event, beside reading them raw (XRANGE)."""
    hub = Hub(broadcast, prefix=prefix)
    await hub.connect()
    try:
        channel = hub.wire_channel(slot_channel(int(diary.practitioner_id)))
        start = datetime.now(UTC) + timedelta(days=3)
        end = start + timedelta(minutes=30)
        body = SlotChanged(int(diary.practitioner_id), start, end, SlotState.HELD).to_json()
        events = [Staged(os.urandom(16).hex(), (channel,), body) for _ in range(away + 1)]
        positions = []
        for first in range(0, len(events), 1000):
            positions += await hub.history.relay(events[first : first + 1000])
        assert positions[0] is not None
        since = cursor_for(hub.deployment, positions[0])
    finally:
        await hub.disconnect()
    raw = redis.Redis.from_url(broadcast)
    began = time.perf_counter()
    read = 0
    async for _ in _stream_pages(raw, f"{prefix}:portal.events", positions[0]):
        read += 1
    raw_seconds = time.perf_counter() - began
    await raw.aclose()
    window = {
        "p": diary.practitioner_id,
        "from": start.isoformat(),
        "to": (start + timedelta(hours=1)).isoformat(),
        "since": since,
    }
    socket = await websockets.connect(
        server.ws_url, subprotocols=["graphql-transport-ws"], max_queue=None
    )  # type: ignore[list-item]
    await socket.send(json.dumps({"type": "connection_init", "payload": {}}))
    assert json.loads(await socket.recv())["type"] == "connection_ack"
    began = time.perf_counter()
    await socket.send(
        json.dumps(
            {"id": "1", "type": "subscribe", "payload": {"query": RESUMING, "variables": window}}
        )
    )
    for _ in range(away):
        await next_change(socket)
    seconds = time.perf_counter() - began
    await socket.close()
    print(
        f"resume after {away} missed events: {ms(seconds)} to the last   raw XRANGE of {read} entries {ms(raw_seconds)}"
    )
    row(
        f"resume, {away} missed events",
        ms(seconds),
        f"{ms(raw_seconds)} raw XRANGE",
        seconds / raw_seconds,
        "measured",
        True,
    )


async def _stream_pages(client: redis.Redis, stream: str, after: tuple[int, int]):  # type: ignore[no-untyped-def]
    start = f"({after[0]}-{after[1]}"
    while True:
        page = await client.xrange(stream, start, "+", count=1000)
        for entry in page:
            yield entry
        if len(page) < 1000:
            return
        start = f"({page[-1][0].decode()}"


if __name__ == "__main__":
    asyncio.run(main())
