"""Staff set up the clinic through GraphQL: settings, locations, services, practitioners,
session series and patient records. Bad input is a Problem naming the field, and nothing
of it is written."""

from __future__ import annotations

from typing import Any

import pytest

from resolvers.deps import Deps
from tests import factories
from tests.support import GraphQL

CREATE_LOCATION = """
mutation CreateLocation($name: String!) {
  createLocation(name: $name) {
    __typename
    ... on Location { id name }
    ... on Problem { code message }
    ... on InvalidInput { field }
  }
}
"""

CREATE_SERVICE = """
mutation CreateService($name: String!, $minutes: Int!, $online: Boolean! = true) {
  createService(name: $name, durationMinutes: $minutes, bookableOnline: $online) {
    __typename
    ... on Service { id name durationMinutes bookableOnline }
    ... on Problem { code message }
    ... on InvalidInput { field }
  }
}
"""

CREATE_PRACTITIONER = """
mutation CreatePractitioner($name: String!, $online: Boolean! = false, $serviceIds: [ID!]!) {
  createPractitioner(name: $name, onlineAccess: $online, serviceIds: $serviceIds) {
    __typename
    ... on Practitioner { id name onlineAccess services { id name } }
    ... on Problem { code message }
    ... on InvalidInput { field }
  }
}
"""

SET_ONLINE_ACCESS = """
mutation SetOnlineAccess($id: ID!, $enabled: Boolean!) {
  setOnlineAccess(practitionerId: $id, enabled: $enabled) {
    __typename
    ... on Practitioner { id onlineAccess }
    ... on Problem { code message }
  }
}
"""

SERIES_FIELDS = """
id weekday startTime endTime validFrom validUntil availableOnline
practitioner { name } location { name }
"""

CREATE_SERIES = f"""
mutation CreateSeries($input: SessionSeriesInput!) {{
  createSessionSeries(input: $input) {{
    __typename
    ... on SessionSeries {{ {SERIES_FIELDS} }}
    ... on Problem {{ code message }}
    ... on InvalidInput {{ field }}
  }}
}}
"""

UPDATE_SERIES = f"""
mutation UpdateSeries($id: ID!, $online: Boolean, $until: Date) {{
  updateSessionSeries(sessionSeriesId: $id, availableOnline: $online, validUntil: $until) {{
    __typename
    ... on SessionSeries {{ {SERIES_FIELDS} }}
    ... on Problem {{ code message }}
    ... on InvalidInput {{ field }}
  }}
}}
"""

SETTINGS_FIELDS = """
holdMinutes approvalRequired patientCancelEnabled bookingHorizonDays
minimumNoticeMinutes rejectionEmailIncludesReason notificationEmail
"""

UPDATE_SETTINGS = f"""
mutation UpdateSettings($input: ClinicSettingsInput!) {{
  updateClinicSettings(input: $input) {{
    __typename
    ... on ClinicSettings {{ {SETTINGS_FIELDS} }}
    ... on Problem {{ code message }}
    ... on InvalidInput {{ field }}
  }}
}}
"""

PATIENT_FIELDS = "id name birthDate email phone contactConsent provisional invitationStatus"

CREATE_PATIENT = f"""
mutation CreatePatient($input: PatientInput!) {{
  createPatient(input: $input) {{
    __typename
    ... on Patient {{ {PATIENT_FIELDS} }}
    ... on Problem {{ code message }}
    ... on InvalidInput {{ field }}
  }}
}}
"""

UPDATE_PATIENT = f"""
mutation UpdatePatient($id: ID!, $input: PatientInput!) {{
  updatePatient(patientId: $id, input: $input) {{
    __typename
    ... on Patient {{ {PATIENT_FIELDS} }}
    ... on Problem {{ code message }}
    ... on InvalidInput {{ field }}
  }}
}}
"""

