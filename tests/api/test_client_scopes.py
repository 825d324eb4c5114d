"""The scope matrix: an API client reaches exactly what its token's scopes grant, by
every path (by id, lists, nested fields, mutations), and what they do not grant answers
as it does for a user who may not see it (null, NotAllowed)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from resolvers.deps import Deps
from tests import factories
from tests.api.partners import access_token, partner
from tests.support import GraphQL

BOOK = """
mutation Book($patientId: ID!, $practitionerId: ID!, $serviceId: ID!, $start: DateTime!, $note: String) {
  bookAppointment(patientId: $patientId, practitionerId: $practitionerId, serviceId: $serviceId, start: $start, note: $note) {
    __typename ... on Appointment { id createdBy { id } } ... on Problem { code }
  }
}
"""
CANCEL = """
mutation Cancel($id: ID!) {
  cancelAppointment(appointmentId: $id) { __typename ... on Problem { code } }
}
"""
WINDOW = "from: $from, to: $to"

#: Each path a partner might take, with what counts as having reached it.
PROBES: dict[str, str] = {
    "clinic": "query { clinic { name } }",
    "locations": "query { locations { id } }",
    "services": "query { services { id } }",
    "practitioners": "query { practitioners { id } }",
    "availableSlots": f"query($p: ID!, $s: ID!, $from: DateTime!, $to: DateTime!) {{ availableSlots(practitionerId: $p, serviceId: $s, {WINDOW}) {{ slots {{ start }} }} }}",
    "appointment": "query($a: ID!) { appointment(id: $a) { id start practitioner { name } } }",
    "diary": f"query($p: ID!, $from: DateTime!, $to: DateTime!) {{ diary(practitionerId: $p, {WINDOW}) {{ id }} }}",
    "visits": f"query($patient: ID!, $from: DateTime!, $to: DateTime!) {{ visits(patientId: $patient, {WINDOW}) {{ id }} }}",
    "patients": "query { patients { id name } }",
    "Appointment.patient": "query($a: ID!) { appointment(id: $a) { patient { name } } }",
    "Appointment.createdBy": "query($a: ID!) { appointment(id: $a) { createdBy { id } } }",
    "Appointment.note": "query($a: ID!) { appointment(id: $a) { note } }",
    "Patient.users": "query { patients { users { id } } }",
    "pendingRequests": "query { pendingRequests { id } }",
    "invitations": "query { invitations { id } }",
    "onlineRegistrations": "query { onlineRegistrations { id } }",
    "appointments": "query { appointments(first: 10) { edges { node { id } } } }",
    "patientsConnection": "query { patientsConnection(first: 10) { edges { node { name } } } }",
    "pendingRequestsConnection": "query { pendingRequestsConnection { edges { cursor } } }",
    "onlineRegistrationsConnection": "query { onlineRegistrationsConnection { edges { cursor } } }",
    "invitationsConnection": "query { invitationsConnection { edges { cursor } } }",
}

GRANTS: dict[tuple[str, ...], set[str]] = {
    ("availability:read",): {"clinic", "locations", "services", "practitioners", "availableSlots"},
    ("appointments:read",): {
        "appointment",
        "diary",
        "visits",
        "appointments",
        "pendingRequestsConnection",
    },
    ("appointments:write",): {"bookAppointment", "cancelAppointment"},
    ("patients:read",): {
        "patients",
        "patientsConnection",
        "onlineRegistrationsConnection",
        "invitationsConnection",
    },
    ("webhooks:manage",): set(),
    ("appointments:read", "patients:read"): {
        "appointment",
        "diary",
        "visits",
        "patients",
        "Appointment.patient",
        "Appointment.note",
        "appointments",
        "pendingRequestsConnection",
        "patientsConnection",
        "onlineRegistrationsConnection",
        "invitationsConnection",
    },
}


def reached(name: str, body: dict[str, Any]) -> bool:
    """Whether the answer shows what the probe asked for."""
    if body.get("errors"):
        return False
    data = body["data"]
    if name.startswith("Appointment."):
        field = name.split(".")[1]
        return bool(data["appointment"] and data["appointment"][field])
    if name == "Patient.users":
        return any(p["users"] for p in data["patients"])
    if name == "appointment":
        return data["appointment"] is not None
    if name in ("appointments", "patientsConnection"):
        return bool(data[name]["edges"])
    return True


@pytest.mark.parametrize("scopes", list(GRANTS), ids=lambda s: "+".join(s))
async def test_a_client_reaches_exactly_what_its_scopes_grant(
    gql: GraphQL, deps: Deps, scopes: tuple[str, ...]
) -> None:
    diary = await factories.online_practitioner(deps)
    anna = await factories.patient(deps, name="Anna Schmidt")
    await factories.user(deps, patients=(anna,))  # so Patient.users has someone to show
    hub = await partner(gql, deps, *scopes)
    token = await access_token(gql.client, hub)
    start = factories.slot_start(days=3, hour=9)
    booking = {
        "patientId": str(anna.id),
        "practitionerId": diary.practitioner_id,
        "serviceId": diary.service_id,
    }
    desk_made = (
        await gql(
            BOOK,
            {**booking, "start": start.isoformat(), "note": "Knee pain since the fall"},
            token=hub.staff_token,
        )
    )["bookAppointment"]
    now = datetime.now(UTC)
    variables = {
        "p": diary.practitioner_id,
        "s": diary.service_id,
        "a": desk_made["id"],
        "patient": str(anna.id),
        "from": now.isoformat(),
        "to": (now + timedelta(days=7)).isoformat(),
    }

    seen = set()
    for name, query in PROBES.items():
        wanted = {k: v for k, v in variables.items() if f"${k}" in query}
        if reached(name, await gql.raw(query, wanted, token=token)):
            seen.add(name)
    booked = (
        await gql(BOOK, {**booking, "start": (start + timedelta(hours=2)).isoformat()}, token=token)
    )["bookAppointment"]
    if booked["__typename"] == "Appointment":
        seen.add("bookAppointment")
        assert booked["createdBy"] is None
    else:
        assert booked["code"] == "NOT_ALLOWED"
    cancelled = (await gql(CANCEL, {"id": desk_made["id"]}, token=token))["cancelAppointment"]
    if cancelled["__typename"] == "Appointment":
        seen.add("cancelAppointment")
    else:
        assert cancelled["code"] == "NOT_ALLOWED"

    assert seen == GRANTS[scopes]


async def test_an_appointment_not_granted_answers_as_a_missing_one(
    gql: GraphQL, deps: Deps
) -> None:
    diary = await factories.online_practitioner(deps)
    anna = await factories.patient(deps)
    hub = await partner(gql, deps, "availability:read", "patients:read")
    token = await access_token(gql.client, hub)
    made = (
        await gql(
            BOOK,
            {
                "patientId": str(anna.id),
                "practitionerId": diary.practitioner_id,
                "serviceId": diary.service_id,
                "start": factories.slot_start(days=3).isoformat(),
            },
            token=hub.staff_token,
        )
    )["bookAppointment"]
    query = "query($a: ID!) { appointment(id: $a) { id } }"

    granted_not = await gql.raw(query, {"a": made["id"]}, token=token)
    missing = await gql.raw(query, {"a": "987654"}, token=token)

    assert granted_not["data"] == missing["data"] == {"appointment": None}
    assert "errors" not in granted_not and "errors" not in missing


async def test_a_client_holds_only_with_appointments_write_and_person_only_operations_refuse_it(
    gql: GraphQL, deps: Deps
) -> None:
    diary = await factories.online_practitioner(deps)
    hub = await partner(
        gql, deps, "availability:read", "appointments:read", "appointments:write", "patients:read"
    )
    token = await access_token(gql.client, hub)
    reader = await access_token(gql.client, await partner(gql, deps, "appointments:read", name="R"))
    hold = """
    mutation($p: ID!, $s: ID!, $start: DateTime!) {
      hold(practitionerId: $p, serviceId: $s, start: $start) { __typename ... on Problem { code } }
    }
    """
    variables = {
        "p": diary.practitioner_id,
        "s": diary.service_id,
        "start": factories.slot_start(days=3).isoformat(),
    }
    refused = await gql(hold, variables, token=reader)
    held = await gql(hold, variables, token=token)
    assert refused["hold"] == {"__typename": "NotAllowed", "code": "NOT_ALLOWED"}
    assert held["hold"] == {"__typename": "Hold"}
    password = """
    mutation { changePassword(currentPassword: "x", newPassword: "a long new password 1") {
      __typename ... on Problem { code } } }
    """
    assert (await gql(password, token=token))["changePassword"]["__typename"] == "NotAllowed"
    for query in ("query { mySessions { id } }", "query { me { id patients { id } } }"):
        body = await gql.raw(query, token=token)
        assert body.get("errors") or body["data"]["me"] is None
