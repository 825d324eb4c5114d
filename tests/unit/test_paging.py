"""Cursors and page requests: plain functions, no database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from domain.actors import Actor, UserKind
from domain.errors import InvalidInput
from domain.paging import (
    APPOINTMENTS,
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
    PATIENTS,
    PageArguments,
    decode_cursor,
    encode_cursor,
    page_request,
)
from domain.policy import AppointmentScope, appointments_visible_to, may_see_appointment

START = datetime(2030, 3, 4, 8, 15, 30, 123456, tzinfo=UTC)


def test_a_cursor_gives_back_the_position_it_was_made_from() -> None:
    assert decode_cursor(PATIENTS, encode_cursor(PATIENTS, ["Ärztin Ünal", 42]), "after") == (
        "Ärztin Ünal",
        42,
    )
    assert decode_cursor(APPOINTMENTS, encode_cursor(APPOINTMENTS, [START, 7]), "after") == (
        START,
        7,
    )


def test_an_instant_keeps_its_microseconds_and_whatever_offset_it_had() -> None:
    berlin = START.astimezone(timezone(timedelta(hours=1)))
    (instant, _) = decode_cursor(APPOINTMENTS, encode_cursor(APPOINTMENTS, [berlin, 7]), "x")
    assert instant == START and instant.tzinfo is UTC


def test_a_cursor_is_url_safe_and_short() -> None:
    cursor = encode_cursor(PATIENTS, ["x" * 200, 2**31 - 1])
    assert set(cursor) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    assert len(cursor) < 400


@pytest.mark.parametrize(
    "cursor",
    ["", "abc", "=" * 8, "é", "a" * 2000, encode_cursor(APPOINTMENTS, [START, 1])],
)
def test_anything_else_is_invalid_input_naming_the_argument(cursor: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        decode_cursor(PATIENTS, cursor, "before")
    assert refused.value.field == "before"


def test_neither_first_nor_last_is_a_default_page_from_the_front() -> None:
    request = page_request(PATIENTS, PageArguments())
    assert (request.size, request.from_end, request.after, request.before) == (
        DEFAULT_PAGE_SIZE,
        False,
        None,
        None,
    )


def test_last_reads_from_the_back() -> None:
    request = page_request(PATIENTS, PageArguments(last=5))
    assert request.size == 5 and request.from_end


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        (PageArguments(first=MAX_PAGE_SIZE + 1), "first"),
        (PageArguments(last=MAX_PAGE_SIZE + 1), "last"),
        (PageArguments(first=-1), "first"),
        (PageArguments(first=1, last=1), "last"),
        (PageArguments(first=1, after="garbage"), "after"),
    ],
)
def test_page_arguments_out_of_bounds_are_refused(arguments: PageArguments, field: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        page_request(PATIENTS, arguments)
    assert refused.value.field == field


def test_a_full_page_and_an_empty_one_are_allowed() -> None:
    assert page_request(PATIENTS, PageArguments(first=MAX_PAGE_SIZE)).size == MAX_PAGE_SIZE
    assert page_request(PATIENTS, PageArguments(first=0)).size == 0


ACTORS = [
    None,
    Actor(1, UserKind.STAFF),
    Actor(2, UserKind.PATIENT, frozenset({10, 11})),
    Actor(3, UserKind.PRACTITIONER, practitioner_id=5),
    Actor(4, UserKind.STAFF, scopes=frozenset({"patients:read"}), client_id=9),
    Actor(4, UserKind.STAFF, scopes=frozenset({"appointments:read"}), client_id=9),
]
ROWS = [
    {"patient_id": p, "practitioner_id": pr, "created_by_id": c}
    for p in (None, 10, 12)
    for pr in (5, 6)
    for c in (None, 2, 3, 4)
]


@pytest.mark.parametrize("actor", ACTORS)
def test_the_list_scope_admits_exactly_what_may_be_seen_one_by_one(actor: Actor | None) -> None:
    scope = appointments_visible_to(actor)
    for row in ROWS:
        assert scope.admits(**row) == may_see_appointment(actor, **row)


def test_an_api_client_sees_appointments_only_with_the_scope() -> None:
    assert appointments_visible_to(ACTORS[4]) == AppointmentScope()
    assert appointments_visible_to(ACTORS[5]).everything


def test_a_staff_list_needs_the_scope_that_names_it_for_an_api_client() -> None:
    from domain.errors import NotAllowed
    from domain.policy import require_staff_list

    assert require_staff_list(ACTORS[1], "patients:read") is ACTORS[1]
    assert require_staff_list(ACTORS[4], "patients:read") is ACTORS[4]
    with pytest.raises(NotAllowed):
        require_staff_list(ACTORS[5], "patients:read")
    with pytest.raises(NotAllowed):
        require_staff_list(ACTORS[2], "patients:read")