CLINIC = f"{{ clinic {{ name timeZone settings {{ {SETTINGS_FIELDS} }} }} }}"
LOCATIONS = "{ locations { id name } }"
SERVICES = "{ services { id name durationMinutes bookableOnline } }"
PRACTITIONERS = f"""
query Practitioners($onlineOnly: Boolean!) {{
  practitioners(onlineOnly: $onlineOnly) {{
    id name onlineAccess
    services {{ name }}
    sessions {{ {SERIES_FIELDS} }}
  }}
}}
"""
PATIENTS = f"""
query Patients($search: String) {{ patients(search: $search) {{ {PATIENT_FIELDS} }} }}
"""


async def setup_ok(gql: GraphQL, token: str, query: str, **variables: Any) -> dict[str, Any]:
    """Run a set-up mutation that must succeed; its result object."""
    data = await gql(query, variables, token=token)
    (result,) = data.values()
    assert "code" not in result, result
    return result


async def practitioners(gql: GraphQL, token: str, *, online_only: bool) -> list[dict[str, Any]]:
    data = await gql(PRACTITIONERS, {"onlineOnly": online_only}, token=token)
    return data["practitioners"]


def series_input(practitioner_id: str, location_id: str, **changes: Any) -> dict[str, Any]:
    return {
        "practitionerId": practitioner_id,
        "locationId": location_id,
        "weekday": 2,
        "startTime": "09:00",
        "endTime": "12:30",
        "validFrom": "2026-01-05",
        **changes,
    }


async def test_staff_set_up_a_practitioner_who_is_bookable_once_online_access_is_on(
    gql: GraphQL, deps: Deps
) -> None:
    desk = await factories.staff(deps)
    location = await setup_ok(gql, desk.token, CREATE_LOCATION, name="  Lindenhof Centre ")
    massage = await setup_ok(gql, desk.token, CREATE_SERVICE, name="Massage", minutes=45)
    rehab = await setup_ok(
        gql, desk.token, CREATE_SERVICE, name="Rehab review", minutes=20, online=False
    )
    keller = await setup_ok(
        gql,
        desk.token,
        CREATE_PRACTITIONER,
        name="Maria Keller",
        serviceIds=[rehab["id"], massage["id"]],
    )
    series = (
        await gql(
            CREATE_SERIES,
            {"input": series_input(keller["id"], location["id"])},
            token=desk.token,
        )
    )["createSessionSeries"]

    assert location["name"] == "Lindenhof Centre"
    assert (massage["durationMinutes"], massage["bookableOnline"]) == (45, True)
    assert rehab["bookableOnline"] is False
    assert keller["onlineAccess"] is False
    assert [s["name"] for s in keller["services"]] == ["Massage", "Rehab review"]
    assert series == {
        "__typename": "SessionSeries",
        "id": series["id"],
        "weekday": 2,
        "startTime": "09:00",
        "endTime": "12:30",
        "validFrom": "2026-01-05",
        "validUntil": None,
        "availableOnline": True,
        "practitioner": {"name": "Maria Keller"},
        "location": {"name": "Lindenhof Centre"},
    }
    # Without online access she is not an online practitioner, but staff see her.
    assert await practitioners(gql, desk.token, online_only=True) == []
    assert [p["name"] for p in await practitioners(gql, desk.token, online_only=False)] == [
        "Maria Keller"
    ]

    switched = await setup_ok(gql, desk.token, SET_ONLINE_ACCESS, id=keller["id"], enabled=True)

    assert switched == {"__typename": "Practitioner", "id": keller["id"], "onlineAccess": True}
    online = await practitioners(gql, desk.token, online_only=True)
    assert [(p["name"], p["onlineAccess"]) for p in online] == [("Maria Keller", True)]
    assert [s["id"] for s in online[0]["sessions"]] == [series["id"]]
    assert (await gql(LOCATIONS))["locations"] == [
        {"id": location["id"], "name": "Lindenhof Centre"}
    ]
    assert [s["name"] for s in (await gql(SERVICES))["services"]] == ["Massage", "Rehab review"]


