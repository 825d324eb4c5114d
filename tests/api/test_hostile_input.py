"""Hostile input, as the production server answers it: control characters, ids that are
no ids, and dates and times no clinic means are refused naming the field, before any
resolver or the database sees them, and never as an internal error."""

from __future__ import annotations

import dataclasses
import gc
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from portal.app import create_app
from portal.settings import Settings
from resolvers.deps import Deps
from tests import factories
from tests.api.test_availability_api import SLOTS
from tests.api.test_holds import HOLD, hold
from tests.support import GraphQL, LiveSocket, ServerProcess

MASKED = "Unexpected error."

CREATE_LOCATION = """
mutation ($name: String!) {
  createLocation(name: $name) { __typename ... on InvalidInput { code field message } }
}
"""
LOCATIONS = "{ locations { name } }"
CREATE_PATIENT = """
mutation ($input: PatientInput!) {
  createPatient(input: $input) { __typename ... on Patient { name } ... on InvalidInput { field } }
}
"""
PATIENTS = "query ($search: String) { patients(search: $search) { name birthDate } }"
REGISTER = """
mutation ($email: String!, $birthDate: Date) {
  register(email: $email, password: "long enough password", name: "Anna", birthDate: $birthDate) {
    __typename ... on InvalidInput { field }
  }
}
"""
REQUEST = """
mutation ($id: ID!, $patientId: ID!, $note: String) {
  request(appointmentId: $id, patientId: $patientId, note: $note) {
    __typename ... on Appointment { note } ... on InvalidInput { field }
  }
}
"""
CANCEL = """
mutation ($id: ID!) {
  cancelAppointment(appointmentId: $id) { __typename ... on InvalidInput { field } }
}
"""
APPOINTMENT = "query ($id: ID!) { appointment(id: $id) { id } }"


@pytest.fixture
async def client(settings: Settings, deps: Deps) -> AsyncIterator[GraphQL]:
    """A client of an app built as production builds it, on the test's database."""
    app = create_app(dataclasses.replace(settings, environment="production"))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://portal.test") as http:
            yield GraphQL(http)


@pytest.fixture
def faults(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    """What the server logs as unexpected errors during the test (must stay empty).
    Earlier tests' garbage is collected first: a connection one of them abandoned is
    reported (an ERROR) whenever the collector runs, not by this test."""
    gc.collect()
    caplog.set_level(logging.ERROR, logger="portal.errors")
    return caplog.records


def coded(body: dict[str, Any]) -> list[tuple[str, str | None]]:
    assert body.get("data") is None, body
    assert all(e["message"] != MASKED for e in body["errors"]), body
    return [(e["extensions"]["code"], e["extensions"].get("field")) for e in body["errors"]]


@pytest.mark.parametrize("character", ["\x00", "\x1b", "\x7f", "\x85", "\u2028", "\n", "\t"])
async def test_a_name_with_a_control_character_is_refused_and_not_stored(
    client: GraphQL, deps: Deps, faults: list[logging.LogRecord], character: str
) -> None:
    desk = await factories.staff(deps)

    result = await client(CREATE_LOCATION, {"name": f"Room{character}1"}, token=desk.token)

    assert result["createLocation"]["__typename"] == "InvalidInput"
    assert result["createLocation"]["code"] == "INVALID_INPUT"
    assert result["createLocation"]["field"] == "name"
    assert await client(LOCATIONS) == {"locations": []}
    assert faults == []


async def test_a_literal_is_checked_like_a_variable(client: GraphQL, deps: Deps) -> None:
    desk = await factories.staff(deps)

    result = await client(
        'mutation { createLocation(name: "Room\\u0000") { __typename } }', token=desk.token
    )

    assert result["createLocation"]["__typename"] == "InvalidInput"


async def test_a_field_of_an_input_object_is_named(client: GraphQL, deps: Deps) -> None:
    desk = await factories.staff(deps)
    patient = {"name": "Anna Schmidt", "phone": "+49 30\x00 1234"}

    result = await client(CREATE_PATIENT, {"input": patient}, token=desk.token)

    assert result["createPatient"] == {"__typename": "InvalidInput", "field": "phone"}
    assert await client(PATIENTS, {"search": "Anna"}, token=desk.token) == {"patients": []}


async def test_one_refused_mutation_leaves_the_others_of_the_operation_alone(
    client: GraphQL, deps: Deps
) -> None:
    desk = await factories.staff(deps)
    both = """
    mutation ($good: String!, $bad: String!) {
      good: createLocation(name: $good) { __typename }
      ...Bad
    }
    fragment Bad on Mutation { bad: createLocation(name: $bad) { __typename } }
    """

    result = await client(both, {"good": "Riverside", "bad": "Nul\x00"}, token=desk.token)

    assert result == {"good": {"__typename": "Location"}, "bad": {"__typename": "InvalidInput"}}
    assert await client(LOCATIONS) == {"locations": [{"name": "Riverside"}]}


async def test_a_query_argument_with_a_control_character_is_a_coded_error(
    client: GraphQL, deps: Deps, faults: list[logging.LogRecord]
) -> None:
    desk = await factories.staff(deps)

    body = await client.raw(PATIENTS, {"search": "Anna\x00"}, token=desk.token)

    assert coded(body) == [("INVALID_INPUT", "search")]
    assert body["errors"][0]["path"] == ["patients"]
    assert faults == []


async def test_a_note_keeps_its_line_breaks_and_tabs_but_no_other_control_character(
    client: GraphQL, deps: Deps
) -> None:
    diary = await factories.online_practitioner(deps)
    anna = await factories.patient(deps)
    user = await factories.user(deps, patients=(anna,))
    held = await hold(client, diary, factories.slot_start(), user.token)
    appointment = {"id": held["appointment"]["id"], "patientId": str(anna.id)}

    refused = await client(REQUEST, {**appointment, "note": "Back pain\x00"}, token=user.token)
    booked = await client(
        REQUEST, {**appointment, "note": "Back pain\r\nsince Monday\tthanks"}, token=user.token
    )

    assert refused["request"] == {"__typename": "InvalidInput", "field": "note"}
    assert booked["request"] == {
        "__typename": "Appointment",
        "note": "Back pain\r\nsince Monday\tthanks",
    }


def slots_between(diary: factories.Diary, start: str, end: str) -> dict[str, str]:
    return {"p": diary.practitioner_id, "s": diary.service_id, "from": start, "to": end}


SOON = factories.slot_start(days=3).isoformat()
LATER = factories.slot_start(days=4).isoformat()


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        ("0001-01-01T00:00:00+14:00", LATER, "from"),
        (SOON, "9999-12-31T23:59:59-12:00", "to"),
        ("1899-12-31T23:00:00+00:00", LATER, "from"),
        (SOON[:19], LATER, "from"),
        (SOON, LATER[:19], "to"),
    ],
    ids=["year-1", "year-9999", "before-1900", "no-offset-from", "no-offset-to"],
)
async def test_a_date_time_out_of_range_or_without_offset_is_refused_naming_it(
    client: GraphQL,
    deps: Deps,
    faults: list[logging.LogRecord],
    start: str,
    end: str,
    field: str,
) -> None:
    diary = await factories.online_practitioner(deps)

    body = await client.raw(SLOTS, slots_between(diary, start, end))

    assert coded(body) == [("INVALID_INPUT", field)]
    assert faults == []


