"""FHIR R4 at /fhir/R4: the CapabilityStatement, and the clinic's practitioners,
locations and services read and searched as resources, paged, with every refusal an
OperationOutcome. Every resource is checked by `tests.fhir_checks`."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from persistence.models import LocationRow
from portal.settings import Settings
from resolvers.deps import Deps
from tests import factories
from tests.api.partners import access_token, partner
from tests.apps import client_of
from tests.databases import database_not_there_yet
from tests.fhir_checks import fhir_answer, issue_of
from tests.support import GraphQL

BASE = "/fhir/R4"


async def test_the_capability_statement_names_exactly_what_is_served(gql: GraphQL) -> None:
    found = fhir_answer(await gql.client.get(f"{BASE}/metadata"))

    assert found["resourceType"] == "CapabilityStatement"
    assert found["fhirVersion"] == "4.0.1"
    (rest,) = found["rest"]
    served = {r["type"]: {i["code"] for i in r["interaction"]} for r in rest["resource"]}
    assert served == {
        kind: {"read", "search-type"}
        for kind in (
            "Practitioner",
            "Location",
            "HealthcareService",
            "Schedule",
            "Slot",
            "Appointment",
        )
    }
    appointment = next(r for r in rest["resource"] if r["type"] == "Appointment")
    assert [o["name"] for o in appointment["operation"]] == ["find", "hold", "book"]
    assert [o["name"] for o in rest["operation"]] == ["bulk-publish"]
    (oauth,) = rest["security"]["extension"]
    assert oauth["extension"] == [{"url": "token", "valueUri": "http://portal.test/oauth/token"}]


async def test_practitioners_bookable_online_are_a_searchset(gql: GraphQL, deps: Deps) -> None:
    diary = await factories.online_practitioner(deps, name="Maria Keller")
    await factories.online_practitioner(deps, name="Offline Person", online_access=False)

    found = fhir_answer(await gql.client.get(f"{BASE}/Practitioner"))

    assert (found["resourceType"], found["type"], found["total"]) == ("Bundle", "searchset", 1)
    (entry,) = found["entry"]
    assert entry["resource"]["id"] == diary.practitioner_id
    assert entry["resource"]["name"] == [{"text": "Maria Keller"}]
    assert entry["fullUrl"] == f"http://portal.test{BASE}/Practitioner/{diary.practitioner_id}"
    read = fhir_answer(await gql.client.get(f"{BASE}/Practitioner/{diary.practitioner_id}"))
    assert read == entry["resource"]


async def test_services_carry_their_code_and_duration(gql: GraphQL, deps: Deps) -> None:
    diary = await factories.online_practitioner(deps, duration_minutes=45)

    found = fhir_answer(await gql.client.get(f"{BASE}/HealthcareService/{diary.service_id}"))

    (coding,) = found["type"][0]["coding"]
    assert coding["code"] == diary.service_id
    assert coding["system"] == f"http://portal.test{BASE}/CodeSystem/services"
    assert found["extension"][0]["valueInteger"] == 45


async def _locations(deps: Deps, count: int) -> list[str]:
    async with deps.database.writer() as session:
        rows = [LocationRow(name=f"Room {n}") for n in range(count)]
        session.add_all(rows)
        await session.commit()
    return [str(row.id) for row in rows]


async def test_pages_follow_next_links_to_every_entry_once(gql: GraphQL, deps: Deps) -> None:
    made = await _locations(deps, 5)
    seen: list[str] = []
    url: str | None = f"{BASE}/Location?_count=2"
    pages = 0
    while url:
        page = fhir_answer(await gql.client.get(url))
        assert page["total"] == 5
        seen += [e["resource"]["id"] for e in page["entry"]]
        url = next((link["url"] for link in page["link"] if link["relation"] == "next"), None)
        pages += 1

    assert seen == made
    assert pages == 3
    only = fhir_answer(await gql.client.get(f"{BASE}/Location?_id={made[1]},{made[3]}"))
    assert [e["resource"]["id"] for e in only["entry"]] == [made[1], made[3]]


async def test_a_huge_count_is_lowered_and_said_so(gql: GraphQL, deps: Deps) -> None:
    await _locations(deps, 3)

    found = fhir_answer(await gql.client.get(f"{BASE}/Location?_count=100000"))

    matches = [e for e in found["entry"] if e["search"]["mode"] == "match"]
    (said,) = [e["resource"] for e in found["entry"] if e["search"]["mode"] == "outcome"]
    assert len(matches) == 3
    assert "100" in said["issue"][0]["diagnostics"]
    assert "_count=100" in found["link"][0]["url"]


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("_count=-1", "invalid"),
        ("_count=lots", "invalid"),
        ("_count=1&_count=2", "invalid"),
        ("_cursor=1%20OR%201%3D1", "invalid"),
        ("_id=" + ",".join(str(n) for n in range(101)), "too-costly"),
        ("_id=9999999999999999999999", "invalid"),
    ],
)
async def test_malformed_parameters_answer_an_operation_outcome(
    gql: GraphQL, query: str, code: str
) -> None:
    issue = issue_of(await gql.client.get(f"{BASE}/Location?{query}"), 400)

    assert issue["code"] == code


async def test_unknown_parameters_are_ignored_unless_the_client_asks_for_strict(
    gql: GraphQL,
) -> None:
    lenient = fhir_answer(await gql.client.get(f"{BASE}/Location?evil=%3Cscript%3E"))
    strict = await gql.client.get(f"{BASE}/Location?evil=1", headers={"Prefer": "handling=strict"})

    (said,) = [e["resource"] for e in lenient["entry"] if e["search"]["mode"] == "outcome"]
    assert "evil" in said["issue"][0]["diagnostics"]
    assert "evil" not in lenient["link"][0]["url"]
    assert issue_of(strict, 400)["code"] == "not-supported"


@pytest.mark.parametrize(
    "path",
    [
        "/Location/424242",
        "/Location/1%20OR%201%3D1",
        "/Patient",
        "/Patient/1",
        "/Location/" + "9" * 300,
    ],
)
async def test_unknown_ids_and_types_are_not_found(gql: GraphQL, path: str) -> None:
    issue = issue_of(await gql.client.get(BASE + path), 404)

    assert issue["code"] in ("not-found", "not-supported")


async def test_a_bad_token_is_401_and_a_client_without_the_scope_403(
    gql: GraphQL, deps: Deps
) -> None:
    await factories.online_practitioner(deps)
    narrow = await partner(gql, deps, "appointments:read")
    reader = await partner(gql, deps, "availability:read", name="Directory")
    narrow_token = await access_token(gql.client, narrow)
    reader_token = await access_token(gql.client, reader)

    bad = await gql.client.get(f"{BASE}/Practitioner", headers={"Authorization": "Bearer nope"})
    refused = await gql.client.get(
        f"{BASE}/Practitioner", headers={"Authorization": f"Bearer {narrow_token}"}
    )
    allowed = await gql.client.get(
        f"{BASE}/Practitioner", headers={"Authorization": f"Bearer {reader_token}"}
    )

    assert issue_of(bad, 401)["code"] == "login"
    assert bad.headers["www-authenticate"].startswith("Bearer")
    assert issue_of(refused, 403)["code"] == "forbidden"
    assert fhir_answer(allowed)["total"] == 1


async def test_while_the_database_is_away_the_answer_is_a_transient_outcome(
    settings: Settings, run_dir: Path
) -> None:
    async with (
        database_not_there_yet(run_dir, "fhir-away") as (url, _bring_it),
        client_of(
            settings, database_url=url, channel_prefix=f"fhir-{uuid.uuid4().hex[:12]}"
        ) as api,
    ):
        response = await api.client.get(f"{BASE}/Location")

    issue = issue_of(response, 503)
    assert issue["code"] == "transient"
    assert response.headers["retry-after"].isdigit()
    assert "sql" not in response.text.lower()