async def test_a_series_switched_out_of_online_booking_takes_its_practitioner_offline(
    gql: GraphQL, deps: Deps
) -> None:
    desk = await factories.staff(deps)
    diary = await factories.online_practitioner(deps, weekdays=(1,))
    (series,) = (await practitioners(gql, desk.token, online_only=True))[0]["sessions"]

    offline = await setup_ok(gql, desk.token, UPDATE_SERIES, id=series["id"], online=False)

    assert offline["availableOnline"] is False
    assert offline["validUntil"] is None
    assert await practitioners(gql, desk.token, online_only=True) == []
    everyone = await practitioners(gql, desk.token, online_only=False)
    assert [p["id"] for p in everyone] == [diary.practitioner_id]
    assert everyone[0]["sessions"][0]["availableOnline"] is False

    back = await setup_ok(gql, desk.token, UPDATE_SERIES, id=series["id"], online=True)
    assert back["availableOnline"] is True
    assert [p["id"] for p in await practitioners(gql, desk.token, online_only=True)] == [
        diary.practitioner_id
    ]


async def test_staff_end_a_series_on_a_date_and_the_rest_of_it_stays(
    gql: GraphQL, deps: Deps
) -> None:
    desk = await factories.staff(deps)
    await factories.online_practitioner(deps, weekdays=(3,))
    (series,) = (await practitioners(gql, desk.token, online_only=False))[0]["sessions"]

    ended = await setup_ok(gql, desk.token, UPDATE_SERIES, id=series["id"], until="2027-06-30")

    assert ended["validUntil"] == "2027-06-30"
    assert ended["availableOnline"] is True
    assert (ended["weekday"], ended["startTime"], ended["endTime"]) == (3, "08:00", "18:00")
    (stored,) = (await practitioners(gql, desk.token, online_only=False))[0]["sessions"]
    assert stored["validUntil"] == "2027-06-30"


async def test_clinic_settings_change_only_what_is_given(gql: GraphQL, deps: Deps) -> None:
    desk = await factories.staff(deps)
    before = (await gql(CLINIC))["clinic"]

    changed = await setup_ok(
        gql,
        desk.token,
        UPDATE_SETTINGS,
        input={
            "holdMinutes": 10,
            "approvalRequired": False,
            "notificationEmail": " Desk@Example.com ",
            "timeZone": "Europe/Vienna",
        },
    )
    after = (await gql(CLINIC))["clinic"]

    assert changed["holdMinutes"] == 10
    assert changed["approvalRequired"] is False
    assert changed["notificationEmail"] == "desk@example.com"
    assert after["timeZone"] == "Europe/Vienna"
    assert after["settings"] == {k: v for k, v in changed.items() if k != "__typename"}
    unchanged = ("patientCancelEnabled", "bookingHorizonDays", "minimumNoticeMinutes")
    assert {k: after["settings"][k] for k in unchanged} == {
        k: before["settings"][k] for k in unchanged
    }
    assert after["name"] == before["name"]


async def test_staff_create_and_update_patients_and_find_them_by_name_or_email(
    gql: GraphQL, deps: Deps
) -> None:
    desk = await factories.staff(deps)
    created = await setup_ok(
        gql,
        desk.token,
        CREATE_PATIENT,
        input={"name": "Jonas Weber", "birthDate": "1979-03-02", "email": "Jonas@Example.com"},
    )
    await setup_ok(gql, desk.token, CREATE_PATIENT, input={"name": "Lena Vogel"})

    assert created == {
        "__typename": "Patient",
        "id": created["id"],
        "name": "Jonas Weber",
        "birthDate": "1979-03-02",
        "email": "jonas@example.com",
        "phone": None,
        "contactConsent": True,
        "provisional": False,
        "invitationStatus": "NOT_INVITED",
    }

    updated = await setup_ok(
        gql,
        desk.token,
        UPDATE_PATIENT,
        id=created["id"],
        input={"phone": "+49 30 1234567", "contactConsent": False, "email": "jw@example.org"},
    )

    assert (updated["name"], updated["birthDate"]) == ("Jonas Weber", "1979-03-02")
    assert (updated["phone"], updated["contactConsent"], updated["email"]) == (
        "+49 30 1234567",
        False,
        "jw@example.org",
    )

    async def search(term: str | None) -> list[str]:
        found = (await gql(PATIENTS, {"search": term}, token=desk.token))["patients"]
        return [p["name"] for p in found]

    assert await search(None) == ["Jonas Weber", "Lena Vogel"]
    assert await search("WEB") == ["Jonas Weber"]
    assert await search("example.org") == ["Jonas Weber"]
    assert await search("vogel") == ["Lena Vogel"]
    assert await search("nobody") == []


