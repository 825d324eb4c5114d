"""Online availability through GraphQL: which slots a portal is offered, in the clinic's time."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest

from persistence.models import AppointmentRow, PatientRow
from resolvers.deps import Deps
from tests import factories
from tests.factories import ZONE
from tests.support import GraphQL

SLOTS = """
query Slots($p: ID!, $s: ID!, $from: DateTime!, $to: DateTime!) {
  availableSlots(practitionerId: $p, serviceId: $s, from: $from, to: $to) {
    openUntil
    slots { start end practitioner { name } location { name } }
  }
}
"""

ONLINE_PRACTITIONERS = "{ practitioners { id name } }"

SESSIONS = "{ practitioners(onlineOnly: false) { sessions { id } } }"

END_SERIES = """
mutation End($id: ID!, $until: Date!) {
  updateSessionSeries(sessionSeriesId: $id, validUntil: $until) {
    __typename ... on SessionSeries { validUntil } ... on Problem { code message }
  }
}
"""


async def insert_appointment(
    deps: Deps,
    diary: factories.Diary,
    start: datetime,
    *,
    minutes: int = 30,
    status: str = "BOOKED",
    patient: PatientRow | None = None,
    hold_expires_at: datetime | None = None,
    created_by_id: int | None = None,
) -> AppointmentRow:
    """A diary entry written straight to the database, as the clinic's own system would."""
    row = AppointmentRow(
        status=status,
        patient_id=patient.id if patient else None,
        practitioner_id=diary.practitioner.id,
        service_id=diary.service.id,
        location_id=diary.location.id,
        start_at=start,
        end_at=start + timedelta(minutes=minutes),
        hold_expires_at=hold_expires_at,
        patient_response="NONE",
        created_online=False,
        created_by_id=created_by_id,
        created_at=datetime.now(UTC),
    )
    async with deps.database.writer() as session:
        session.add(row)
        await session.commit()
    return row


async def availability(
    gql: GraphQL, diary: factories.Diary, start: datetime, end: datetime
) -> dict[str, Any]:
    variables = {
        "p": diary.practitioner_id,
        "s": diary.service_id,
        "from": start.isoformat(),
        "to": end.isoformat(),
    }
    return (await gql(SLOTS, variables))["availableSlots"]


async def starts(
    gql: GraphQL, diary: factories.Diary, start: datetime, end: datetime
) -> list[datetime]:
    found = await availability(gql, diary, start, end)
    return [datetime.fromisoformat(s["start"]) for s in found["slots"]]


def whole_day(day: date) -> tuple[datetime, datetime]:
    return factories.local(day, 0), factories.local(day + timedelta(days=1), 0)


def next_day_in_month(month: int, day: int = 15) -> date:
    """The next date with that month and day after today (for winter and summer times)."""
    today = factories.days_ahead(0)
    candidate = date(today.year, month, day)
    return candidate if candidate > today + timedelta(days=2) else date(today.year + 1, month, day)


def next_offset_change(after: date) -> date:
    """The first clinic-local day whose noon has another UTC offset than the day before."""
    day = after
    while True:
        day += timedelta(days=1)
        if (
            factories.local(day, 12).utcoffset()
            != factories.local(day - timedelta(1), 12).utcoffset()
        ):
            return day


async def test_slots_step_by_the_service_duration_inside_online_sessions(
    gql: GraphQL, deps: Deps
) -> None:
    diary = await factories.online_practitioner(
        deps, duration_minutes=45, start=time(9), end=time(12)
    )
    day = factories.days_ahead(3)

    found = await availability(gql, diary, *whole_day(day))

    expected = [factories.local(day, 9, 0) + timedelta(minutes=45 * i) for i in range(4)]
    assert [s["start"] for s in found["slots"]] == [e.isoformat() for e in expected]
    assert [s["end"] for s in found["slots"]] == [
        (e + timedelta(minutes=45)).isoformat() for e in expected
    ]
    assert {(s["practitioner"]["name"], s["location"]["name"]) for s in found["slots"]} == {
        ("Maria Keller", "Lindenhof Centre")
    }
    # A window opening mid-session offers only the starts inside it.
    assert await starts(gql, diary, factories.local(day, 10), factories.local(day, 11, 15)) == [
        factories.local(day, 10, 30)
    ]


@pytest.mark.parametrize(("month", "offset"), [(1, "+01:00"), (7, "+02:00")])
async def test_slot_times_carry_the_clinics_utc_offset_of_their_season(
    gql: GraphQL, deps: Deps, month: int, offset: str
) -> None:
    await factories.set_clinic(deps, booking_horizon_days=400)
    diary = await factories.online_practitioner(
        deps, duration_minutes=60, start=time(9), end=time(10)
    )
    day = next_day_in_month(month)

    found = await availability(gql, diary, *whole_day(day))

    assert found["slots"] == [
        {
            "start": f"{day.isoformat()}T09:00:00{offset}",
            "end": f"{day.isoformat()}T10:00:00{offset}",
            "practitioner": {"name": "Maria Keller"},
            "location": {"name": "Lindenhof Centre"},
        }
    ]


