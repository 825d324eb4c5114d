"""`Appointment/$find` (IHE ITI-115): proposed Appointments from the free times of the
schedules that match, earliest first; malformed Parameters answered as
OperationOutcomes."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from resolvers.deps import Deps
from tests import factories
from tests.fhir_checks import FHIR_JSON, fhir_answer, issue_of
from tests.support import GraphQL

FIND = "/fhir/R4/Appointment/$find"


def parameters(*entries: dict[str, Any]) -> dict[str, Any]:
    return {"resourceType": "Parameters", "parameter": list(entries)}


def day_bounds(days: int = 3) -> tuple[dict[str, str], dict[str, str]]:
    day = factories.days_ahead(days)
    return (
        {"name": "start", "valueDate": day.isoformat()},
        {"name": "end", "valueDate": (day + timedelta(days=1)).isoformat()},
    )


async def test_find_proposes_the_earliest_free_times_of_a_practitioner(
    gql: GraphQL, deps: Deps
) -> None:
    diary = await factories.online_practitioner(deps)
    await factories.online_practitioner(deps, name="Jonas Weber")
    start, end = day_bounds()

    found = fhir_answer(
        await gql.client.post(
            FIND,
            json=parameters(
                start,
                end,
                {
                    "name": "practitioner",
                    "valueReference": {"reference": f"Practitioner/{diary.practitioner_id}"},
                },
                {"name": "_count", "valueInteger": 3},
            ),
            headers={"Content-Type": FHIR_JSON},
        )
    )

    proposals = [e["resource"] for e in found["entry"]]
    assert [p["status"] for p in proposals] == ["proposed"] * 3
    assert [p["start"] for p in proposals] == [
        factories.slot_start(days=3, hour=8).isoformat(),
        factories.slot_start(days=3, hour=8, minute=30).isoformat(),
        factories.slot_start(days=3, hour=9).isoformat(),
    ]
    refs = {p["actor"]["reference"] for p in proposals[0]["participant"]}
    assert refs == {f"Practitioner/{diary.practitioner_id}", f"Location/{diary.location.id}"}
    slot = proposals[0]["slot"][0]["reference"]
    assert fhir_answer(await gql.client.get(f"/fhir/R4/{slot}"))["status"] == "free"


async def test_a_visit_type_narrows_to_one_service(gql: GraphQL, deps: Deps) -> None:
    diary = await factories.online_practitioner(deps)
    start, end = day_bounds()
    coded = {
        "coding": [
            {"system": "http://portal.test/fhir/R4/CodeSystem/services", "code": diary.service_id}
        ]
    }

    found = fhir_answer(
        await gql.client.post(
            FIND, json=parameters(start, end, {"name": "visit-type", "valueCodeableConcept": coded})
        )
    )
    none = fhir_answer(
        await gql.client.post(
            FIND, json=parameters(start, end, {"name": "visit-type", "valueCode": "424242"})
        )
    )

    assert found["total"] == 20
    assert {e["resource"]["serviceType"][0]["coding"][0]["code"] for e in found["entry"]} == {
        diary.service_id
    }
    assert none["total"] == 0


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b"not json", "invalid"),
        (b'{"resourceType": "Patient"}', "invalid"),
        (b'{"resourceType": "Parameters", "parameter": "x"}', "invalid"),
        (b'{"resourceType": "Parameters", "parameter": [{"valueDate": "2027-01-04"}]}', "invalid"),
    ],
)
async def test_a_body_that_is_not_parameters_is_refused(
    gql: GraphQL, body: bytes, code: str
) -> None:
    refused = await gql.client.post(FIND, content=body, headers={"Content-Type": FHIR_JSON})

    assert issue_of(refused, 400)["code"] == code


@pytest.mark.parametrize(
    ("entries", "code"),
    [
        ([{"name": "end", "valueDate": "2027-01-05"}], "required"),
        (
            [
                {"name": "start", "valueDate": "2027-01-05"},
                {"name": "end", "valueDate": "2027-01-04"},
            ],
            "invalid",
        ),
        (
            [
                {"name": "start", "valueDate": "2027-01-01"},
                {"name": "end", "valueDate": "2027-06-01"},
            ],
            "invalid",
        ),
        (
            [{"name": "start", "valueInteger": 5}, {"name": "end", "valueDate": "2027-01-04"}],
            "invalid",
        ),
        ([*day_bounds(), {"name": "practitioner", "valueString": "Patient/1"}], "invalid"),
        ([*day_bounds(), {"name": "_count", "valueString": "lots"}], "invalid"),
        ([*day_bounds(), {"name": "visit-type", "valueCode": "1 OR 1=1"}], "invalid"),
        ([*day_bounds(), *({"name": "x"} for _ in range(60))], "invalid"),
        ([*day_bounds(), *day_bounds()], "invalid"),
    ],
)
async def test_malformed_parameters_answer_an_operation_outcome(
    gql: GraphQL, deps: Deps, entries: list[dict[str, Any]], code: str
) -> None:
    await factories.online_practitioner(deps)

    refused = await gql.client.post(FIND, json=parameters(*entries))

    assert issue_of(refused, 400)["code"] == code
