"""Slot rules with no database: what a portal offers, including daylight-saving days."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from domain.availability import (
    BookingRules,
    Interval,
    Occupancy,
    Occupant,
    OpenSlot,
    SessionRule,
    is_open_slot,
    occupied,
    offered_online,
    open_slots,
    open_until,
)

BERLIN = ZoneInfo("Europe/Berlin")
HALF_HOUR = timedelta(minutes=30)
RULES = BookingRules(time_zone=BERLIN, minimum_notice=timedelta(0), horizon=timedelta(days=400))
LONG_AGO = datetime(2026, 1, 1, tzinfo=UTC)


def series(day: date, start: time, end: time, **changes: object) -> SessionRule:
    values: dict[str, object] = {
        "location_id": 1,
        "weekday": day.isoweekday(),
        "start_time": start,
        "end_time": end,
        "valid_from": date(2026, 1, 1),
        "valid_until": None,
        "available_online": True,
    }
    values.update(changes)
    return SessionRule(**values)  # type: ignore[arg-type]


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def slots_on(
    day: date,
    rules: list[SessionRule],
    *,
    busy: tuple[Interval, ...] = (),
    now: datetime = LONG_AGO,
    booking: BookingRules = RULES,
    duration: timedelta = HALF_HOUR,
) -> list[datetime]:
    start = datetime.combine(day, time(0), tzinfo=BERLIN)
    found = open_slots(
        rules=rules,
        duration=duration,
        busy=busy,
        booking=booking,
        window_start=start,
        window_end=start + timedelta(days=1),
        now=now,
    )
    return [s.start for s in found]


def test_slots_step_by_the_service_duration_and_end_by_the_session_end() -> None:
    day = date(2026, 6, 2)
    starts = slots_on(day, [series(day, time(9), time(11))], duration=timedelta(minutes=45))
    assert starts == [utc(2026, 6, 2, 7, 0), utc(2026, 6, 2, 7, 45)]  # 10:30 + 45 min > 11:00


@pytest.mark.parametrize(
    ("day", "first_utc"),
    [
        (date(2026, 3, 27), utc(2026, 3, 27, 8)),  # Friday before spring forward: UTC+1
        (date(2026, 3, 30), utc(2026, 3, 30, 7)),  # Monday after: UTC+2
        (date(2026, 10, 23), utc(2026, 10, 23, 7)),  # Friday before fall back: UTC+2
        (date(2026, 10, 26), utc(2026, 10, 26, 8)),  # Monday after: UTC+1
    ],
)
def test_a_nine_oclock_session_starts_at_nine_on_both_sides_of_a_clock_change(
    day: date, first_utc: datetime
) -> None:
    assert slots_on(day, [series(day, time(9), time(10))])[0] == first_utc


def test_on_the_spring_forward_night_the_skipped_hour_offers_no_slot() -> None:
    day = date(2026, 3, 29)  # 02:00 local jumps to 03:00
    starts = slots_on(day, [series(day, time(1), time(4))])
    assert starts == [
        utc(2026, 3, 29, 0, 0),  # 01:00 +01:00
        utc(2026, 3, 29, 0, 30),  # 01:30 +01:00
        utc(2026, 3, 29, 1, 0),  # 03:00 +02:00
        utc(2026, 3, 29, 1, 30),  # 03:30 +02:00
    ]


def test_on_the_fall_back_night_the_repeated_hour_is_offered_once() -> None:
    day = date(2026, 10, 25)  # 03:00 local goes back to 02:00
    starts = slots_on(day, [series(day, time(1), time(4))])
    assert starts == [
        utc(2026, 10, 24, 23, 0),  # 01:00 +02:00
        utc(2026, 10, 24, 23, 30),  # 01:30 +02:00
        utc(2026, 10, 25, 0, 0),  # 02:00 +02:00 (first occurrence)
        utc(2026, 10, 25, 0, 30),  # 02:30 +02:00
        utc(2026, 10, 25, 2, 0),  # 03:00 +01:00
        utc(2026, 10, 25, 2, 30),  # 03:30 +01:00
    ]


def test_a_live_appointment_blocks_every_slot_it_overlaps_even_in_part() -> None:
    day = date(2026, 6, 2)
    busy = (Interval(utc(2026, 6, 2, 7, 15), utc(2026, 6, 2, 7, 45)),)  # 09:15-09:45 local
    starts = slots_on(day, [series(day, time(9), time(11))], busy=busy)
    assert starts == [utc(2026, 6, 2, 8, 0), utc(2026, 6, 2, 8, 30)]


def test_minimum_notice_and_horizon_bound_what_is_offered() -> None:
    day = date(2026, 6, 2)
    now = utc(2026, 6, 2, 7, 10)  # 09:10 local
    booking = BookingRules(
        BERLIN, minimum_notice=timedelta(minutes=60), horizon=timedelta(minutes=120)
    )
    starts = slots_on(day, [series(day, time(9), time(12))], now=now, booking=booking)
    assert starts == [utc(2026, 6, 2, 8, 30), utc(2026, 6, 2, 9, 0)]  # 10:30 and 11:00 local


def test_two_sessions_offering_the_same_time_give_one_slot() -> None:
    day = date(2026, 6, 2)
    starts = slots_on(
        day, [series(day, time(9), time(10)), series(day, time(9), time(10), location_id=2)]
    )
    assert len(starts) == len(set(starts)) == 2


def test_ended_not_yet_started_and_offline_series_offer_nothing() -> None:
    day = date(2026, 6, 2)
    rules = [
        series(day, time(9), time(10), valid_until=date(2026, 6, 1)),
        series(day, time(9), time(10), valid_from=date(2026, 6, 3)),
        series(day, time(9), time(10), available_online=False),
    ]
    assert slots_on(day, rules) == []


def test_holding_checks_the_same_grid_as_the_list() -> None:
    day = date(2026, 3, 29)
    rules = [series(day, time(1), time(4))]
    listed = set(slots_on(day, rules))
    candidates = [
        datetime.combine(day, time(0), tzinfo=BERLIN).astimezone(UTC) + timedelta(minutes=15 * i)
        for i in range(20)
    ]
    for start in candidates:
        found = is_open_slot(
            rules=rules, duration=HALF_HOUR, booking=RULES, start=start, now=LONG_AGO
        )
        assert (found is not None) == (start in listed), start


def test_open_until_is_the_horizon_or_the_end_of_the_last_session() -> None:
    now = utc(2026, 6, 1, 6)
    booking = BookingRules(BERLIN, timedelta(0), timedelta(days=30))
    forever = series(date(2026, 6, 2), time(9), time(12))
    ending = series(date(2026, 6, 2), time(9), time(12), valid_until=date(2026, 6, 12))  # a Friday

    assert open_until(rules=[forever], booking=booking, now=now) == now + timedelta(days=30)
    assert open_until(rules=[ending], booking=booking, now=now) == utc(
        2026, 6, 9, 10
    )  # last Tuesday, 12:00 local
    assert (
        open_until(
            rules=[series(date(2026, 6, 2), time(9), time(12), available_online=False)],
            booking=booking,
            now=now,
        )
        is None
    )


def test_bookable_online_only_when_practitioner_service_and_offer_all_say_so() -> None:
    assert offered_online(practitioner_online=True, service_online=True, offered=True)
    for flags in ((False, True, True), (True, False, True), (True, True, False)):
        practitioner, service, offered = flags
        assert not offered_online(
            practitioner_online=practitioner, service_online=service, offered=offered
        )


def test_an_opening_overlapped_only_by_holds_is_held_and_by_a_booking_taken() -> None:
    def at(hour: int, minute: int = 0) -> datetime:
        return utc(2026, 6, 2, hour, minute)

    openings = [OpenSlot(1, at(h), at(h, 30)) for h in (7, 8, 9)]
    occupants = [
        Occupant(at(7, 15), at(7, 45), is_hold=True),
        Occupant(at(8), at(8, 30), is_hold=True),
        Occupant(at(8, 15), at(8, 45), is_hold=False),
    ]

    found = occupied(openings, occupants)

    assert found == [(openings[0], Occupancy.HELD), (openings[1], Occupancy.TAKEN)]