async def test_a_booked_appointment_removes_the_slots_it_overlaps(gql: GraphQL, deps: Deps) -> None:
    diary = await factories.online_practitioner(deps, start=time(9), end=time(12))
    day = factories.days_ahead(4)
    await insert_appointment(deps, diary, factories.local(day, 10, 15), minutes=30)
    await insert_appointment(deps, diary, factories.local(day, 11), status="CANCELLED")

    found = await starts(gql, diary, *whole_day(day))

    assert found == [factories.local(day, h, m) for h, m in ((9, 0), (9, 30), (11, 0), (11, 30))]


async def test_an_expired_hold_does_not_block_while_a_live_hold_does(
    gql: GraphQL, deps: Deps
) -> None:
    diary = await factories.online_practitioner(deps, start=time(9), end=time(12))
    day = factories.days_ahead(4)
    now = datetime.now(UTC)
    await insert_appointment(
        deps,
        diary,
        factories.local(day, 10),
        status="TEMPORARY",
        hold_expires_at=now - timedelta(minutes=1),
    )
    await insert_appointment(
        deps,
        diary,
        factories.local(day, 11),
        status="TEMPORARY",
        hold_expires_at=now + timedelta(minutes=5),
    )

    found = await starts(gql, diary, *whole_day(day))

    assert factories.local(day, 10) in found
    assert factories.local(day, 11) not in found
    assert len(found) == 5


@pytest.mark.parametrize(
    "offline",
    [{"available_online": False}, {"online_access": False}],
    ids=["sessions-not-online", "no-online-access"],
)
async def test_an_offline_practitioner_has_no_slots_and_is_not_listed(
    gql: GraphQL, deps: Deps, offline: dict[str, bool]
) -> None:
    online = await factories.online_practitioner(deps, name="Online Olga")
    diary = await factories.online_practitioner(deps, name="Offline Otto", **offline)
    day = factories.days_ahead(3)

    found = await availability(gql, diary, *whole_day(day))

    assert found == {"slots": [], "openUntil": None}
    assert (await gql(ONLINE_PRACTITIONERS))["practitioners"] == [
        {"id": online.practitioner_id, "name": "Online Olga"}
    ]


async def test_open_until_is_the_booking_horizon_while_sessions_never_end(
    gql: GraphQL, deps: Deps
) -> None:
    await factories.set_clinic(deps, booking_horizon_days=30)
    diary = await factories.online_practitioner(deps)
    day = factories.days_ahead(3)

    before = datetime.now(UTC)
    found = await availability(gql, diary, *whole_day(day))
    after = datetime.now(UTC)

    open_until = datetime.fromisoformat(found["openUntil"])
    # Shown in whole seconds, so the moment it was computed is cut to the second.
    assert before.replace(microsecond=0) + timedelta(days=30) <= open_until
    assert open_until <= after + timedelta(days=30)
    assert open_until.utcoffset() == open_until.astimezone(ZONE).utcoffset()
    # Past the horizon nothing is offered.
    late = factories.days_ahead(32)
    assert await starts(gql, diary, *whole_day(late)) == []


async def test_open_until_is_the_end_of_the_last_session_when_the_series_ends_first(
    gql: GraphQL, deps: Deps
) -> None:
    desk = await factories.staff(deps)
    diary = await factories.online_practitioner(deps, weekdays=(1,), end=time(17))
    (series,) = (await gql(SESSIONS, token=desk.token))["practitioners"][0]["sessions"]
    until = factories.days_ahead(20)
    ended = (await gql(END_SERIES, {"id": series["id"], "until": until.isoformat()}, desk.token))[
        "updateSessionSeries"
    ]
    assert ended == {"__typename": "SessionSeries", "validUntil": until.isoformat()}
    last_monday = until - timedelta(days=(until.isoweekday() - 1) % 7)

    found = await availability(gql, diary, *whole_day(last_monday))

    assert datetime.fromisoformat(found["openUntil"]) == factories.local(last_monday, 17)
    assert found["openUntil"] == factories.local(last_monday, 17).isoformat()
    assert found["slots"][-1]["end"] == factories.local(last_monday, 17).isoformat()
    after_end = until + timedelta(days=1)
    assert (
        await starts(
            gql,
            diary,
            factories.local(after_end, 0),
            factories.local(after_end, 0) + timedelta(days=14),
        )
        == []
    )