async def test_a_date_time_that_overflows_while_parsed_is_malformed_not_a_fault(
    client: GraphQL, deps: Deps, faults: list[logging.LogRecord]
) -> None:
    diary = await factories.online_practitioner(deps)

    body = await client.raw(SLOTS, slots_between(diary, "9999-12-31T24:00:00+00:00", LATER))

    assert body.get("data") is None
    (error,) = body["errors"]
    assert "DateTime" in error["message"]
    assert faults == []


async def test_a_hold_without_an_offset_names_start(client: GraphQL, deps: Deps) -> None:
    diary = await factories.online_practitioner(deps)
    user = await factories.user(deps)
    variables = {
        "practitionerId": diary.practitioner_id,
        "serviceId": diary.service_id,
        "start": factories.slot_start().replace(tzinfo=None).isoformat(),
    }

    result = await client(HOLD, variables, token=user.token)

    assert result["hold"]["__typename"] == "InvalidInput"
    assert result["hold"]["field"] == "start"


async def test_a_birth_date_in_the_future_is_refused_and_no_account_is_made(
    client: GraphQL, deps: Deps
) -> None:
    in_two_days = (datetime.now(UTC) + timedelta(days=2)).date().isoformat()
    today = datetime.now(UTC).date().isoformat()

    far = await client(REGISTER, {"email": "a@example.com", "birthDate": "9999-12-31"})
    soon = await client(REGISTER, {"email": "a@example.com", "birthDate": in_two_days})
    born_today = await client(REGISTER, {"email": "a@example.com", "birthDate": today})

    assert far["register"] == {"__typename": "InvalidInput", "field": "birthDate"}
    assert soon["register"] == {"__typename": "InvalidInput", "field": "birthDate"}
    assert born_today["register"] == {"__typename": "SignIn"}


async def test_a_patient_record_with_a_future_birth_date_is_refused(
    client: GraphQL, deps: Deps
) -> None:
    desk = await factories.staff(deps)
    patient = {"name": "Mia Schmidt", "birthDate": "2999-01-01"}

    result = await client(CREATE_PATIENT, {"input": patient}, token=desk.token)

    assert result["createPatient"] == {"__typename": "InvalidInput", "field": "birthDate"}
    assert await client(PATIENTS, {"search": "Mia"}, token=desk.token) == {"patients": []}


@pytest.mark.parametrize(
    "id_", ["\u00b2", "\u0661", " 1", "1 ", "007", "99999999999", "2147483648"]
)
async def test_an_id_that_is_no_id_is_invalid_input_or_not_found(
    client: GraphQL, deps: Deps, faults: list[logging.LogRecord], id_: str
) -> None:
    desk = await factories.staff(deps)

    cancelled = await client(CANCEL, {"id": id_}, token=desk.token)
    looked_up = await client(APPOINTMENT, {"id": id_}, token=desk.token)

    assert cancelled["cancelAppointment"] == {
        "__typename": "InvalidInput",
        "field": "appointmentId",
    }
    assert looked_up == {"appointment": None}
    assert faults == []


async def test_a_subscription_with_a_date_time_out_of_range_is_refused(
    server: ServerProcess, deps: Deps
) -> None:
    query = """
    subscription ($p: ID!, $from: DateTime!, $to: DateTime!) {
      slotChanges(practitionerId: $p, from: $from, to: $to) { start }
    }
    """
    variables = {"p": "1", "from": "0001-01-01T00:00:00+14:00", "to": LATER}

    async with LiveSocket(server.ws_url) as socket:
        op_id = await socket.subscribe(query, variables)
        message = await socket.receive(timeout=10)

    assert message["id"] == op_id
    assert message["type"] in {"next", "error"}
    errors = message["payload"]["errors"] if message["type"] == "next" else message["payload"]
    assert [(e["extensions"]["code"], e["extensions"]["field"]) for e in errors] == [
        ("INVALID_INPUT", "from")
    ]
