"""Waitlist offers through two real server processes: each freed time is offered once,
to the first in line, whichever process notices; a declined one goes to the next at once."""

from __future__ import annotations

import asyncio
from datetime import datetime, time, timedelta
from pathlib import Path

import httpx
from sqlalchemy import select

from persistence.models import WaitlistEntryRow
from portal.settings import Settings
from resolvers.deps import Deps
from tests import factories
from tests.api.test_waitlist import DECLINE, JOIN, MINE, STAFF_CANCEL, wish
from tests.conftest import running_servers
from tests.support import GraphQL, ServerProcess, eventually

SLOTS = 5
WAITING = 20


async def offered(deps: Deps) -> dict[int, int]:
    """Entry id → offered appointment id, for entries holding an offer now."""
    async with deps.database.reader() as session:
        rows = await session.execute(
            select(WaitlistEntryRow.id, WaitlistEntryRow.offer_id).where(
                WaitlistEntryRow.state == "OFFERED"
            )
        )
        return {entry: offer for entry, offer in rows.all()}


async def test_five_freed_times_go_once_each_to_the_first_five_and_a_declined_one_to_the_next(
    settings: Settings, run_dir: Path, deps: Deps
) -> None:
    with running_servers(settings, run_dir, 2, WAITLIST_SECONDS="0.2") as two_servers:
        await _race(two_servers, deps)


async def _race(two_servers: list[ServerProcess], deps: Deps) -> None:
    diary = await factories.online_practitioner(deps, start=time(9), end=time(11, 30))
    nine = factories.slot_start(days=3, hour=9)
    starts = [nine + timedelta(minutes=30 * n) for n in range(SLOTS)]
    booked = [await factories.appointment(deps, diary, start=s) for s in starts]
    people = await factories.patients_with_accounts(deps, WAITING)
    desk = await factories.staff(deps)
    clients = [httpx.AsyncClient(base_url=s.url, timeout=30) for s in two_servers]
    try:
        a, b = (GraphQL(c) for c in clients)
        entries = []
        for user, patient in people:  # in line in this order
            joined = await a(JOIN, {"input": wish(diary, patient)}, token=user.token)
            entries.append(int(joined["joinWaitlist"]["id"]))

        await asyncio.gather(
            *(
                (a, b)[n % 2](STAFF_CANCEL, {"id": str(row.id)}, token=desk.token)
                for n, row in enumerate(booked)
            )
        )

        async def all_offered() -> dict[int, int] | None:
            now = await offered(deps)
            return now if len(now) >= SLOTS else None

        first_round = await eventually(all_offered, timeout=5)
        assert sorted(first_round) == entries[:SLOTS]
        starts_offered = []
        for n, (user, _) in enumerate(people[:SLOTS]):
            [entry] = (await b(MINE, token=user.token))["myWaitlist"]
            assert entry["state"] == "OFFERED", (n, entry)
            starts_offered.append(datetime.fromisoformat(entry["offer"]["start"]))
        assert sorted(starts_offered) == starts  # each time once, none overlapping

        # Each of the first five lets its time go, in turn: the time goes at once to
        # the first in line who is waiting and has not let that time go (the one who
        # declined keeps their place, and may be offered another time).
        holding = dict(first_round)
        passed: dict[int, set[int]] = {}
        for n, (user, _) in enumerate(people[:SLOTS]):
            entry = entries[n]
            offer = holding.pop(entry)
            declined = await (a, b)[n % 2](DECLINE, {"id": str(offer)}, token=user.token)
            assert declined["declineOffer"]["state"] == "WAITING"
            when = int(starts_offered[n].timestamp())
            passed.setdefault(entry, set()).add(when)
            successor = next(
                e for e in entries if e not in holding and when not in passed.get(e, set())
            )

            async def passed_on(successor: int = successor) -> dict[int, int] | None:
                now = await offered(deps)
                return now if successor in now else None

            holding = await eventually(passed_on, timeout=1.0, interval=0.02)
            assert entry not in holding or holding[entry] != offer
        assert len(holding) == SLOTS and len(set(holding.values())) == SLOTS
    finally:
        for client in clients:
            await client.aclose()
