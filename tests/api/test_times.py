"""Times as a client reads them: whole seconds, always with the clinic's UTC offset, and a
time argument without an offset refused naming the argument that lacks it."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from resolvers.deps import Deps
from tests import factories
from tests.support import GraphQL

#: What every DateTime a client receives looks like: no fractional seconds, an offset.
SHOWN = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d")

HELD = """
mutation Hold($practitionerId: ID!, $serviceId: ID!, $start: DateTime!) {
  hold(practitionerId: $practitionerId, serviceId: $serviceId, start: $start) {
    ... on Hold { expiresAt appointment { start end holdExpiresAt createdAt } }
  }
}
"""
MY_SESSIONS = "{ mySessions { createdAt expiresAt } }"
DIARY = """
query ($p: ID!, $from: DateTime!, $to: DateTime!) { diary(practitionerId: $p, from: $from, to: $to) { id } }
"""
VISITS = """
query ($p: ID!, $from: DateTime!, $to: DateTime!) { visits(patientId: $p, from: $from, to: $to) { id } }
"""


def as_the_clinic_shows(value: str) -> datetime:
    """The instant a shown time means, once it is checked to be in whole seconds with the
    clinic's own offset at that moment (Europe/Berlin in the tests: +01:00 or +02:00)."""
    assert SHOWN.fullmatch(value), value
    instant = datetime.fromisoformat(value)
    assert instant.utcoffset() == instant.astimezone(factories.ZONE).utcoffset(), value
    return instant


async def test_a_hold_shows_its_times_in_whole_seconds_with_the_clinic_offset(
    gql: GraphQL, deps: Deps
) -> None:
    diary = await factories.online_practitioner(deps)
    user = await factories.user(deps)
    start = factories.slot_start()

    held = (
        await gql(
            HELD,
            {
                "practitionerId": diary.practitioner_id,
                "serviceId": diary.service_id,
                "start": start.astimezone(UTC).isoformat(),
            },
            token=user.token,
        )
    )["hold"]

    appointment = held["appointment"]
    assert as_the_clinic_shows(appointment["start"]) == start
    assert as_the_clinic_shows(appointment["end"]) > start
    assert as_the_clinic_shows(held["expiresAt"]) == as_the_clinic_shows(
        appointment["holdExpiresAt"]
    )
    # Cut to the second, never rounded up: the appointment was not made in the future.
    assert as_the_clinic_shows(appointment["createdAt"]) <= datetime.now(UTC)


async def test_sign_in_sessions_show_whole_seconds_with_the_clinic_offset(
    gql: GraphQL, deps: Deps
) -> None:
    user = await factories.user(deps)

    (session,) = (await gql(MY_SESSIONS, token=user.token))["mySessions"]

    created = as_the_clinic_shows(session["createdAt"])
    assert as_the_clinic_shows(session["expiresAt"]) - created >= timedelta(days=1)


@pytest.mark.parametrize(("query", "target"), [(DIARY, "practitioner"), (VISITS, "patient")])
@pytest.mark.parametrize("wrong", ["from", "to"])
async def test_a_time_without_an_offset_is_refused_naming_that_argument(
    gql: GraphQL, deps: Deps, query: str, target: str, wrong: str
) -> None:
    diary = await factories.online_practitioner(deps)
    patient = await factories.patient(deps)
    desk = await factories.staff(deps)
    times = {
        "from": factories.slot_start(days=1).isoformat(),
        "to": factories.slot_start(days=8).isoformat(),
    }
    times[wrong] = times[wrong][:19]  # the same wall time, its offset cut off
    subject = diary.practitioner_id if target == "practitioner" else str(patient.id)

    body = await gql.raw(query, {"p": subject, **times}, token=desk.token)

    assert body["data"] is None
    (error,) = body["errors"]
    assert error["extensions"] == {"code": "INVALID_INPUT", "field": wrong}
    assert error["message"].startswith(f"{wrong} needs a UTC offset")
