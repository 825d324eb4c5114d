"""Who may do what: anonymous visitors, patient users, provisional patient users,
practitioner users and staff."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from domain.actors import UserKind
from resolvers.deps import Deps
from tests import factories
from tests.api.test_availability_api import SLOTS, insert_appointment
from tests.support import GraphQL

NOT_STAFF = ["anonymous", "patient", "provisional", "practitioner"]

PUBLIC_READS = """
{
  clinic { name timeZone settings { holdMinutes bookingHorizonDays } }
  locations { name }
  services { name durationMinutes }
  practitioners { name services { name } }
}
"""

PATIENTS = '{ patients(search: "schmidt") { name } }'
ALL_PRACTITIONERS = "{ practitioners(onlineOnly: false) { name } }"
ME_PATIENTS = "{ me { kind patients { name provisional } } }"
MY_PATIENTS_USERS = "{ me { patients { name users { email } } } }"
STAFF_PATIENTS_USERS = "{ patients { name users { email } } }"

APPOINTMENT = """
query Appointment($id: ID!) {
  appointment(id: $id) { id status patient { name } practitioner { name } }
}
"""

DIARY = """
query Diary($p: ID!, $from: DateTime!, $to: DateTime!) {
  diary(practitionerId: $p, from: $from, to: $to) { id status patient { name } }
}
"""

PROBLEM = "__typename ... on Problem { code message }"

#: Every staff set-up mutation, with what it needs from the scene.
SETUP_MUTATIONS: dict[str, str] = {
    "createLocation": f'mutation {{ createLocation(name: "Annex") {{ {PROBLEM} }} }}',
    "createService": f'mutation {{ createService(name: "Scan", durationMinutes: 20) {{ {PROBLEM} }} }}',
    "createPractitioner": f'mutation($s: ID!) {{ createPractitioner(name: "Intruder", onlineAccess: true, serviceIds: [$s]) {{ {PROBLEM} }} }}',
    "setOnlineAccess": f"mutation($p: ID!) {{ setOnlineAccess(practitionerId: $p, enabled: false) {{ {PROBLEM} }} }}",
    "createSessionSeries": f"""mutation($p: ID!, $l: ID!) {{ createSessionSeries(input: {{
        practitionerId: $p, locationId: $l, weekday: 6, startTime: "07:00", endTime: "08:00",
        validFrom: "2026-01-01"}}) {{ {PROBLEM} }} }}""",
    "updateSessionSeries": f"mutation($series: ID!) {{ updateSessionSeries(sessionSeriesId: $series, availableOnline: false) {{ {PROBLEM} }} }}",
    "updateClinicSettings": f'mutation {{ updateClinicSettings(input: {{holdMinutes: 55, timeZone: "UTC"}}) {{ {PROBLEM} }} }}',
    "createPatient": f'mutation {{ createPatient(input: {{name: "Mallory", email: "m@example.com"}}) {{ {PROBLEM} }} }}',
    "updatePatient": f'mutation($patient: ID!) {{ updatePatient(patientId: $patient, input: {{email: "mallory@example.com"}}) {{ {PROBLEM} }} }}',
}

#: What staff can read of everything the set-up mutations could change.
EVERYTHING = """
{
  clinic { name timeZone settings { holdMinutes approvalRequired bookingHorizonDays } }
  locations { id name }
  services { id name durationMinutes bookableOnline }
  practitioners(onlineOnly: false) {
    id name onlineAccess services { id }
    sessions { id weekday startTime endTime validFrom validUntil availableOnline }
  }
  patients { id name email phone contactConsent }
}
"""


async def sign_in_as(deps: Deps, role: str, diary: factories.Diary | None = None) -> str | None:
    """A token for one role (None for anonymous); patients get a patient record of their own."""
    if role == "anonymous":
        return None
    if role == "staff":
        return (await factories.staff(deps)).token
    if role == "practitioner":
        assert diary is not None
        user = await factories.user(
            deps,
            kind=UserKind.PRACTITIONER,
            practitioner_id=diary.practitioner.id,
            name="Maria Keller",
        )
        return user.token
    provisional = role == "provisional"
    own = await factories.patient(
        deps, name=f"Own {role}", email=f"{role}@example.com", provisional=provisional
    )
    kind = UserKind.PROVISIONAL_PATIENT if provisional else UserKind.PATIENT
    return (await factories.user(deps, kind=kind, patients=(own,))).token


def refused(body: dict[str, Any]) -> str:
    """The code of a GraphQL error refusing the whole (non-null) field."""
    assert body["data"] is None, body
    (error,) = body["errors"]
    return str(error["extensions"]["code"])


@pytest.mark.parametrize("role", [*NOT_STAFF, "staff"])
async def test_everyone_may_read_the_clinic_and_its_online_offer(
    gql: GraphQL, deps: Deps, role: str
) -> None:
    diary = await factories.online_practitioner(deps)
    await factories.online_practitioner(deps, name="Offline Otto", online_access=False)
    token = await sign_in_as(deps, role, diary)
    day = factories.days_ahead(3)

    public = await gql(PUBLIC_READS, token=token)
    slots = await gql(
        SLOTS,
        {
            "p": diary.practitioner_id,
            "s": diary.service_id,
            "from": factories.local(day, 8).isoformat(),
            "to": factories.local(day, 10).isoformat(),
        },
        token=token,
    )

    assert public["clinic"]["timeZone"] == "Europe/Berlin"
    assert public["locations"] == [{"name": "Lindenhof Centre"}] * 2
    assert public["services"] == [{"name": "Treatment", "durationMinutes": 30}] * 2
    assert public["practitioners"] == [
        {"name": "Maria Keller", "services": [{"name": "Treatment"}]}
    ]
    assert len(slots["availableSlots"]["slots"]) == 4


@pytest.mark.parametrize("role", NOT_STAFF)
async def test_only_staff_may_set_up_the_clinic(gql: GraphQL, deps: Deps, role: str) -> None:
    diary = await factories.online_practitioner(deps)
    anna = await factories.patient(deps)
    desk = await factories.staff(deps)
    token = await sign_in_as(deps, role, diary)
    before = await gql(EVERYTHING, token=desk.token)
    scene = {
        "p": diary.practitioner_id,
        "s": diary.service_id,
        "l": str(diary.location.id),
        "series": before["practitioners"][0]["sessions"][0]["id"],
        "patient": str(anna.id),
    }

    answers = {}
    for name, mutation in SETUP_MUTATIONS.items():
        needed = {k: v for k, v in scene.items() if f"${k}" in mutation}
        answers[name] = (await gql(mutation, needed, token=token))[name]

    assert {name: answer["__typename"] for name, answer in answers.items()} == dict.fromkeys(
        SETUP_MUTATIONS, "NotAllowed"
    )
    assert {answer["code"] for answer in answers.values()} == {"NOT_ALLOWED"}
    assert await gql(EVERYTHING, token=desk.token) == before


@pytest.mark.parametrize("role", NOT_STAFF)
async def test_the_patient_list_and_offline_practitioners_are_for_staff_only(
    gql: GraphQL, deps: Deps, role: str
) -> None:
    diary = await factories.online_practitioner(deps)
    await factories.patient(deps, name="Anna Schmidt")
    token = await sign_in_as(deps, role, diary)

    assert refused(await gql.raw(PATIENTS, token=token)) == "NOT_ALLOWED"
    assert refused(await gql.raw(ALL_PRACTITIONERS, token=token)) == "NOT_ALLOWED"


async def test_staff_may_list_patients_and_every_practitioner(gql: GraphQL, deps: Deps) -> None:
    await factories.online_practitioner(deps, name="Online Olga")
    await factories.online_practitioner(deps, name="Offline Otto", online_access=False)
    await factories.patient(deps, name="Anna Schmidt")
    await factories.patient(deps, name="Bert Brandt", email="bert@example.com")
    token = await sign_in_as(deps, "staff")

    assert (await gql(PATIENTS, token=token))["patients"] == [{"name": "Anna Schmidt"}]
    assert (await gql(ALL_PRACTITIONERS, token=token))["practitioners"] == [
        {"name": "Online Olga"},
        {"name": "Offline Otto"},
    ]


async def test_a_user_sees_only_the_patients_they_manage(gql: GraphQL, deps: Deps) -> None:
    anna = await factories.patient(deps, name="Anna Schmidt")
    ben = await factories.patient(deps, name="Ben Schmidt", email=None)
    carla = await factories.patient(deps, name="Carla Roth", email="carla@example.com")
    parent = await factories.user(deps, patients=(anna, ben))
    other = await factories.user(deps, patients=(carla,))
    newcomer = await sign_in_as(deps, "provisional")

    assert (await gql(ME_PATIENTS, token=parent.token))["me"] == {
        "kind": "PATIENT",
        "patients": [
            {"name": "Anna Schmidt", "provisional": False},
            {"name": "Ben Schmidt", "provisional": False},
        ],
    }
    assert (await gql(ME_PATIENTS, token=other.token))["me"]["patients"] == [
        {"name": "Carla Roth", "provisional": False}
    ]
    assert (await gql(ME_PATIENTS, token=newcomer))["me"] == {
        "kind": "PROVISIONAL_PATIENT",
        "patients": [{"name": "Own provisional", "provisional": True}],
    }
    assert (await gql(ME_PATIENTS))["me"] is None


async def test_an_appointment_is_seen_by_its_patients_users_its_practitioner_and_staff(
    gql: GraphQL, deps: Deps
) -> None:
    diary = await factories.online_practitioner(deps)
    elsewhere = await factories.online_practitioner(deps, name="Other Practitioner")
    carla = await factories.patient(deps, name="Carla Roth")
    anna = await factories.patient(deps, name="Anna Schmidt")
    carlas_user = await factories.user(deps, patients=(carla,))
    annas_user = await factories.user(deps, patients=(anna,))
    staff = await sign_in_as(deps, "staff")
    own_practitioner = await sign_in_as(deps, "practitioner", diary)
    other_practitioner = await sign_in_as(deps, "practitioner", elsewhere)
    provisional = await sign_in_as(deps, "provisional")
    row = await insert_appointment(deps, diary, factories.slot_start(days=5), patient=carla)

    async def seen_by(token: str | None) -> dict[str, Any] | None:
        return (await gql(APPOINTMENT, {"id": str(row.id)}, token=token))["appointment"]

    shown = {
        "id": str(row.id),
        "status": "BOOKED",
        "patient": {"name": "Carla Roth"},
        "practitioner": {"name": "Maria Keller"},
    }
    assert await seen_by(carlas_user.token) == shown
    assert await seen_by(staff) == shown
    assert await seen_by(own_practitioner) == shown
    for outsider in (annas_user.token, provisional, other_practitioner, None):
        assert await seen_by(outsider) is None
    # A missing id and a malformed one look the same as one the user may not see.
    assert (await gql(APPOINTMENT, {"id": "999999"}, token=staff))["appointment"] is None
    assert (await gql(APPOINTMENT, {"id": "x1"}, token=staff))["appointment"] is None


async def test_a_user_never_sees_the_other_users_of_a_shared_patient(
    gql: GraphQL, deps: Deps
) -> None:
    anna = await factories.patient(deps, name="Anna Schmidt")
    mother = await factories.user(deps, patients=(anna,), email="mother@example.com")
    await factories.user(deps, patients=(anna,), email="father@example.com")
    staff = await sign_in_as(deps, "staff")

    assert (await gql(MY_PATIENTS_USERS, token=mother.token))["me"]["patients"] == [
        {"name": "Anna Schmidt", "users": [{"email": "mother@example.com"}]}
    ]
    assert (await gql(STAFF_PATIENTS_USERS, token=staff))["patients"] == [
        {
            "name": "Anna Schmidt",
            "users": [{"email": "mother@example.com"}, {"email": "father@example.com"}],
        }
    ]


async def test_the_diary_is_for_staff_and_the_practitioner_it_belongs_to(
    gql: GraphQL, deps: Deps
) -> None:
    diary = await factories.online_practitioner(deps)
    elsewhere = await factories.online_practitioner(deps, name="Other Practitioner")
    carla = await factories.patient(deps, name="Carla Roth")
    start = factories.slot_start(days=5)
    row = await insert_appointment(deps, diary, start, patient=carla)
    window = {
        "p": diary.practitioner_id,
        "from": (start - timedelta(hours=3)).isoformat(),
        "to": (start + timedelta(hours=3)).isoformat(),
    }
    entries = [{"id": str(row.id), "status": "BOOKED", "patient": {"name": "Carla Roth"}}]

    for role in ("staff", "practitioner"):
        token = await sign_in_as(deps, role, diary)
        assert (await gql(DIARY, window, token=token))["diary"] == entries, role

    carlas_user = await factories.user(deps, patients=(carla,))
    other_practitioner = await sign_in_as(deps, "practitioner", elsewhere)
    for token in (carlas_user.token, other_practitioner, None):
        assert refused(await gql.raw(DIARY, window, token=token)) == "NOT_ALLOWED"


STAFF_ANSWERS_OF_NONSENSE = """
mutation {
  accept(appointmentId: "not an id") { __typename ... on Problem { code message } }
  reject(appointmentId: "%s") { __typename ... on Problem { code message } }
}
""" % ("x" * 5000)


@pytest.mark.parametrize("role", NOT_STAFF)
async def test_a_caller_of_the_wrong_kind_is_refused_before_its_input_is_read(
    gql: GraphQL, deps: Deps, role: str
) -> None:
    diary = await factories.online_practitioner(deps)
    token = await sign_in_as(deps, role, diary)

    answers = await gql(STAFF_ANSWERS_OF_NONSENSE, token=token)

    assert {a["code"] for a in answers.values()} == {"NOT_ALLOWED"}
    assert not any("id" in a["message"].lower() for a in answers.values())
