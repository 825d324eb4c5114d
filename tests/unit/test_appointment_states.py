"""The hold/request state machine and expiry rules, with no database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain.appointments import (
    AppointmentStatus as S,
)
from domain.appointments import (
    PatientResponse as R,
)
from domain.appointments import (
    VisitStatus as V,
)
from domain.appointments import (
    check_answerable,
    check_patient_response,
    check_release,
    check_request,
    check_staff_outcome,
    ensure_hold_usable,
    is_expired_hold,
    is_live,
    is_shown,
    patient_may_ask,
    status_after_admission,
    status_after_request,
    status_as_told,
    visit_status,
)
from domain.errors import HoldExpired, InvalidInput

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)
LATER, EARLIER = NOW + timedelta(minutes=5), NOW - timedelta(seconds=1)


@pytest.mark.parametrize(
    ("status", "expires", "live"),
    [
        (S.TEMPORARY, LATER, True),
        (S.TEMPORARY, EARLIER, False),
        (S.TEMPORARY, NOW, False),
        (S.REQUESTED, None, True),
        (S.PROVISIONAL, None, True),
        (S.BOOKED, None, True),
        (S.COMPLETED, None, True),
        (S.REJECTED, None, False),
        (S.CANCELLED, None, False),
        (S.LAPSED, EARLIER, False),
    ],
)
def test_what_blocks_the_diary(status: S, expires: datetime | None, live: bool) -> None:
    assert is_live(status, expires, NOW) is live


def test_an_expired_hold_is_recognised_as_expired() -> None:
    assert is_expired_hold(S.TEMPORARY, EARLIER, NOW)
    assert not is_expired_hold(S.TEMPORARY, LATER, NOW)
    assert not is_expired_hold(S.BOOKED, None, NOW)


@pytest.mark.parametrize(
    ("approval", "provisional", "becomes"),
    [
        (False, False, S.BOOKED),
        (True, False, S.REQUESTED),
        (False, True, S.PROVISIONAL),
        (True, True, S.PROVISIONAL),
    ],
)
def test_what_a_requested_hold_becomes(approval: bool, provisional: bool, becomes: S) -> None:
    assert (
        status_after_request(approval_required=approval, patient_provisional=provisional) is becomes
    )


def test_an_admitted_provisional_booking_follows_the_approval_setting() -> None:
    assert status_after_admission(approval_required=True) is S.REQUESTED
    assert status_after_admission(approval_required=False) is S.BOOKED


def test_only_a_hold_can_be_requested_even_a_lapsed_one() -> None:
    check_request(S.TEMPORARY)
    check_request(S.LAPSED)
    with pytest.raises(InvalidInput):
        check_request(S.REJECTED)


def test_a_lapsed_hold_goes_through_only_while_the_slot_is_free() -> None:
    ensure_hold_usable(slot_still_free=True)
    with pytest.raises(HoldExpired):
        ensure_hold_usable(slot_still_free=False)


def test_only_a_live_hold_can_be_released() -> None:
    check_release(S.TEMPORARY)
    with pytest.raises(InvalidInput):
        check_release(S.BOOKED)


def test_a_lapsed_hold_is_never_shown_and_is_told_as_cancelled() -> None:
    assert not is_shown(S.LAPSED)
    assert all(is_shown(s) for s in S if s is not S.LAPSED)
    assert status_as_told(S.LAPSED) is S.CANCELLED
    assert status_as_told(S.BOOKED) is S.BOOKED


@pytest.mark.parametrize("status", [S.REQUESTED, S.PROVISIONAL])
def test_staff_answer_requests(status: S) -> None:
    check_answerable(status)


@pytest.mark.parametrize("status", [S.TEMPORARY, S.BOOKED, S.REJECTED, S.CANCELLED, S.COMPLETED])
def test_staff_cannot_answer_what_is_not_a_request(status: S) -> None:
    with pytest.raises(InvalidInput):
        check_answerable(status)


@pytest.mark.parametrize(
    ("status", "response", "shown"),
    [
        (S.COMPLETED, R.CONFIRMED, V.COMPLETED),
        (S.CANCELLED, R.NONE, V.CANCELLED),
        (S.REJECTED, R.NONE, V.CANCELLED),
        (S.BOOKED, R.CONFIRMED, V.PATIENT_CONFIRMED),
        (S.BOOKED, R.CANCEL_REQUESTED, V.PENDING_CANCEL),
        (S.BOOKED, R.NONE, V.AWAITING_RESPONSE),
        (S.REQUESTED, R.NONE, V.AWAITING_RESPONSE),
    ],
)
def test_what_the_client_portal_shows(status: S, response: R, shown: V) -> None:
    assert visit_status(status, response) is shown


def test_patients_answer_only_booked_visits_still_to_come() -> None:
    check_patient_response(S.BOOKED, LATER, NOW)
    with pytest.raises(InvalidInput):
        check_patient_response(S.BOOKED, EARLIER, NOW)
    with pytest.raises(InvalidInput):
        check_patient_response(S.REQUESTED, LATER, NOW)


def test_a_patient_asks_to_cancel_online_only_where_the_clinic_takes_it() -> None:
    assert patient_may_ask(R.CANCEL_REQUESTED, cancel_online=True)
    assert not patient_may_ask(R.CANCEL_REQUESTED, cancel_online=False)
    assert patient_may_ask(R.CONFIRMED, cancel_online=False)
    assert patient_may_ask(R.NONE, cancel_online=False)


def test_a_visit_is_completed_only_once_it_started_and_cancelled_only_while_live() -> None:
    check_staff_outcome(S.BOOKED, completing=True, start=EARLIER, now=NOW)
    with pytest.raises(InvalidInput):
        check_staff_outcome(S.BOOKED, completing=True, start=LATER, now=NOW)
    check_staff_outcome(S.REQUESTED, completing=False, start=LATER, now=NOW)
    with pytest.raises(InvalidInput):
        check_staff_outcome(S.COMPLETED, completing=False, start=EARLIER, now=NOW)
