"""A process that keeps the slot lists and booking rules every portal repeats answers
exactly as one that reads them afresh: its own holds and the staff's changes show at
once."""

from __future__ import annotations

from datetime import datetime, timedelta

from portal.settings import Settings
from resolvers.deps import Deps
from tests import factories
from tests.api.test_availability_api import END_SERIES, SESSIONS, insert_appointment
from tests.apps import client_of
from tests.support import GraphQL

SLOTS = """
query Slots($p: ID!, $s: ID!, $from: DateTime!, $to: DateTime!) {
  availableSlots(practitionerId: $p, serviceId: $s, from: $from, to: $to) { slots { start } }
}
"""
HOLD = """
mutation Hold($p: ID!, $s: ID!, $start: DateTime!) {
  hold(practitionerId: $p, serviceId: $s, start: $start) { __typename }
}
"""


async def free(gql: GraphQL, diary: factories.Diary, day_start: datetime) -> list[datetime]:
    variables = {
        "p": diary.practitioner_id,
        "s": diary.service_id,
        "from": day_start.isoformat(),
        "to": (day_start + timedelta(days=1)).isoformat(),
    }
    found = (await gql(SLOTS, variables))["availableSlots"]["slots"]
    return [datetime.fromisoformat(s["start"]) for s in found]


async def test_a_hold_leaves_the_kept_slot_list_at_once(deps: Deps, settings: Settings) -> None:
    diary = await factories.online_practitioner(deps)
    patient = await factories.user(deps)
    day = factories.local(factories.days_ahead(3), 0)
    async with client_of(settings, read_cache=True) as gql:
        before = await free(gql, diary, day)
        # Written behind this process's back, unannounced: the kept list still offers
        # it, which shows the list is kept.
        await insert_appointment(deps, diary, before[0])
        assert await free(gql, diary, day) == before
        variables = {
            "p": diary.practitioner_id,
            "s": diary.service_id,
            "start": before[1].isoformat(),
        }
        held = await gql(HOLD, variables, token=patient.token)
        assert held["hold"]["__typename"] == "Hold"
        assert await free(gql, diary, day) == before[2:]


async def test_the_staff_ending_a_session_series_empties_the_kept_slots(
    deps: Deps, settings: Settings
) -> None:
    diary = await factories.online_practitioner(deps)
    desk = await factories.staff(deps)
    day = factories.local(factories.days_ahead(10), 0)
    async with client_of(settings, read_cache=True) as gql:
        assert await free(gql, diary, day)
        every_series = (await gql(SESSIONS, token=desk.token))["practitioners"][0]["sessions"]
        until = factories.days_ahead(5).isoformat()
        for series in every_series:
            await gql(END_SERIES, {"id": series["id"], "until": until}, desk.token)
        assert await free(gql, diary, day) == []
