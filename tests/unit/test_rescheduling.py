"""The rules of changing a visit online, without a database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from domain.appointments import AppointmentStatus, PatientResponse
from domain.errors import InvalidInput, NotAllowed
from domain.rescheduling import (
    ChangeRules,
    TooLateToChange,
    change_deadlines,
    check_cancel_notice,
    check_movable,
    check_reschedule_notice,
    status_after_move,
)

NOW = datetime(2026, 12, 1, 9, tzinfo=UTC)
START = NOW + timedelta(hours=30)
BERLIN = ZoneInfo("Europe/Berlin")


def rules(**given: object) -> ChangeRules:
    values: dict = {
        "cancel_notice_hours": 24,
        "reschedule_notice_hours": 48,
        "max_reschedules": 2,
        "cancel_online": True,
        "moved_visits_need_approval": False,
        "phone": "+49 30 111",
        "zone": BERLIN,
    } | given
    return ChangeRules.of(**values)


def test_a_patient_inside_the_window_is_told_the_deadline_in_the_clinic_zone_and_the_phone() -> (
    None
):
    with pytest.raises(TooLateToChange) as refused:
        check_reschedule_notice(rules(), start=START, moves=0, now=NOW)
    assert refused.value.deadline == START - timedelta(hours=48)
    assert refused.value.deadline.tzinfo == BERLIN
    assert "+49 30 111" in refused.value.message


def test_outside_the_window_a_move_and_a_cancel_pass() -> None:
    check_reschedule_notice(rules(reschedule_notice_hours=0), start=START, moves=0, now=NOW)
    check_cancel_notice(rules(), start=START, now=NOW)


def test_the_cap_on_moves_counts_moves_already_made_and_zero_is_unlimited() -> None:
    check_reschedule_notice(rules(reschedule_notice_hours=0), start=START, moves=1, now=NOW)
    with pytest.raises(NotAllowed):
        check_reschedule_notice(rules(reschedule_notice_hours=0), start=START, moves=2, now=NOW)
    check_reschedule_notice(
        rules(reschedule_notice_hours=0, max_reschedules=0), start=START, moves=50, now=NOW
    )


@pytest.mark.parametrize(
    "status",
    [AppointmentStatus.CANCELLED, AppointmentStatus.TEMPORARY, AppointmentStatus.COMPLETED],
)
def test_only_booked_and_pending_visits_move(status: AppointmentStatus) -> None:
    with pytest.raises(InvalidInput):
        check_movable(status, START, NOW)
    check_movable(AppointmentStatus.REQUESTED, START, NOW)


def test_a_visit_that_began_does_not_move() -> None:
    with pytest.raises(InvalidInput):
        check_movable(AppointmentStatus.BOOKED, NOW, NOW)


def test_deadlines_are_null_where_the_change_is_not_possible_online() -> None:
    booked = {"status": AppointmentStatus.BOOKED, "response": PatientResponse.NONE, "start": START}
    both = change_deadlines(rules(reschedule_notice_hours=6), moves=0, now=NOW, **booked)
    capped = change_deadlines(rules(reschedule_notice_hours=6), moves=2, now=NOW, **booked)
    by_phone = change_deadlines(rules(cancel_online=False), moves=0, now=NOW, **booked)
    pending = change_deadlines(
        rules(reschedule_notice_hours=6),
        status=AppointmentStatus.REQUESTED,
        response=PatientResponse.NONE,
        start=START,
        moves=0,
        now=NOW,
    )

    assert (both.cancel, both.reschedule) == (
        START - timedelta(hours=24),
        START - timedelta(hours=6),
    )
    assert capped.reschedule is None and capped.cancel is not None
    assert by_phone.cancel is None
    assert pending.cancel is None and pending.reschedule is not None


def test_a_booked_visit_moved_by_a_patient_waits_for_staff_only_where_the_clinic_says() -> None:
    booked = AppointmentStatus.BOOKED
    assert status_after_move(booked, by_patient=True, rules=rules()) is booked
    again = rules(moved_visits_need_approval=True)
    assert status_after_move(booked, by_patient=True, rules=again) is AppointmentStatus.REQUESTED
    assert status_after_move(booked, by_patient=False, rules=again) is booked
    requested = AppointmentStatus.REQUESTED
    assert status_after_move(requested, by_patient=True, rules=again) is requested
