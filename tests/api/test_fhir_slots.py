"""FHIR Schedule and Slot: free times from the same availability as `availableSlots`, in
the clinic's zone with the offset of each time (across a daylight-saving change, in two
zones), paged, gone once held, and every malformed search an OperationOutcome."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

import pytest

from portal.settings import Settings
from resolvers.deps import Deps
from tests import factories
from tests.api.partners import access_token, partner
from tests.api.test_holds import hold
from tests.apps import client_of
from tests.fhir_checks import fhir_answer, issue_of
from tests.support import GraphQL

BASE = "/fhir/R4"


def day_window(day: date) -> str:
    return f"start=ge{day.isoformat()}&start=lt{(day + timedelta(days=1)).isoformat()}"


async def slots(gql: GraphQL, query: str) -> list[dict]:
    found: list[dict] = []
    url: str | None = f"{BASE}/Slot?{query}"
    while url:
        page = fhir_answer(await gql.client.get(url))
        found += [e["resource"] for e in page["entry"] if e["search"]["mode"] == "match"]
        url = next((link["url"] for link in page["link"] if link["relation"] == "next"), None)
    return found


async def test_a_schedule_per_practitioner_and_place_with_its_services(
    gql: GraphQL, deps: Deps
) -> None:
    diary = await factories.online_practitioner(deps, name="Maria Keller")

    bundle = fhir_answer(await gql.client.get(f"{BASE}/Schedule"))

    (entry,) = bundle["entry"]
    schedule = entry["resource"]
    assert schedule["id"] == f"{diary.practitioner_id}-{diary.location.id}"
    assert [a["reference"] for a in schedule["actor"]] == [
        f"Practitioner/{diary.practitioner_id}",
        f"Location/{diary.location.id}",
    ]
    assert schedule["serviceType"][0]["coding"][0]["code"] == diary.service_id
    assert schedule["planningHorizon"]["start"] < schedule["planningHorizon"]["end"]


async def test_a_days_free_slots_page_by_page_and_a_held_one_is_gone(
    gql: GraphQL, deps: Deps
) -> None:
    diary = await factories.online_practitioner(deps)  # 8:00 to 18:00, 30 minutes
    day = factories.days_ahead(3)
    schedule = f"schedule=Schedule/{diary.practitioner_id}-{diary.location.id}"

    before = await slots(gql, f"{schedule}&{day_window(day)}&_count=7")
    anna = await factories.user(deps)
    await hold(gql, diary, factories.slot_start(days=3, hour=10), anna.token)
    after = await slots(gql, f"{schedule}&{day_window(day)}&status=free")

    assert len(before) == 20
    assert len({s["id"] for s in before}) == 20
    assert [s["start"] for s in before] == sorted(s["start"] for s in before)
    assert {s["status"] for s in before} == {"free"}
    assert datetime.fromisoformat(before[0]["start"]) == factories.slot_start(days=3, hour=8)
    assert len(after) == 19
    taken = factories.slot_start(days=3, hour=10)
    assert taken not in {datetime.fromisoformat(s["start"]) for s in after}
    read = fhir_answer(await gql.client.get(f"{BASE}/Slot/{after[0]['id']}"))
    assert read == after[0]


@pytest.mark.parametrize(
    ("zone", "saturday", "monday", "winter", "summer"),
    [
        ("Europe/Berlin", date(2027, 3, 27), date(2027, 3, 29), "+01:00", "+02:00"),
        ("America/New_York", date(2027, 3, 13), date(2027, 3, 15), "-05:00", "-04:00"),
    ],
)
async def test_slots_across_a_daylight_saving_change_carry_each_days_offset(
    gql: GraphQL, deps: Deps, zone: str, saturday: date, monday: date, winter: str, summer: str
) -> None:
    await factories.set_clinic(
        deps, time_zone=zone, booking_horizon_days=500, minimum_notice_minutes=0
    )
    diary = await factories.online_practitioner(deps)
    schedule = f"schedule=Schedule/{diary.practitioner_id}-{diary.location.id}"

    window = f"start=ge{saturday.isoformat()}&start=lt{(monday + timedelta(days=1)).isoformat()}"
    found = await slots(gql, f"{schedule}&{window}&_count=100")

    by_day: dict[str, list[str]] = {}
    for slot in found:
        by_day.setdefault(slot["start"][:10], []).append(slot["start"])
    assert by_day[saturday.isoformat()][0] == f"{saturday.isoformat()}T08:00:00{winter}"
    assert by_day[monday.isoformat()][0] == f"{monday.isoformat()}T08:00:00{summer}"
    assert len(by_day) == 3 and all(len(day) == 20 for day in by_day.values())


@pytest.mark.parametrize(
    ("query", "status", "code"),
    [
        ("start=ge2027-01-04&start=lt2027-01-05", 400, "required"),
        ("schedule=Schedule/1-1&start=ge2027-01-04", 400, "required"),
        ("schedule=Schedule/1-1&start=ge2027-13-45&start=lt2027-01-05", 400, "invalid"),
        ("schedule=Schedule/1-1&start=ge2027-01-04T09:00&start=lt2027-01-05", 400, "invalid"),
        ("schedule=Schedule/1-1&start=eq2027-01-04&start=lt2027-01-05", 400, "invalid"),
        ("schedule=Schedule/1-1&start=ge2027-01-04&start=lt2027-06-05", 400, "invalid"),
        (
            "schedule=Schedule/1-1&start=ge2027-01-04&start=lt2027-01-05&status=booked",
            400,
            "not-supported",
        ),
        ("schedule=Schedule/x&start=ge2027-01-04&start=lt2027-01-05", 400, "required"),
        (
            "schedule=Schedule/1-1&start=ge2027-01-04&start=lt2027-01-05&service-type=%27",
            400,
            "invalid",
        ),
    ],
)
async def test_malformed_slot_searches_answer_an_operation_outcome(
    gql: GraphQL, deps: Deps, query: str, status: int, code: str
) -> None:
    await factories.online_practitioner(deps)

    issue = issue_of(await gql.client.get(f"{BASE}/Slot?{query}"), status)

    assert issue["code"] == code


async def test_an_unknown_schedule_has_no_slots_and_an_unknown_slot_is_not_found(
    gql: GraphQL, deps: Deps
) -> None:
    await factories.online_practitioner(deps)
    day = factories.days_ahead(3)

    none = fhir_answer(
        await gql.client.get(f"{BASE}/Slot?schedule=Schedule/999-999&{day_window(day)}")
    )
    missing = await gql.client.get(f"{BASE}/Slot/999-999-1-202701040900")
    garbled = await gql.client.get(f"{BASE}/Slot/1-1-1-209913999999")

    assert none["total"] == 0
    assert issue_of(missing, 404)["code"] == "not-found"
    assert issue_of(garbled, 404)["code"] == "not-found"


async def test_slot_searches_spend_the_senders_budget_and_past_it_are_throttled(
    settings: Settings, deps: Deps
) -> None:
    diary = await factories.online_practitioner(deps)
    day = factories.days_ahead(3)
    query = f"schedule=Schedule/{diary.practitioner_id}-{diary.location.id}&{day_window(day)}"
    async with client_of(
        settings, cost_budget_per_minute=500, channel_prefix=f"fhir-budget-{uuid.uuid4().hex[:12]}"
    ) as api:
        answers = [await api.client.get(f"{BASE}/Slot?{query}") for _ in range(4)]

    assert [a.status_code for a in answers[:2]] == [200, 200]  # 200 each (two days)
    refused = answers[-1]
    assert issue_of(refused, 429)["code"] == "throttled"
    assert int(refused.headers["retry-after"]) >= 1


async def test_taken_times_are_busy_or_tentative_for_those_who_read_the_diary(
    gql: GraphQL, deps: Deps
) -> None:
    diary = await factories.online_practitioner(deps)
    holder = await factories.user(deps)
    held_at = factories.slot_start(days=3, hour=9)
    booked_at = factories.slot_start(days=3, hour=10)
    await hold(gql, diary, held_at, holder.token)
    await factories.appointment(deps, diary, start=booked_at)
    reader = await access_token(
        gql.client, await partner(gql, deps, "availability:read", "appointments:read")
    )
    schedule = f"schedule=Schedule/{diary.practitioner_id}-{diary.location.id}"
    query = f"{schedule}&{day_window(factories.days_ahead(3))}&status=busy,busy-tentative"

    taken = fhir_answer(
        await gql.client.get(f"{BASE}/Slot?{query}", headers={"Authorization": f"Bearer {reader}"})
    )
    everything = fhir_answer(
        await gql.client.get(
            f"{BASE}/Slot?{query},free&_count=100", headers={"Authorization": f"Bearer {reader}"}
        )
    )
    anonymous = await gql.client.get(f"{BASE}/Slot?{query}")

    found = {e["resource"]["start"]: e["resource"]["status"] for e in taken["entry"]}
    assert found == {held_at.isoformat(): "busy-tentative", booked_at.isoformat(): "busy"}
    statuses = [e["resource"]["status"] for e in everything["entry"]]
    assert (statuses.count("free"), len(statuses)) == (18, 20)
    assert issue_of(anonymous, 403)["code"] == "forbidden"