# ---------------------------------------------------------------- bad input changes nothing


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"startTime": "12:00", "endTime": "09:00"}, "endTime"),
        ({"startTime": "09:00", "endTime": "09:00"}, "endTime"),
        ({"weekday": 8}, "weekday"),
        ({"weekday": 0}, "weekday"),
        ({"startTime": "9am"}, "startTime"),
        ({"endTime": "25:00"}, "endTime"),
        ({"validFrom": "2027-02-01", "validUntil": "2027-01-31"}, "validUntil"),
        ({"locationId": "999999"}, "locationId"),
        ({"locationId": "not-an-id"}, "locationId"),
        ({"practitionerId": "999999"}, "practitionerId"),
    ],
)
async def test_a_bad_session_series_is_refused_naming_the_field_and_nothing_is_stored(
    gql: GraphQL, deps: Deps, changes: dict[str, Any], field: str
) -> None:
    desk = await factories.staff(deps)
    location = await setup_ok(gql, desk.token, CREATE_LOCATION, name="Lindenhof Centre")
    keller = await setup_ok(gql, desk.token, CREATE_PRACTITIONER, name="Keller", serviceIds=[])

    result = (
        await gql(
            CREATE_SERIES,
            {"input": series_input(keller["id"], location["id"], **changes)},
            token=desk.token,
        )
    )["createSessionSeries"]

    assert result["__typename"] == "InvalidInput", result
    assert (result["code"], result["field"]) == ("INVALID_INPUT", field)
    assert result["message"]
    (stored,) = await practitioners(gql, desk.token, online_only=False)
    assert stored["sessions"] == []


async def test_updating_an_unknown_session_series_is_not_found(gql: GraphQL, deps: Deps) -> None:
    desk = await factories.staff(deps)

    result = (await gql(UPDATE_SERIES, {"id": "999999", "online": False}, token=desk.token))[
        "updateSessionSeries"
    ]

    assert (result["__typename"], result["code"]) == ("NotFound", "NOT_FOUND")


async def test_ending_a_series_before_it_starts_is_refused_and_it_stays_as_it_was(
    gql: GraphQL, deps: Deps
) -> None:
    desk = await factories.staff(deps)
    await factories.online_practitioner(deps, weekdays=(1,))
    (series,) = (await practitioners(gql, desk.token, online_only=False))[0]["sessions"]

    result = (
        await gql(
            UPDATE_SERIES,
            {"id": series["id"], "online": False, "until": "2019-12-31"},
            token=desk.token,
        )
    )["updateSessionSeries"]

    assert (result["__typename"], result["field"]) == ("InvalidInput", "validUntil")
    (stored,) = (await practitioners(gql, desk.token, online_only=False))[0]["sessions"]
    assert (stored["validUntil"], stored["availableOnline"]) == (None, True)


async def test_a_practitioner_with_an_unknown_service_is_refused_and_not_created(
    gql: GraphQL, deps: Deps
) -> None:
    desk = await factories.staff(deps)
    massage = await setup_ok(gql, desk.token, CREATE_SERVICE, name="Massage", minutes=45)

    result = (
        await gql(
            CREATE_PRACTITIONER,
            {"name": "Keller", "serviceIds": [massage["id"], "999999"]},
            token=desk.token,
        )
    )["createPractitioner"]

    assert (result["__typename"], result["field"]) == ("InvalidInput", "serviceIds")
    assert await practitioners(gql, desk.token, online_only=False) == []


