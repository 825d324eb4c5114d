"""Paging figures: a page of 100 patients out of 20,000, read at the front and at the
back of the list by keyset (what `patientsConnection` does) beside the same page read
with OFFSET (the floor at the front, what keyset avoids at the back), each the median of
repeated reads in the same run; and what charging a cost budget adds to an operation
(two Redis round trips) beside one raw Redis PING.

    uv run python bench/paging.py                       # SQLite, a throwaway file
    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1/portal_bench \\
    BROADCAST_URL=redis://127.0.0.1:6379/0 uv run python bench/paging.py

The database must be empty or a throwaway one: the benchmark fills its patients table.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

from redis import asyncio as redis
from sqlalchemy import select, text

from domain.paging import PATIENTS, PageArguments, page_request
from persistence.budgets import cost_budgets_for
from persistence.database import Database
from persistence.migrate import upgrade
from persistence.models import PatientRow
from persistence.unit_of_work import SqlUnitOfWork

PATIENTS_COUNT = 20_000
PAGE = 100
REPEATS = 30


async def median_ms(work: Callable[[], Awaitable[object]]) -> float:
    await work()  # warm up
    times = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        await work()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


async def fill(database: Database) -> None:
    async with database.writer() as session:
        await session.execute(text("DELETE FROM patients"))
        now = datetime.now(UTC)
        session.add_all(
            PatientRow(name=f"Patient {i:06d}", provisional=False, created_at=now)
            for i in range(PATIENTS_COUNT)
        )
        await session.commit()


async def paging(database: Database) -> None:
    async def keyset(after: str | None) -> None:
        request = page_request(PATIENTS, PageArguments(first=PAGE, after=after))
        async with SqlUnitOfWork(database, write=False) as uow:
            page = await uow.patients.search_page(None, request)
        assert len(page.items) == PAGE

    async def offset(skip: int) -> None:
        query = (
            select(PatientRow)
            .where(PatientRow.provisional.is_(False))
            .order_by(PatientRow.name, PatientRow.id)
            .offset(skip)
            .limit(PAGE + 1)
        )
        async with database.reader() as session:
            rows = (await session.execute(query)).scalars().all()
        assert len(rows) >= PAGE

    # The cursor of the item just before the last page.
    async with SqlUnitOfWork(database, write=False) as uow:
        back = page_request(PATIENTS, PageArguments(last=PAGE))
        start = (await uow.patients.search_page(None, back)).cursors[0]
        before = page_request(PATIENTS, PageArguments(last=1, before=start))
        deep = (await uow.patients.search_page(None, before)).cursors[0]
    depth = PATIENTS_COUNT - PAGE
    print(f"A page of {PAGE} of {PATIENTS_COUNT} patients, median of {REPEATS}:")
    print(f"  front, OFFSET 0 (floor)       {await median_ms(lambda: offset(0)):7.2f} ms")
    print(f"  front, keyset                 {await median_ms(lambda: keyset(None)):7.2f} ms")
    print(f"  back,  OFFSET {depth:<15d} {await median_ms(lambda: offset(depth)):7.2f} ms")
    print(f"  back,  keyset                 {await median_ms(lambda: keyset(deep)):7.2f} ms")


async def budgets(broadcast_url: str) -> None:
    if not broadcast_url.startswith("redis"):
        print("Budgets: in memory (set BROADCAST_URL=redis://… to measure Redis)")
        return
    store = cost_budgets_for(broadcast_url, "bench-paging")
    client = redis.Redis.from_url(broadcast_url)
    try:
        await store.forget_all()
        spend = await median_ms(lambda: store.spend("user:1", 300, 10**12))
        ping = await median_ms(client.ping)
    finally:
        await store.forget_all()
        await store.close()
        await client.aclose()
    print(f"Charging a budget: {spend:.2f} ms beside one Redis PING of {ping:.2f} ms")


async def measure(url: str) -> None:
    database = Database(url)
    try:
        await fill(database)
        await paging(database)
    finally:
        await database.dispose()
    await budgets(os.environ.get("BROADCAST_URL", "memory://"))


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = os.environ.get("DATABASE_URL") or f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
        upgrade(url)
        asyncio.run(measure(url))


if __name__ == "__main__":
    main()
