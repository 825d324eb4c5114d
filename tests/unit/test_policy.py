"""The one policy, without a database: who may see and do what."""

from __future__ import annotations

import pytest

from domain import policy
from domain.actors import Actor, UserKind
from domain.errors import NotAllowed

STAFF = Actor(user_id=1, kind=UserKind.STAFF)
PARENT = Actor(user_id=2, kind=UserKind.PATIENT, patient_ids=frozenset({10, 11}))
STRANGER = Actor(user_id=3, kind=UserKind.PATIENT, patient_ids=frozenset({20}))
PRACTITIONER = Actor(user_id=4, kind=UserKind.PRACTITIONER, practitioner_id=7)


def test_staff_manage_every_patient_users_only_their_own() -> None:
    assert policy.may_manage_patient(STAFF, 10)
    assert policy.may_manage_patient(PARENT, 11)
    assert not policy.may_manage_patient(STRANGER, 10)
    assert not policy.may_manage_patient(None, 10)
    assert not policy.may_manage_patient(PARENT, None)


def test_required_roles_refuse_with_not_allowed() -> None:
    assert policy.require_staff(STAFF) is STAFF
    for actor in (None, PARENT, PRACTITIONER):
        with pytest.raises(NotAllowed):
            policy.require_staff(actor)
    with pytest.raises(NotAllowed):
        policy.require_patient_access(STRANGER, 10)


def test_an_appointment_is_seen_by_staff_its_practitioner_its_patients_users_and_holder() -> None:
    def sees(actor: Actor | None, **of: int | None) -> bool:
        facts = {"patient_id": None, "practitioner_id": None, "created_by_id": None, **of}
        return policy.may_see_appointment(actor, **facts)

    assert sees(STAFF, patient_id=99, practitioner_id=5)
    assert sees(PRACTITIONER, practitioner_id=7)
    assert not sees(PRACTITIONER, practitioner_id=8, patient_id=10)
    assert sees(PARENT, patient_id=10, practitioner_id=5)
    assert sees(STRANGER, created_by_id=3, practitioner_id=5)
    assert not sees(STRANGER, patient_id=10, practitioner_id=5)
    assert not sees(None, patient_id=10, practitioner_id=5)


def test_a_diary_is_read_by_staff_and_its_own_practitioner() -> None:
    assert policy.may_read_diary(STAFF, 7)
    assert policy.may_read_diary(PRACTITIONER, 7)
    assert not policy.may_read_diary(PRACTITIONER, 8)
    assert not policy.may_read_diary(PARENT, 7)


def test_holds_are_requested_by_their_holder_and_released_by_holder_or_staff() -> None:
    assert policy.may_request_hold(PARENT, 2)
    assert not policy.may_request_hold(STAFF, 2)
    assert policy.may_release_hold(PARENT, 2)
    assert policy.may_release_hold(STAFF, 2)
    assert not policy.may_release_hold(STRANGER, 2)


def test_a_user_account_is_seen_by_staff_and_by_the_user_themself() -> None:
    assert policy.may_see_user(STAFF, 2)
    assert policy.may_see_user(PARENT, 2)
    assert not policy.may_see_user(STRANGER, 2)
    assert not policy.may_see_user(None, 2)

    class U:
        def __init__(self, id: int) -> None:
            self.id = id

    users = [U(2), U(3)]
    assert [u.id for u in policy.visible_users(PARENT, users)] == [2]
    assert [u.id for u in policy.visible_users(STAFF, users)] == [2, 3]
    assert policy.visible_users(None, users) == []


def test_staff_only_views() -> None:
    for rule in (
        policy.may_see_practitioners_offline,
        policy.may_see_verification_codes,
        policy.may_watch_staff_notifications,
    ):
        assert rule(STAFF)
        assert not rule(PARENT)
        assert not rule(PRACTITIONER)
        assert not rule(None)
