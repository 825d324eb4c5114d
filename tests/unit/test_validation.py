"""Checks of user input with no database: ids, text, dates, times, zones, clocks."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone

import pytest

from domain.errors import InvalidInput, NotFound
from domain.invitations import token_invitation_id
from domain.validation import (
    MAX_ID,
    normalize_email,
    optional_text,
    parse_clock,
    parse_id,
    parse_time_zone,
    require_birth_date,
    require_instant,
    require_range,
    require_text,
)

NOW = datetime(2030, 6, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(("text", "expected"), [("1", 1), ("42", 42), (str(MAX_ID), MAX_ID)])
def test_an_id_is_ascii_digits_within_the_integer_columns(text: str, expected: int) -> None:
    assert parse_id(text, "patientId") == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "0",
        "-1",
        "+1",
        " 1",
        "1 ",
        "007",
        "1e3",
        "1_000",
        "\u00b2",  # a digit to str.isdigit, not to int()
        "\u0661",  # Arabic-Indic one: int() reads it as 1
        "\uff11",  # fullwidth one
        str(MAX_ID + 1),
        "99999999999",
        "9" * 5000,  # longer than int() converts at all
        "1\x00",
    ],
)
def test_anything_else_is_no_id_and_names_the_field(text: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_id(text, "patientId")
    assert refused.value.field == "patientId"


@pytest.mark.parametrize("head", ["\u00b2", "\u0661", "99999999999", "0"])
def test_an_invitation_token_naming_no_id_is_not_found(head: str) -> None:
    with pytest.raises(NotFound):
        token_invitation_id(f"{head}.mac")


@pytest.mark.parametrize(
    "character", ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\x9f", "\u2028", "\u2029", "\ud800"]
)
def test_text_refuses_control_characters_separators_and_lone_surrogates(character: str) -> None:
    for check in (
        lambda: require_text(f"Anna{character}", "name"),
        lambda: optional_text(f"+49{character}30", "phone", 40),
        lambda: optional_text(f"see{character}you", "note"),
        lambda: normalize_email(f"anna{character}@example.com"),
    ):
        with pytest.raises(InvalidInput) as refused:
            check()
        assert refused.value.field in {"name", "phone", "note", "email"}


@pytest.mark.parametrize("character", ["\n", "\t", "\r"])
def test_free_text_keeps_line_breaks_and_tabs_where_a_name_may_not(character: str) -> None:
    assert optional_text(f"first{character}second", "note") == f"first{character}second"
    assert optional_text(f"first{character}second", "reason") == f"first{character}second"
    with pytest.raises(InvalidInput) as refused:
        require_text(f"Anna{character}Schmidt", "name")
    assert refused.value.field == "name"


def test_ordinary_text_in_any_script_is_kept() -> None:
    assert require_text("  Zoë Ødegård-Łukasz 李雷 😀 ", "name") == "Zoë Ødegård-Łukasz 李雷 😀"


def test_a_date_time_needs_an_offset_and_names_the_field() -> None:
    with pytest.raises(InvalidInput) as refused:
        require_instant(datetime(2030, 1, 1, 9), "start")
    assert refused.value.field == "start"


def test_a_range_names_the_end_without_an_offset_and_the_start_likewise() -> None:
    aware = datetime(2030, 1, 1, tzinfo=UTC)
    naive = datetime(2030, 1, 2)
    with pytest.raises(InvalidInput) as start_refused:
        require_range(naive, aware + timedelta(days=2))
    with pytest.raises(InvalidInput) as end_refused:
        require_range(aware, naive)
    assert (start_refused.value.field, end_refused.value.field) == ("from", "to")


@pytest.mark.parametrize(
    "instant",
    [
        datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=14))),
        datetime(9999, 12, 31, 23, 59, 59, tzinfo=timezone(timedelta(hours=-12))),
        datetime(1899, 12, 31, 23, 59, tzinfo=UTC),
        datetime(2201, 1, 1, tzinfo=UTC),
    ],
)
def test_date_times_outside_the_years_a_clinic_means_are_refused(instant: datetime) -> None:
    with pytest.raises(InvalidInput):
        require_instant(instant, "from")


def test_the_edge_years_are_kept_and_convert_without_overflow() -> None:
    first = require_instant(datetime(1900, 1, 1, tzinfo=timezone(timedelta(hours=14))), "from")
    last = require_instant(
        datetime(2200, 12, 31, 23, 59, tzinfo=timezone(timedelta(hours=-12))), "to"
    )
    assert first.astimezone(UTC).year == 1899
    assert last.astimezone(UTC).year == 2201


def test_a_birth_date_may_be_today_anywhere_on_earth_but_not_later() -> None:
    # 12:00 UTC is already 02:00 the next day at UTC+14.
    assert require_birth_date(date(2030, 6, 2), NOW) == date(2030, 6, 2)
    for future in (date(2030, 6, 3), date(9999, 12, 31)):
        with pytest.raises(InvalidInput) as refused:
            require_birth_date(future, NOW)
        assert refused.value.field == "birthDate"


def test_a_birth_date_before_1900_is_refused() -> None:
    with pytest.raises(InvalidInput):
        require_birth_date(date(1899, 12, 31), NOW)


@pytest.mark.parametrize(
    "name", ["Europe", "a" * 5000, "/etc/localtime", "../zoneinfo/UTC", "", "UTC\x00", "Europe/"]
)
def test_a_folder_a_path_or_an_overlong_name_is_no_time_zone(name: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_time_zone(name)
    assert refused.value.field == "timeZone"


def test_known_time_zones_are_kept() -> None:
    assert parse_time_zone("Europe/Berlin").key == "Europe/Berlin"
    assert parse_time_zone("America/Argentina/Buenos_Aires").key == "America/Argentina/Buenos_Aires"
    assert parse_time_zone("Etc/GMT+5").key == "Etc/GMT+5"


def test_a_clock_time_is_ascii_digits() -> None:
    assert parse_clock("09:30", "startTime") == time(9, 30)
    for text in ("\u0660\u0669:\u0663\u0660", "0\uff19:30", "09:30\x00", "9:30"):
        with pytest.raises(InvalidInput):
            parse_clock(text, "startTime")