async def test_a_series_ending_beyond_the_horizon_leaves_open_until_at_the_horizon(
    gql: GraphQL, deps: Deps
) -> None:
    desk = await factories.staff(deps)
    diary = await factories.online_practitioner(deps, weekdays=(2,))
    (series,) = (await gql(SESSIONS, token=desk.token))["practitioners"][0]["sessions"]
    until = factories.days_ahead(200)
    await gql(END_SERIES, {"id": series["id"], "until": until.isoformat()}, desk.token)

    before = datetime.now(UTC)
    found = await availability(gql, diary, *whole_day(factories.days_ahead(3)))
    after = datetime.now(UTC)

    open_until = datetime.fromisoformat(found["openUntil"])
    assert before.replace(microsecond=0) + timedelta(days=60) <= open_until
    assert open_until <= after + timedelta(days=60)


async def test_minimum_notice_hides_slots_that_start_too_soon(gql: GraphQL, deps: Deps) -> None:
    diary = await factories.online_practitioner(deps)
    notice = timedelta(hours=24)
    before = datetime.now(UTC)
    window = (before - timedelta(hours=1), before + timedelta(days=3))

    without_notice = await starts(gql, diary, *window)
    await factories.set_clinic(deps, minimum_notice_minutes=24 * 60)
    with_notice = await starts(gql, diary, *window)

    assert min(without_notice) >= before
    assert any(start < before + notice for start in without_notice)
    assert min(with_notice) >= before + notice
    assert with_notice == [s for s in without_notice if s >= min(with_notice)]


async def test_a_range_ending_before_it_starts_is_a_graphql_error_with_its_code(
    gql: GraphQL, deps: Deps
) -> None:
    diary = await factories.online_practitioner(deps)
    start = factories.slot_start(days=3)

    body = await gql.raw(
        SLOTS,
        {
            "p": diary.practitioner_id,
            "s": diary.service_id,
            "from": start.isoformat(),
            "to": (start - timedelta(hours=1)).isoformat(),
        },
    )

    assert body["data"] is None
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "INVALID_INPUT"
    assert error["extensions"]["field"] == "to"
    assert error["path"] == ["availableSlots"]


async def test_a_daily_nine_oclock_slot_stays_at_nine_across_a_daylight_saving_change(
    gql: GraphQL, deps: Deps
) -> None:
    await factories.set_clinic(deps, booking_horizon_days=400)
    diary = await factories.online_practitioner(
        deps, duration_minutes=60, start=time(9), end=time(10)
    )
    change = next_offset_change(after=factories.days_ahead(4))
    days = [change + timedelta(days=i) for i in range(-3, 4)]

    found = await availability(
        gql, diary, factories.local(days[0], 0), factories.local(days[-1], 23)
    )

    expected = [datetime.combine(d, time(9), tzinfo=ZONE) for d in days]
    assert [s["start"] for s in found["slots"]] == [e.isoformat() for e in expected]
    returned = [datetime.fromisoformat(s["start"]) for s in found["slots"]]
    assert [r.astimezone(UTC) for r in returned] == [e.astimezone(UTC) for e in expected]
    utc_hours = [r.astimezone(UTC).hour for r in returned]
    offset_before = expected[0].utcoffset()
    offset_after = expected[-1].utcoffset()
    assert offset_before != offset_after
    assert offset_before is not None and offset_after is not None
    hour_before = 9 - int(offset_before.total_seconds() // 3600)
    hour_after = 9 - int(offset_after.total_seconds() // 3600)
    assert utc_hours == [hour_before] * 3 + [hour_after] * 4


async def test_on_the_change_day_wall_times_the_clock_skips_give_no_slot(
    gql: GraphQL, deps: Deps
) -> None:
    """Spring: 02:00-03:00 does not exist. Autumn: the repeated hour is offered once."""
    await factories.set_clinic(deps, booking_horizon_days=400)
    diary = await factories.online_practitioner(deps, start=time(1), end=time(4))
    change = next_offset_change(after=factories.days_ahead(4))

    found = await starts(gql, diary, *whole_day(change))

    walls = [time(h, m) for h in (1, 2, 3) for m in (0, 30)]
    expected = []
    for wall in walls:
        instant = datetime.combine(change, wall, tzinfo=ZONE)  # fold=0: the first occurrence
        if instant.astimezone(UTC).astimezone(ZONE).time() == wall:
            expected.append(instant)
    assert [f.astimezone(UTC) for f in found] == [e.astimezone(UTC) for e in expected]
    assert len(found) in (4, 6)


async def test_a_practitioner_whose_online_series_has_ended_is_not_offered_online(
    gql: GraphQL, deps: Deps
) -> None:
    ended = await factories.online_practitioner(
        deps, name="Ended", valid_until=factories.days_ahead(-1)
    )
    running = await factories.online_practitioner(deps, name="Running")

    listed = (await gql("{ practitioners { id } }"))["practitioners"]

    assert {"id": running.practitioner_id} in listed
    assert {"id": ended.practitioner_id} not in listed
