"""Lists that grow with the clinic, a page at a time: every item exactly once forwards
and backwards, also while the list grows; filters; nobody sees another's appointments;
cursors and page sizes a client cannot abuse."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from domain.actors import UserKind
from resolvers.deps import Deps
from tests import factories
from tests.support import GraphQL

PATIENTS = """
query Patients($search: String, $first: Int, $after: String, $last: Int, $before: String) {
  patientsConnection(search: $search, first: $first, after: $after, last: $last, before: $before) {
    edges { cursor node { id name } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}
"""

PATIENT_COUNT = (
    "query($search: String) { patientsConnection(search: $search, first: 1) { totalCount } }"
)

APPOINTMENTS = """
query Appointments($filter: AppointmentFilter, $first: Int, $after: String, $last: Int, $before: String) {
  appointments(filter: $filter, first: $first, after: $after, last: $last, before: $before) {
    edges { cursor node { id status start patient { id } } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    totalCount
  }
}
"""


def names(count: int, prefix: str = "Patient") -> list[str]:
    return [f"{prefix} {i:04d}" for i in range(count)]


async def forwards(
    gql: GraphQL, token: str, size: int, between_pages: Any = None
) -> tuple[list[str], int]:
    """Every patient's name, reading pages of `size` from the front; and the page count."""
    seen: list[str] = []
    after, pages = None, 0
    while True:
        data = await gql(PATIENTS, {"first": size, "after": after}, token)
        connection = data["patientsConnection"]
        seen += [e["node"]["name"] for e in connection["edges"]]
        pages += 1
        assert connection["pageInfo"]["hasPreviousPage"] is (after is not None)
        if not connection["pageInfo"]["hasNextPage"]:
            return seen, pages
        after = connection["pageInfo"]["endCursor"]
        assert after == connection["edges"][-1]["cursor"]
        if between_pages is not None:
            await between_pages(pages)


async def test_250_patients_in_pages_of_100_each_exactly_once(gql: GraphQL, deps: Deps) -> None:
    desk = await factories.staff(deps)
    await factories.patients(deps, names(250))

    seen, pages = await forwards(gql, desk.token, 100)

    assert pages == 3
    assert seen == names(250)  # in order, none twice, none left out
    assert (await gql(PATIENT_COUNT, {}, desk.token))["patientsConnection"]["totalCount"] == 250


async def test_patients_added_between_pages_never_repeat_or_hide_one(
    gql: GraphQL, deps: Deps
) -> None:
    desk = await factories.staff(deps)
    await factories.patients(deps, names(250))

    async def add_some(page: int) -> None:
        # Before, among and after the names read so far.
        await factories.patients(
            deps, [f"Patient 0000a{page}", f"Patient 0150a{page}", f"Patient 9999a{page}"]
        )

    seen, _ = await forwards(gql, desk.token, 100, between_pages=add_some)

    assert len(seen) == len(set(seen))
    assert [n for n in seen if n in set(names(250))] == names(250)
    # Those added beyond the last page read are found; those behind it are not repeated.
    assert {"Patient 9999a1", "Patient 9999a2"} <= set(seen)


async def test_last_and_before_read_the_list_backwards(gql: GraphQL, deps: Deps) -> None:
    desk = await factories.staff(deps)
    await factories.patients(deps, names(250))

    seen: list[str] = []
    before = None
    while True:
        data = await gql(PATIENTS, {"last": 100, "before": before}, desk.token)
        connection = data["patientsConnection"]
        seen = [e["node"]["name"] for e in connection["edges"]] + seen
        assert connection["pageInfo"]["hasNextPage"] is (before is not None)
        if not connection["pageInfo"]["hasPreviousPage"]:
            break
        before = connection["pageInfo"]["startCursor"]

    assert seen == names(250)


async def test_a_page_between_two_cursors(gql: GraphQL, deps: Deps) -> None:
    desk = await factories.staff(deps)
    await factories.patients(deps, names(30))
    page = (await gql(PATIENTS, {"first": 30}, desk.token))["patientsConnection"]
    cursors = [e["cursor"] for e in page["edges"]]

    data = await gql(PATIENTS, {"after": cursors[4], "before": cursors[10]}, desk.token)

    middle = data["patientsConnection"]
    assert [e["node"]["name"] for e in middle["edges"]] == names(30)[5:10]
    assert middle["pageInfo"]["hasPreviousPage"] is True


async def test_search_pages_only_what_matches_and_counts_it(gql: GraphQL, deps: Deps) -> None:
    desk = await factories.staff(deps)
    await factories.patients(deps, names(30) + names(5, prefix="Weber"))
    await factories.patients(deps, ["Weber Provisional"], provisional=True)

    data = await gql(PATIENTS, {"search": "weber", "first": 3}, desk.token)
    count = await gql(PATIENT_COUNT, {"search": "weber"}, desk.token)

    assert [e["node"]["name"] for e in data["patientsConnection"]["edges"]] == names(
        3, prefix="Weber"
    )
    assert count["patientsConnection"]["totalCount"] == 5


async def test_without_first_or_last_a_page_holds_twenty(gql: GraphQL, deps: Deps) -> None:
    desk = await factories.staff(deps)
    await factories.patients(deps, names(25))

    data = await gql(PATIENTS, {}, desk.token)

    assert len(data["patientsConnection"]["edges"]) == 20
    assert data["patientsConnection"]["pageInfo"]["hasNextPage"] is True


async def test_an_empty_list_has_no_cursors(gql: GraphQL, deps: Deps) -> None:
    desk = await factories.staff(deps)

    data = await gql(PATIENTS, {"first": 10}, desk.token)

    assert data["patientsConnection"] == {
        "edges": [],
        "pageInfo": {
            "hasNextPage": False,
            "hasPreviousPage": False,
            "startCursor": None,
            "endCursor": None,
        },
    }


# --------------------------------------------------------------- abuse of the arguments


def cursor_of(*values: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(values)).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "garbage",
    [
        "not a cursor",
        "!!!!",
        "",
        "x" * 5000,
        cursor_of(1, "patients", "Anna"),  # a value missing
        cursor_of(1, "patients", 5, 5),  # a name that is a number
        cursor_of(2, "patients", "Anna", 5),  # a format to come
        cursor_of(1, "appointments", 1700000000000000, 5),  # another list's
        cursor_of(1, "patients", "Anna", -1),
        cursor_of(1, "patients", "Anna", 2**40),
        cursor_of(1, "patients", "An\u0000na", 5),  # NUL, which PostgreSQL refuses
        cursor_of(1, "patients", "\ud800", 5),  # a lone surrogate
        cursor_of(1, "patients", "Anna", True),
        base64.urlsafe_b64encode(b"\xff\xfe").decode(),
        cursor_of({"a": 1}),
    ],
)
async def test_a_garbled_cursor_is_invalid_input_naming_the_argument(
    gql: GraphQL, deps: Deps, garbage: str
) -> None:
    desk = await factories.staff(deps)
    await factories.patients(deps, names(3))

    for argument in ("after", "before"):
        body = await gql.raw(PATIENTS, {argument: garbage}, desk.token)

        (error,) = body["errors"]
        assert error["extensions"]["code"] == "INVALID_INPUT", error
        assert error["extensions"]["field"] == argument


async def test_a_cursor_of_another_list_is_refused(gql: GraphQL, deps: Deps) -> None:
    desk = await factories.staff(deps)
    await factories.patients(deps, names(3), provisional=True)
    registrations = await gql(
        "{ onlineRegistrationsConnection(first: 1) { pageInfo { endCursor } } }", None, desk.token
    )
    cursor = registrations["onlineRegistrationsConnection"]["pageInfo"]["endCursor"]

    body = await gql.raw(PATIENTS, {"after": cursor}, desk.token)

    assert body["errors"][0]["extensions"] == {"code": "INVALID_INPUT", "field": "after"}


@pytest.mark.parametrize(
    ("variables", "field"),
    [
        ({"first": 101}, "first"),
        ({"last": 101}, "last"),
        ({"first": -1}, "first"),
        ({"first": 10, "last": 10}, "last"),
        ({"first": 2**31 - 1}, "first"),
    ],
)
async def test_more_than_a_hundred_or_both_ends_is_invalid_input(
    gql: GraphQL, deps: Deps, variables: dict[str, int], field: str
) -> None:
    desk = await factories.staff(deps)

    body = await gql.raw(PATIENTS, variables, desk.token)

    (error,) = body["errors"]
    assert error["extensions"] == {"code": "INVALID_INPUT", "field": field}
    assert "100" in error["message"] or "not both" in error["message"]


async def test_a_hundred_is_a_page(gql: GraphQL, deps: Deps) -> None:
    desk = await factories.staff(deps)
    await factories.patients(deps, names(101))

    data = await gql(PATIENTS, {"first": 100}, desk.token)

    assert len(data["patientsConnection"]["edges"]) == 100


@pytest.mark.parametrize(
    "query",
    [
        "{ patientsConnection { totalCount } }",
        "{ pendingRequestsConnection { totalCount } }",
        "{ onlineRegistrationsConnection { totalCount } }",
        "{ invitationsConnection { totalCount } }",
    ],
)
async def test_staff_lists_stay_staff_only(gql: GraphQL, deps: Deps, query: str) -> None:
    anna = await factories.patient(deps)
    user = await factories.user(deps, patients=(anna,))

    for token in (user.token, None):
        body = await gql.raw(query, None, token)

        assert body["data"] is None
        assert body["errors"][0]["extensions"]["code"] == "NOT_ALLOWED"


# ------------------------------------------------------------------------- appointments


async def appointments(
    gql: GraphQL, token: str | None, first: int = 100, **filter: Any
) -> list[dict[str, Any]]:
    data = await gql(APPOINTMENTS, {"filter": filter or None, "first": first}, token)
    return [e["node"] for e in data["appointments"]["edges"]]


async def diaries(deps: Deps) -> dict[str, Any]:
    """Two practitioners, two families, appointments of several kinds over ten days."""
    maria = await factories.online_practitioner(deps, name="Maria Keller")
    jonas = await factories.online_practitioner(deps, name="Jonas Weber")
    anna = await factories.patient(deps, name="Anna Schmidt")
    mia = await factories.patient(deps, name="Mia Schmidt", email=None)
    ben = await factories.patient(deps, name="Ben Braun", email="ben@example.com")
    anna_user = await factories.user(deps, patients=(anna, mia))
    ben_user = await factories.user(deps, patients=(ben,))
    rows = []
    for day in range(10):
        rows.append(
            await factories.appointment(
                deps, maria, start=factories.slot_start(day + 1, 9), patient=anna
            )
        )
        rows.append(
            await factories.appointment(
                deps,
                jonas,
                start=factories.slot_start(day + 1, 9),
                patient=ben if day % 2 else mia,
                status="REQUESTED" if day % 3 == 0 else "BOOKED",
                created_by=ben_user if day % 2 else anna_user,
            )
        )
    # Ben's hold in Maria's diary, and a hold of his that lapsed (never shown).
    rows.append(
        await factories.appointment(
            deps, maria, start=factories.slot_start(3, 15), status="TEMPORARY", created_by=ben_user
        )
    )
    await factories.appointment(
        deps, maria, start=factories.slot_start(4, 15), status="LAPSED", created_by=ben_user
    )
    return {
        "maria": maria,
        "jonas": jonas,
        "anna": anna,
        "mia": mia,
        "ben": ben,
        "anna_user": anna_user,
        "ben_user": ben_user,
        "rows": rows,
    }


async def test_staff_page_through_every_shown_appointment_by_start(
    gql: GraphQL, deps: Deps
) -> None:
    d = await diaries(deps)
    desk = await factories.staff(deps)

    seen: list[str] = []
    after = None
    while True:
        data = await gql(APPOINTMENTS, {"first": 6, "after": after}, desk.token)
        seen += [e["node"]["id"] for e in data["appointments"]["edges"]]
        assert data["appointments"]["totalCount"] == 21
        if not data["appointments"]["pageInfo"]["hasNextPage"]:
            break
        after = data["appointments"]["pageInfo"]["endCursor"]

    expected = sorted(d["rows"], key=lambda r: (r.start_at, r.id))
    assert seen == [str(r.id) for r in expected]  # the lapsed hold is not among them


async def test_filters_combine(gql: GraphQL, deps: Deps) -> None:
    d = await diaries(deps)
    desk = await factories.staff(deps)
    jonas, mia = str(d["jonas"].practitioner.id), str(d["mia"].id)
    window = {
        "from": factories.slot_start(3, 0).isoformat(),
        "to": factories.slot_start(8, 0).isoformat(),
    }

    of_jonas = await appointments(gql, desk.token, practitionerId=jonas)
    requested = await appointments(gql, desk.token, practitionerId=jonas, status=["REQUESTED"])
    mias = await appointments(gql, desk.token, patientId=mia, status=["BOOKED", "REQUESTED"])
    in_window = await appointments(gql, desk.token, practitionerId=jonas, **window)
    everything = await appointments(
        gql, desk.token, practitionerId=jonas, patientId=mia, status=["REQUESTED"], **window
    )
    holds = await appointments(gql, desk.token, status=["TEMPORARY"])

    assert len(of_jonas) == 10
    assert len(requested) == 4  # days 0, 3, 6, 9
    assert {a["status"] for a in requested} == {"REQUESTED"}
    assert len(mias) == 5 and {a["patient"]["id"] for a in mias} == {mia}
    assert len(in_window) == 5  # days 2 to 6 start inside the window
    assert len(everything) == 1  # day 6: Mia's, requested
    assert len(holds) == 1


async def test_a_patient_user_never_sees_another_familys_appointments(
    gql: GraphQL, deps: Deps
) -> None:
    d = await diaries(deps)
    anna_user, ben = d["anna_user"], d["ben"]

    mine = await appointments(gql, anna_user.token)
    asked_for_bens = await appointments(gql, anna_user.token, patientId=str(ben.id))
    in_his_practitioners_diary = await appointments(
        gql, anna_user.token, practitionerId=str(d["jonas"].practitioner.id)
    )

    assert {a["patient"]["id"] for a in mine} == {str(d["anna"].id), str(d["mia"].id)}
    assert len(mine) == 15  # Anna's ten with Maria, Mia's five with Jonas
    assert asked_for_bens == []
    assert {a["patient"]["id"] for a in in_his_practitioners_diary} == {str(d["mia"].id)}
    count = await gql(
        "query($f: AppointmentFilter) { appointments(filter: $f) { totalCount } }",
        {"f": {"patientId": str(ben.id)}},
        anna_user.token,
    )
    assert count["appointments"]["totalCount"] == 0


async def test_a_holder_sees_their_hold_and_a_practitioner_their_diary(
    gql: GraphQL, deps: Deps
) -> None:
    d = await diaries(deps)
    maria_user = await factories.user(
        deps, kind=UserKind.PRACTITIONER, practitioner_id=d["maria"].practitioner.id
    )

    bens = await appointments(gql, d["ben_user"].token)
    marias = await appointments(gql, maria_user.token)

    assert "TEMPORARY" in {a["status"] for a in bens}
    assert len(bens) == 5 + 1  # his five with Jonas and his hold
    assert len(marias) == 11  # her diary, Ben's hold in it included


async def test_anonymous_callers_get_no_appointments(gql: GraphQL, deps: Deps) -> None:
    await diaries(deps)

    body = await gql.raw(APPOINTMENTS, {})

    assert body["errors"][0]["extensions"]["code"] == "NOT_ALLOWED"


@pytest.mark.parametrize(
    ("filter", "field"),
    [
        ({"patientId": "01"}, "patientId"),
        ({"practitionerId": "x"}, "practitionerId"),
        ({"from": "2030-01-02T00:00:00+00:00", "to": "2030-01-01T00:00:00+00:00"}, "to"),
    ],
)
async def test_a_bad_filter_is_invalid_input_naming_the_field(
    gql: GraphQL, deps: Deps, filter: dict[str, str], field: str
) -> None:
    desk = await factories.staff(deps)

    body = await gql.raw(APPOINTMENTS, {"filter": filter}, desk.token)

    assert body["errors"][0]["extensions"]["code"] == "INVALID_INPUT"
    assert body["errors"][0]["extensions"]["field"] == field


async def test_appointments_backwards_from_the_end(gql: GraphQL, deps: Deps) -> None:
    d = await diaries(deps)
    desk = await factories.staff(deps)

    data = await gql(APPOINTMENTS, {"last": 3}, desk.token)

    expected = sorted(d["rows"], key=lambda r: (r.start_at, r.id))[-3:]
    assert [e["node"]["id"] for e in data["appointments"]["edges"]] == [str(r.id) for r in expected]
    assert data["appointments"]["pageInfo"]["hasPreviousPage"] is True
    assert data["appointments"]["pageInfo"]["hasNextPage"] is False


# ------------------------------------------------------- the other staff lists, and old ones


async def test_pending_requests_and_registrations_page_oldest_first(
    gql: GraphQL, deps: Deps
) -> None:
    d = await diaries(deps)
    desk = await factories.staff(deps)
    await factories.patients(deps, names(5, prefix="Registrant"), provisional=True)

    pending = await gql(
        "{ pendingRequestsConnection(first: 3) { edges { node { id status } } pageInfo { hasNextPage } totalCount } }",
        None,
        desk.token,
    )
    registrations = await gql(
        "{ onlineRegistrationsConnection(last: 2) { edges { node { name } } pageInfo { hasPreviousPage } totalCount } }",
        None,
        desk.token,
    )

    requested = [r for r in d["rows"] if r.status == "REQUESTED"]
    assert [e["node"]["id"] for e in pending["pendingRequestsConnection"]["edges"]] == [
        str(r.id) for r in sorted(requested, key=lambda r: (r.created_at, r.id))[:3]
    ]
    assert pending["pendingRequestsConnection"]["totalCount"] == 4
    assert pending["pendingRequestsConnection"]["pageInfo"]["hasNextPage"] is True
    assert [e["node"]["name"] for e in registrations["onlineRegistrationsConnection"]["edges"]] == [
        "Registrant 0003",
        "Registrant 0004",
    ]
    assert registrations["onlineRegistrationsConnection"]["totalCount"] == 5


INVITE = "mutation($p: ID!, $e: String!) { invite(patientId: $p, email: $e, requireVerificationCode: false) { __typename } }"


async def test_invitations_page_newest_first_and_a_resend_does_not_move_one(
    gql: GraphQL, deps: Deps
) -> None:
    desk = await factories.staff(deps)
    records = await factories.patients(deps, names(4))
    for i, record in enumerate(records):
        await gql(INVITE, {"p": str(record.id), "e": f"family{i}@example.com"}, desk.token)
    listed = "query($after: String) { invitationsConnection(first: 2, after: $after) { edges { node { id email } } pageInfo { endCursor hasNextPage } } }"

    first = (await gql(listed, {}, desk.token))["invitationsConnection"]
    oldest = (
        await gql("{ invitationsConnection(last: 1) { edges { node { id } } } }", None, desk.token)
    )["invitationsConnection"]["edges"][0]["node"]["id"]
    resent = await gql(
        "mutation($id: ID!) { resendInvitation(invitationId: $id) { __typename } }",
        {"id": oldest},
        desk.token,
    )
    second = (await gql(listed, {"after": first["pageInfo"]["endCursor"]}, desk.token))[
        "invitationsConnection"
    ]

    assert resent["resendInvitation"]["__typename"] == "Invitation"
    emails = [e["node"]["email"] for e in first["edges"] + second["edges"]]
    assert emails == [f"family{i}@example.com" for i in (3, 2, 1, 0)]
    assert second["pageInfo"]["hasNextPage"] is False


async def test_the_old_lists_still_answer_and_say_what_replaces_them(
    gql: GraphQL, deps: Deps
) -> None:
    desk = await factories.staff(deps)
    await factories.patients(deps, names(210))

    data = await gql("{ patients { id } }", None, desk.token)
    schema = await gql(
        '{ __type(name: "Query") { fields(includeDeprecated: true) { name isDeprecated deprecationReason } } }'
    )

    assert len(data["patients"]) == 200
    fields = {f["name"]: f for f in schema["__type"]["fields"]}
    for old, new in (
        ("patients", "patientsConnection"),
        ("pendingRequests", "pendingRequestsConnection"),
        ("onlineRegistrations", "onlineRegistrationsConnection"),
        ("invitations", "invitationsConnection"),
    ):
        assert fields[old]["isDeprecated"] is True
        assert new in fields[old]["deprecationReason"]
        assert fields[new]["isDeprecated"] is False
    assert "200" in fields["patients"]["deprecationReason"]


async def test_a_cursor_pages_on_after_its_item_was_removed(gql: GraphQL, deps: Deps) -> None:
    """A cursor holds a position, not a snapshot: it keeps working as the list changes."""
    desk = await factories.staff(deps)
    rows = await factories.patients(deps, names(5))
    first = (await gql(PATIENTS, {"first": 2}, desk.token))["patientsConnection"]
    async with deps.database.writer() as session:
        await session.delete(await session.get(type(rows[1]), rows[1].id))
        await session.commit()

    rest = await gql(PATIENTS, {"first": 10, "after": first["pageInfo"]["endCursor"]}, desk.token)

    assert [e["node"]["name"] for e in rest["patientsConnection"]["edges"]] == names(5)[2:]
