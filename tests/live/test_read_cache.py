"""Two processes that keep slot lists and booking rules (READ_CACHE on, beside Redis):
a hold or a staff change on one reaches the other's kept answers, as fast as a live
slot change does."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from portal.settings import Settings
from resolvers.deps import Deps
from tests import factories
from tests.api.test_availability_api import END_SERIES, SESSIONS, insert_appointment
from tests.api.test_read_cache import HOLD, free
from tests.conftest import running_servers
from tests.support import GraphQL, eventually, on_redis

pytestmark = pytest.mark.skipif(not on_redis(), reason="processes hear each other over Redis")


async def test_a_change_on_one_process_drops_what_the_other_kept(
    settings: Settings, run_dir: Path, deps: Deps
) -> None:
    diary = await factories.online_practitioner(deps)
    patient = await factories.user(deps)
    desk = await factories.staff(deps)
    day = factories.local(factories.days_ahead(3), 0)
    with running_servers(settings, run_dir, 2, READ_CACHE="on") as (one, other):
        async with (
            httpx.AsyncClient(base_url=one.url, timeout=30) as first,
            httpx.AsyncClient(base_url=other.url, timeout=30) as second,
        ):
            a, b = GraphQL(first), GraphQL(second)
            kept = await free(b, diary, day)
            # Unannounced, straight to the database: B keeps offering the slot.
            await insert_appointment(deps, diary, kept[0])
            assert await free(b, diary, day) == kept

            variables = {
                "p": diary.practitioner_id,
                "s": diary.service_id,
                "start": kept[1].isoformat(),
            }
            assert (await gql_hold(a, variables, patient.token)) == "Hold"

            async def slots_after_the_hold() -> bool:
                return await free(b, diary, day) == kept[2:]

            await eventually(slots_after_the_hold, timeout=5)

            every_series = (await a(SESSIONS, token=desk.token))["practitioners"][0]["sessions"]
            until = factories.days_ahead(1).isoformat()
            for series in every_series:
                await a(END_SERIES, {"id": series["id"], "until": until}, desk.token)

            async def no_slots_left() -> bool:
                return await free(b, diary, day) == []

            await eventually(no_slots_left, timeout=5)


async def gql_hold(gql: GraphQL, variables: dict[str, str], token: str) -> str:
    return str((await gql(HOLD, variables, token=token))["hold"]["__typename"])
