"""SMART Scheduling Links: `$bulk-publish` answers anyone a manifest of NDJSON files of
Location, Practitioner, Schedule and Slot; each Slot links into the booking page at its
time; `_since` and caching as documented; the clinic may turn it off."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from resolvers.deps import Deps
from tests import factories
from tests.fhir_checks import issue_of, valid
from tests.support import GraphQL

MANIFEST = "/fhir/R4/$bulk-publish"
DEEP_LINK = "http://fhir-registry.smarthealthit.org/StructureDefinition/booking-deep-link"
SETTINGS = """
mutation($publish: Boolean!) {
  updateClinicSettings(input: {publishAvailability: $publish}) {
    __typename ... on ClinicSettings { publishAvailability } }
}
"""


async def published(client: httpx.AsyncClient, url: str) -> list[dict[str, Any]]:
    answer = await client.get(url.removeprefix("http://portal.test"))
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("application/fhir+ndjson")
    assert answer.headers["cache-control"] == "public, max-age=60"
    return [valid(json.loads(line)) for line in answer.text.splitlines()]


async def test_anyone_reads_the_manifest_and_every_file_it_names(gql: GraphQL, deps: Deps) -> None:
    diary = await factories.online_practitioner(deps)

    answer = await gql.client.get(MANIFEST)

    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/json")
    manifest = answer.json()
    assert manifest["request"] == f"http://portal.test{MANIFEST}"
    assert datetime.fromisoformat(manifest["transactionTime"]).tzinfo is not None
    assert [o["type"] for o in manifest["output"]] == [
        "Location",
        "Practitioner",
        "Schedule",
        "Slot",
    ]
    files = {o["type"]: await published(gql.client, o["url"]) for o in manifest["output"]}
    assert [r["id"] for r in files["Location"]] == [str(diary.location.id)]
    assert [r["id"] for r in files["Practitioner"]] == [str(diary.practitioner_id)]
    assert [r["id"] for r in files["Schedule"]] == [f"{diary.practitioner_id}-{diary.location.id}"]
    slots = files["Slot"]
    assert slots and all(s["status"] == "free" for s in slots)
    first_tomorrow = next(
        s for s in slots if s["start"] == factories.slot_start(days=3, hour=8).isoformat()
    )
    [link] = first_tomorrow["extension"]
    assert link["url"] == DEEP_LINK
    deep = urlsplit(link["valueUrl"])
    assert (deep.netloc, deep.path) == ("portal.test", "/book/")
    assert parse_qs(deep.query) == {
        "practitioner": [str(diary.practitioner_id)],
        "service": [str(diary.service_id)],
        "start": [first_tomorrow["start"]],
    }


async def test_since_the_snapshot_nothing_is_listed_and_before_it_everything(
    gql: GraphQL, deps: Deps
) -> None:
    await factories.online_practitioner(deps)
    taken = (await gql.client.get(MANIFEST)).json()["transactionTime"]

    same = (await gql.client.get(MANIFEST, params={"_since": taken})).json()
    earlier = (await gql.client.get(MANIFEST, params={"_since": "2020-01-01T00:00:00Z"})).json()
    wrong = await gql.client.get(MANIFEST, params={"_since": "yesterday"})

    assert same["transactionTime"] == taken and same["output"] == []
    assert len(earlier["output"]) == 4
    assert issue_of(wrong, 400)["code"] == "invalid"


async def test_the_clinic_turns_publishing_off(gql: GraphQL, deps: Deps) -> None:
    await factories.online_practitioner(deps)
    desk = await factories.staff(deps)
    file_url = (await gql.client.get(MANIFEST)).json()["output"][3]["url"]

    turned = await gql(SETTINGS, {"publish": False}, token=desk.token)

    assert turned["updateClinicSettings"] == {
        "__typename": "ClinicSettings",
        "publishAvailability": False,
    }
    assert issue_of(await gql.client.get(MANIFEST), 404)["code"] == "not-found"
    slot_file = await gql.client.get(file_url.removeprefix("http://portal.test"))
    assert issue_of(slot_file, 404)["code"] == "not-found"
    unknown = await gql.client.get(f"{MANIFEST}/patients.ndjson")
    assert issue_of(unknown, 404)["code"] == "not-found"


async def test_publishing_is_for_staff_to_change(gql: GraphQL, deps: Deps) -> None:
    patient_user = await factories.user(deps)

    refused = await gql(SETTINGS, {"publish": False}, token=patient_user.token)

    assert refused["updateClinicSettings"]["__typename"] == "NotAllowed"
    assert (await gql.client.get(MANIFEST)).status_code == 200
