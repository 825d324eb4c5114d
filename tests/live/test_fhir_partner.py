"""A partner's own FHIR library against a real server: `fhirclient` reads the
CapabilityStatement, finds the clinic's Schedules and searches their free Slots, paging
through the Bundles' next links, as a booking hub would."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

from fhirclient import client
from fhirclient.models.schedule import Schedule
from fhirclient.models.slot import Slot

from portal.settings import Settings
from resolvers.deps import Deps
from tests import factories
from tests.conftest import server_env
from tests.support import ServerProcess, free_port


def search_as_a_partner(api_base: str, day: str, next_day: str) -> tuple[list, list]:
    smart = client.FHIRClient(settings={"app_id": "booking-hub", "api_base": api_base})
    schedules = Schedule.where(struct={}).perform_resources(smart.server)
    found = []
    for schedule in schedules:
        search = Slot.where(
            struct={
                "schedule": f"Schedule/{schedule.id}",
                "start": {"$gte": day, "$lt": next_day},
                "_count": "6",
            }
        )
        found += list(search.perform_resources_iter(smart.server))
    return schedules, found


async def test_fhirclient_finds_schedules_and_pages_through_free_slots(
    settings: Settings, run_dir: Path, deps: Deps
) -> None:
    diary = await factories.online_practitioner(deps)  # 8:00 to 18:00, 30 minutes
    day = factories.days_ahead(3)
    port = free_port()
    # Links in Bundles are made from PUBLIC_URL, as behind a proxy.
    server = ServerProcess(
        {**server_env(settings), "PUBLIC_URL": f"http://127.0.0.1:{port}"},
        run_dir / f"fhir-partner-{port}.log",
        port=port,
    )
    try:
        server.wait_ready()
        schedules, slots = await asyncio.to_thread(
            search_as_a_partner,
            f"{server.url}/fhir/R4",
            day.isoformat(),
            (day + timedelta(days=1)).isoformat(),
        )
    finally:
        server.stop()

    assert [s.id for s in schedules] == [f"{diary.practitioner_id}-{diary.location.id}"]
    assert len(slots) == 20
    assert len({s.id for s in slots}) == 20
    assert all(s.status == "free" for s in slots)
    assert slots[0].start.datetime == factories.slot_start(days=3, hour=8)
