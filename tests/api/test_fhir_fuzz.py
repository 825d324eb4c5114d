"""Hostile FHIR requests, generated from a fixed seed: every answer is FHIR JSON (a
resource, a Bundle or an OperationOutcome) that the model libraries accept, with a 2xx
or 4xx status: never a 500, never HTML."""

from __future__ import annotations

import random
from urllib.parse import quote

from domain.scopes import SCOPES as ALL_SCOPES
from resolvers.deps import Deps
from tests import factories
from tests.api.partners import access_token, partner
from tests.fhir_checks import FHIR_JSON, valid
from tests.support import GraphQL

BASE = "/fhir/R4"
KINDS = ["Practitioner", "Location", "HealthcareService", "Schedule", "Slot", "Appointment"]
PARAMETERS = [
    "_id",
    "_count",
    "_cursor",
    "_include",
    "schedule",
    "start",
    "status",
    "service-type",
    "patient",
    "practitioner",
    "date",
    "_format",
    "name",
    "x" * 300,
]
VALUES = [
    "",
    "0",
    "-1",
    "100000",
    "9" * 40,
    "1 OR 1=1",
    "'; DROP TABLE appointments; --",
    "ge2027-01-04",
    "lt2027-01-05",
    "ge2027-02-30",
    "gtnonsense",
    ">=2027-01-04",
    "ge2027-01-04T09:00:00+01:00",
    "le9999-12-31T23:59:59Z",
    "Schedule/1-1",
    "Schedule/1-1-1-1-1",
    "Patient/1",
    "Practitioner/-1",
    "free",
    "busy",
    "booked,foo",
    "Appointment:practitioner",
    "Appointment:*",
    "\u0000",
    "\u202e",
    "ä" * 50,
    "%00",
    "../../etc/passwd",
    "A" * 5000,
    "1,2,3," * 50,
    "|1",
    "http://x|1",
]


def request_paths(rng: random.Random, count: int) -> list[str]:
    paths = []
    for _ in range(count):
        kind = rng.choice([*KINDS, "Patient", "metadata", "Appointment/$find", "x" * 100])
        if rng.random() < 0.3:
            paths.append(f"{BASE}/{kind}/{quote(rng.choice(VALUES), safe='')}")
            continue
        pairs = [
            f"{quote(rng.choice(PARAMETERS))}={quote(rng.choice(VALUES), safe='')}"
            for _ in range(rng.randint(0, 5))
        ]
        paths.append(f"{BASE}/{kind}?{'&'.join(pairs)}")
    return paths


async def test_hostile_fhir_requests_answer_fhir_json_and_never_500(
    gql: GraphQL, deps: Deps
) -> None:
    await factories.online_practitioner(deps)
    desk = await factories.staff(deps)
    rng = random.Random(20261205)

    for path in request_paths(rng, 300):
        headers = {"Authorization": f"Bearer {desk.token}"} if rng.random() < 0.5 else {}
        response = await gql.client.get(path, headers=headers)

        assert response.status_code < 500, (path, response.status_code, response.text[:300])
        assert response.headers["content-type"].startswith(FHIR_JSON), (path, response.text[:200])
        valid(response.json())


async def test_a_ten_megabyte_parameters_body_is_refused_as_too_long(gql: GraphQL) -> None:
    body = b'{"resourceType": "Parameters", "parameter": [' + b'{"name": "x"},' * 700_000
    response = await gql.client.post(
        f"{BASE}/Appointment/$hold",
        content=body[: 10 * 1024 * 1024],
        headers={"Content-Type": FHIR_JSON},
    )

    assert response.status_code == 413
    assert response.headers["content-type"].startswith(FHIR_JSON)
    assert valid(response.json())["issue"][0]["code"] == "too-long"


async def test_writes_not_served_are_told_as_fhir(gql: GraphQL) -> None:
    response = await gql.client.put(
        f"{BASE}/Appointment/1", json={"resourceType": "Appointment", "status": "booked"}
    )

    assert response.status_code == 405
    assert valid(response.json())["issue"][0]["code"] == "not-supported"


NAMES = [
    "appointment-resource",
    "appointment-reference",
    "patient-reference",
    "start",
    "end",
    "_count",
    "x" * 200,
]


def hostile_value(rng: random.Random, depth: int = 0) -> object:
    """Any JSON: what a Parameters value, resource or reference could be, or not."""
    choices: list[object] = [
        rng.choice(VALUES),
        rng.randint(-(2**70), 2**70),
        None,
        True,
        1.5e308,
        {"reference": rng.choice(["Appointment/1", "Patient/1", "Slot/1-1-1-202701040800"])},
        {"reference": rng.choice(VALUES)},
    ]
    if depth < 3:
        choices += [
            [hostile_value(rng, depth + 1) for _ in range(rng.randint(0, 3))],
            {
                "resourceType": "Appointment",
                rng.choice(["id", "status", "slot", "participant", "serviceType", "start"]): (
                    hostile_value(rng, depth + 1)
                ),
            },
        ]
    return rng.choice(choices)


def hostile_parameters(rng: random.Random) -> object:
    entries = []
    for _ in range(rng.randint(0, 4)):
        entry: dict[str, object] = {"name": rng.choice(NAMES)}
        key = rng.choice(["resource", "valueReference", "valueString", "valueInteger", "part"])
        entry[key] = hostile_value(rng)
        entries.append(entry)
    if rng.random() < 0.1:
        return hostile_value(rng)
    return {"resourceType": "Parameters", "parameter": entries}


async def test_hostile_operation_bodies_answer_fhir_json_and_never_500(
    gql: GraphQL, deps: Deps
) -> None:
    """$find, $hold and $book with generated Parameters, as a partner with every scope."""
    await factories.online_practitioner(deps)
    hub = await access_token(gql.client, await partner(gql, deps, *ALL_SCOPES))
    rng = random.Random(20261206)

    for _ in range(300):
        operation = rng.choice(["$find", "$hold", "$book"])
        body = hostile_parameters(rng)
        response = await gql.client.post(
            f"{BASE}/Appointment/{operation}",
            json=body,
            headers={"Authorization": f"Bearer {hub}"},
        )

        assert response.status_code < 500, (operation, body, response.text[:300])
        assert response.headers["content-type"].startswith(FHIR_JSON), response.text[:200]
        valid(response.json())
