"""Which reminder is due, and who in line is offered which time, without a database."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from domain.errors import InvalidInput
from domain.reminders import check_reminder_hours, due_reminder, reminder_hours
from domain.waitlist import FreeTime, Waiting, Window, check_window, offers

START = datetime(2026, 12, 10, 9, tzinfo=UTC)
BOOKED = START - timedelta(days=7)
BERLIN = ZoneInfo("Europe/Berlin")


def due(now: datetime, *, booked: datetime = BOOKED, confirmed: bool = False) -> int | None:
    return due_reminder((48, 2), start=START, booked_at=booked, confirmed=confirmed, now=now)


def test_each_reminder_is_due_from_its_time_until_the_visit_begins() -> None:
    assert due(START - timedelta(hours=49)) is None
    assert due(START - timedelta(hours=47)) == 48
    assert due(START - timedelta(hours=1)) == 2
    assert due(START) is None


def test_a_later_reminder_supersedes_one_whose_time_passed_unsent() -> None:
    assert due(START - timedelta(minutes=30)) == 2


def test_a_visit_booked_after_a_reminders_time_is_not_sent_that_one() -> None:
    assert due(START - timedelta(hours=10), booked=START - timedelta(hours=20)) is None
    assert due(START - timedelta(hours=1), booked=START - timedelta(hours=20)) == 2


def test_a_confirmed_visit_still_gets_the_first_but_not_the_second() -> None:
    assert due(START - timedelta(hours=47), confirmed=True) == 48
    assert due(START - timedelta(hours=1), confirmed=True) is None


def test_the_clinics_reminder_times_are_checked_and_kept_earliest_first() -> None:
    assert check_reminder_hours([2, 48]) == "48,2" and reminder_hours("48,2") == (48, 2)
    assert reminder_hours("") == ()
    for bad in ([0], [721], [2, 2], [1, 2, 3, 4, 5]):
        with pytest.raises(InvalidInput):
            check_reminder_hours(bad)


DAY = date(2026, 12, 10)
WINDOW = Window(DAY, DAY, time(8), time(12))


def free(hour: int, practitioner: int = 1) -> FreeTime:
    start = datetime.combine(DAY, time(hour), tzinfo=BERLIN)
    return FreeTime(practitioner, 7, 1, start, start + timedelta(minutes=30))


def waiting(entry: int, user: int, *, passed: frozenset = frozenset()) -> Waiting:
    return Waiting(entry, user, frozenset({1}), 7, WINDOW, passed)


def test_the_first_in_line_takes_the_earliest_fitting_time_and_nobody_gets_two() -> None:
    line = [waiting(1, 10), waiting(2, 20), waiting(3, 10)]
    made = offers(line, [free(10), free(9), free(15)], BERLIN, users_with_offers=frozenset())
    assert [(o.entry_id, o.time.start.hour) for o in made] == [(1, 9), (2, 10)]


def test_a_time_let_go_is_not_offered_to_the_same_entry_again() -> None:
    nine = free(9)
    line = [waiting(1, 10, passed=frozenset({(1, nine.start)})), waiting(2, 20)]
    made = offers(line, [nine], BERLIN, users_with_offers=frozenset())
    assert [o.entry_id for o in made] == [2]


def test_a_user_holding_an_offer_is_offered_nothing_more() -> None:
    made = offers([waiting(1, 10)], [free(9)], BERLIN, users_with_offers=frozenset({10}))
    assert made == []


def test_windows_of_years_or_backwards_are_refused() -> None:
    today = date(2026, 12, 5)
    with pytest.raises(InvalidInput):
        check_window(Window(today, today + timedelta(days=3650), time(8), time(9)), today)
    with pytest.raises(InvalidInput):
        check_window(Window(today, today, time(9), time(8)), today)
    with pytest.raises(InvalidInput):
        check_window(Window(today, today - timedelta(days=1), time(8), time(9)), today)
