"""FHIR Appointment read and search: what the caller may see, as GraphQL shows it; the
patient's reference only with patients:read; filters, pages and _include; malformed
searches answered with OperationOutcomes."""

from __future__ import annotations

from datetime import timedelta

import pytest

from resolvers.deps import Deps
from tests import factories
from tests.api.partners import access_token, partner
from tests.fhir_checks import fhir_answer, issue_of
from tests.support import GraphQL

BASE = "/fhir/R4"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def diary_with_visits(deps: Deps, count: int = 3) -> tuple[factories.Diary, list, list]:
    diary = await factories.online_practitioner(deps)
    patients = await factories.patients(deps, [f"Patient {n}" for n in range(count)])
    rows = [
        await factories.appointment(
            deps, diary, start=factories.slot_start(days=3, hour=9 + n), patient=p
        )
        for n, p in enumerate(patients)
    ]
    return diary, patients, rows


async def test_a_partner_reads_visits_and_sees_whose_only_with_patients_read(
    gql: GraphQL, deps: Deps
) -> None:
    diary, patients, rows = await diary_with_visits(deps)
    times_only = await access_token(gql.client, await partner(gql, deps, "appointments:read"))
    with_patients = await access_token(
        gql.client, await partner(gql, deps, "appointments:read", "patients:read", name="EHR")
    )

    listed = fhir_answer(await gql.client.get(f"{BASE}/Appointment", headers=bearer(times_only)))
    whose = fhir_answer(
        await gql.client.get(f"{BASE}/Appointment/{rows[0].id}", headers=bearer(with_patients))
    )

    assert listed["total"] == 3
    first = listed["entry"][0]["resource"]
    assert first["status"] == "booked"
    assert [p["actor"]["reference"] for p in first["participant"]] == [
        f"Practitioner/{diary.practitioner_id}",
        f"Location/{diary.location.id}",
    ]
    assert first["start"] == factories.slot_start(days=3, hour=9).isoformat()
    assert f"Patient/{patients[0].id}" in [p["actor"]["reference"] for p in whose["participant"]]


async def test_a_partner_without_appointments_read_is_forbidden(gql: GraphQL, deps: Deps) -> None:
    await diary_with_visits(deps, 1)
    token = await access_token(gql.client, await partner(gql, deps, "availability:read"))

    refused = await gql.client.get(f"{BASE}/Appointment", headers=bearer(token))

    assert issue_of(refused, 403)["code"] == "forbidden"


async def test_a_patients_user_sees_their_own_and_someone_elses_is_not_found(
    gql: GraphQL, deps: Deps
) -> None:
    _diary, patients, rows = await diary_with_visits(deps, 2)
    anna = await factories.user(deps, patients=(patients[0],))

    mine = fhir_answer(await gql.client.get(f"{BASE}/Appointment", headers=bearer(anna.token)))
    other = await gql.client.get(f"{BASE}/Appointment/{rows[1].id}", headers=bearer(anna.token))
    anonymous = await gql.client.get(f"{BASE}/Appointment/{rows[0].id}")

    assert [e["resource"]["id"] for e in mine["entry"]] == [str(rows[0].id)]
    assert issue_of(other, 404)["code"] == "not-found"
    assert issue_of(anonymous, 401)["code"] == "login"
    assert anonymous.headers["www-authenticate"].startswith("Bearer")


async def test_filters_pages_and_includes(gql: GraphQL, deps: Deps) -> None:
    diary, _patients, rows = await diary_with_visits(deps, 5)
    desk = await factories.staff(deps)
    day = factories.days_ahead(3)
    query = (
        f"practitioner=Practitioner/{diary.practitioner_id}&status=booked"
        f"&date=ge{day.isoformat()}&date=lt{(day + timedelta(days=1)).isoformat()}"
        "&_include=Appointment:practitioner&_count=2"
    )
    seen: list[str] = []
    included: list[str] = []
    url: str | None = f"{BASE}/Appointment?{query}"
    while url:
        page = fhir_answer(await gql.client.get(url, headers=bearer(desk.token)))
        assert page["total"] == 5
        seen += [e["resource"]["id"] for e in page["entry"] if e["search"]["mode"] == "match"]
        included += [e["fullUrl"] for e in page["entry"] if e["search"]["mode"] == "include"]
        url = next((link["url"] for link in page["link"] if link["relation"] == "next"), None)
    cancelled = fhir_answer(
        await gql.client.get(f"{BASE}/Appointment?status=cancelled", headers=bearer(desk.token))
    )

    assert seen == [str(r.id) for r in rows]
    assert set(included) == {f"http://portal.test{BASE}/Practitioner/{diary.practitioner_id}"}
    assert cancelled["total"] == 0


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("patient=Patient/abc", "invalid"),
        ("patient=Practitioner/1", "invalid"),
        ("status=nonsense", "invalid"),
        ("_cursor=%21%21%21", "invalid"),
        ("_include=Appointment:patient", "not-supported"),
        ("date=ge2027-01-01", "required"),
        ("_count=-5", "invalid"),
    ],
)
async def test_malformed_appointment_searches_answer_an_operation_outcome(
    gql: GraphQL, deps: Deps, query: str, code: str
) -> None:
    desk = await factories.staff(deps)

    refused = await gql.client.get(f"{BASE}/Appointment?{query}", headers=bearer(desk.token))

    assert issue_of(refused, 400)["code"] == code
