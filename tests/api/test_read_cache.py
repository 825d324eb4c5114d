"""A process that keeps the slot lists and booking rules every portal repeats answers
exactly as one that reads them afresh: its own holds and the staff's changes show at
once."""

from __future__ import annotations

from datetime import datetime, timedelta

from portal.settings import Settings
from resolvers.deps import Deps
from schema.guards.kept_answers import MAX_ANSWERS_PER_LIST
from tests import factories
from tests.api.partners import access_token, partner
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


def day_of(diary: factories.Diary, day_start: datetime) -> dict[str, object]:
    """SLOTS' variables for one day of the diary."""
    return {
        "p": diary.practitioner_id,
        "s": diary.service_id,
        "from": day_start.isoformat(),
        "to": (day_start + timedelta(days=1)).isoformat(),
    }


async def free(gql: GraphQL, diary: factories.Diary, day_start: datetime) -> list[datetime]:
    found = (await gql(SLOTS, day_of(diary, day_start)))["availableSlots"]["slots"]
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


async def test_each_question_of_a_kept_slot_list_gets_its_own_answer(
    deps: Deps, settings: Settings
) -> None:
    diary = await factories.online_practitioner(deps)
    day = factories.local(factories.days_ahead(3), 0)
    window = day_of(diary, day)
    with_ends = SLOTS.replace("slots { start }", "slots { start end } openUntil")
    async with client_of(settings, read_cache=True) as gql:
        starts = (await gql(SLOTS, window))["availableSlots"]
        assert await gql(SLOTS, window) == {"availableSlots": starts}
        both = (await gql(with_ends, window))["availableSlots"]
        named = await gql(SLOTS.replace("availableSlots(", "free: availableSlots("), window)
        next_day = day_of(diary, day + timedelta(days=1))
        later = (await gql(SLOTS, next_day))["availableSlots"]

    assert [s["start"] for s in both["slots"]] == [s["start"] for s in starts["slots"]]
    assert all(set(s) == {"start", "end"} for s in both["slots"]) and "openUntil" in both
    assert named == {"free": starts}
    assert later["slots"] and later["slots"][0]["start"] > starts["slots"][-1]["start"]


async def test_a_kept_answer_goes_only_to_callers_who_may_read_availability(
    deps: Deps, settings: Settings
) -> None:
    diary = await factories.online_practitioner(deps)
    day = factories.local(factories.days_ahead(3), 0)
    window = day_of(diary, day)
    async with client_of(settings, read_cache=True) as gql:
        hub = await partner(gql, deps, "appointments:read")
        token = await access_token(gql.client, hub)
        assert (await gql(SLOTS, window))["availableSlots"]["slots"]

        refused = await gql.raw(SLOTS, window, token=token)

    assert refused["data"] is None
    assert refused["errors"][0]["extensions"]["code"] == "NOT_ALLOWED"


async def test_questions_past_what_a_list_keeps_are_still_answered_in_full(
    deps: Deps, settings: Settings
) -> None:
    diary = await factories.online_practitioner(deps)
    window = day_of(diary, factories.local(factories.days_ahead(3), 0))
    spellings = [
        SLOTS.replace("availableSlots(", f"a{n}: availableSlots(")
        for n in range(MAX_ANSWERS_PER_LIST + 4)
    ]
    async with client_of(settings, read_cache=True) as gql:
        expected = (await gql(SLOTS, window))["availableSlots"]
        answers = [await gql(spelling, window) for spelling in spellings * 2]

    assert expected["slots"]
    assert answers == [{f"a{n}": expected} for n in range(len(spellings))] * 2