@pytest.mark.parametrize(
    ("query", "variables", "field"),
    [
        (CREATE_LOCATION, {"name": "   "}, "name"),
        (CREATE_SERVICE, {"name": "Massage", "minutes": 0}, "durationMinutes"),
        (CREATE_SERVICE, {"name": "", "minutes": 30}, "name"),
        (CREATE_PRACTITIONER, {"name": " ", "serviceIds": []}, "name"),
    ],
)
async def test_empty_names_and_durations_are_refused_naming_the_field(
    gql: GraphQL, deps: Deps, query: str, variables: dict[str, Any], field: str
) -> None:
    desk = await factories.staff(deps)

    (result,) = (await gql(query, variables, token=desk.token)).values()

    assert (result["__typename"], result["field"]) == ("InvalidInput", field)
    assert (await gql(LOCATIONS))["locations"] == []
    assert (await gql(SERVICES))["services"] == []
    assert await practitioners(gql, desk.token, online_only=False) == []


async def test_a_malformed_email_on_a_new_patient_is_refused_and_no_patient_is_created(
    gql: GraphQL, deps: Deps
) -> None:
    desk = await factories.staff(deps)

    result = (
        await gql(CREATE_PATIENT, {"input": {"name": "Jonas", "email": "jonas@"}}, token=desk.token)
    )["createPatient"]

    assert (result["__typename"], result["code"], result["field"]) == (
        "InvalidInput",
        "INVALID_INPUT",
        "email",
    )
    assert (await gql(PATIENTS, token=desk.token))["patients"] == []


async def test_a_malformed_email_on_an_update_is_refused_and_the_patient_is_unchanged(
    gql: GraphQL, deps: Deps
) -> None:
    desk = await factories.staff(deps)
    anna = await factories.patient(deps, email="anna@example.com", phone="030 1")

    result = (
        await gql(
            UPDATE_PATIENT,
            {"id": str(anna.id), "input": {"phone": "030 2", "email": "anna at example.com"}},
            token=desk.token,
        )
    )["updatePatient"]

    assert (result["__typename"], result["field"]) == ("InvalidInput", "email")
    (stored,) = (await gql(PATIENTS, token=desk.token))["patients"]
    assert (stored["email"], stored["phone"]) == ("anna@example.com", "030 1")


async def test_updating_an_unknown_patient_is_not_found(gql: GraphQL, deps: Deps) -> None:
    desk = await factories.staff(deps)

    result = (
        await gql(UPDATE_PATIENT, {"id": "999999", "input": {"name": "X"}}, token=desk.token)
    )["updatePatient"]

    assert (result["__typename"], result["code"]) == ("NotFound", "NOT_FOUND")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"timeZone": "Mars/Olympus_Mons"}, "timeZone"),
        ({"timeZone": "../../etc/passwd"}, "timeZone"),
        ({"holdMinutes": 0}, "holdMinutes"),
        ({"bookingHorizonDays": -1}, "bookingHorizonDays"),
        ({"minimumNoticeMinutes": -5}, "minimumNoticeMinutes"),
        ({"notificationEmail": "front desk"}, "notificationEmail"),
    ],
)
async def test_bad_clinic_settings_are_refused_and_nothing_changes(
    gql: GraphQL, deps: Deps, changes: dict[str, Any], field: str
) -> None:
    desk = await factories.staff(deps)
    before = (await gql(CLINIC))["clinic"]

    # A valid change in the same input is not written either.
    result = (
        await gql(
            UPDATE_SETTINGS,
            {"input": {"holdMinutes": 15, "approvalRequired": False, **changes}},
            token=desk.token,
        )
    )["updateClinicSettings"]

    assert (result["__typename"], result["field"]) == ("InvalidInput", field)
    assert (await gql(CLINIC))["clinic"] == before


async def test_patient_search_takes_percent_and_underscore_literally(
    gql: GraphQL, deps: Deps
) -> None:
    desk = await factories.staff(deps)
    await factories.patient(deps, name="Anna Schmidt", email="anna@example.com")
    await factories.patient(deps, name="Under_Score", email="u@example.com")

    underscore = (await gql('{ patients(search: "_") { name } }', token=desk.token))["patients"]
    percent = (await gql('{ patients(search: "%") { name } }', token=desk.token))["patients"]

    assert underscore == [{"name": "Under_Score"}]
    assert percent == []
