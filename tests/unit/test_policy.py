"""The one policy, without a database: who may see and do what."""

from __future__ import annotations

import pytest

from domain import policy
from domain.actors import NO_USER, Actor, ClientKind, UserKind
from domain.errors import NotAllowed
from domain.scopes import SCOPES

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


def client(*scopes: str) -> Actor:
    return Actor(user_id=NO_USER, kind=ClientKind.API_CLIENT, scopes=frozenset(scopes), client_id=5)


def test_an_api_client_is_never_a_person_nor_staff() -> None:
    everything = client(*SCOPES)
    assert not everything.is_staff
    for refuse in (policy.require_signed_in, policy.require_staff):
        with pytest.raises(NotAllowed):
            refuse(everything)
    assert not policy.may_see_user(everything, NO_USER)
    assert not policy.may_manage_session(everything, NO_USER)
    assert not policy.may_release_hold(everything, None)
    assert not policy.may_manage_patient(everything, 10)


def test_a_client_reaches_what_its_scopes_grant_and_users_are_unchanged() -> None:
    appointment = {"patient_id": 10, "practitioner_id": 7, "created_by_id": None}
    assert policy.may_see_appointment(client("appointments:read"), **appointment)
    assert not policy.may_see_appointment(client("appointments:write"), **appointment)
    assert policy.may_read_diary(client("appointments:read"), 7)
    assert not policy.may_read_diary(client("availability:read"), 7)
    assert policy.may_read_availability(client("availability:read"))
    assert not policy.may_read_availability(client("patients:read"))
    assert policy.may_read_availability(None) and policy.may_read_availability(PARENT)
    assert policy.may_see_patient_of_appointment(PARENT)
    assert not policy.may_see_patient_of_appointment(client("appointments:read"))
    assert policy.require_patients_read(client("patients:read")).client_id == 5
    with pytest.raises(NotAllowed):
        policy.require_appointments_write(client("appointments:read"))
    assert policy.require_appointments_write(STAFF) is STAFF


def test_only_a_self_registered_provisional_patient_must_prove_their_email() -> None:
    provisional = Actor(user_id=5, kind=UserKind.PROVISIONAL_PATIENT)
    assert policy.must_prove_email(provisional)
    for vouched in (STAFF, PARENT, PRACTITIONER):
        assert not policy.must_prove_email(vouched)


def test_staff_list_every_webhook_endpoint_a_client_its_own() -> None:
    client = Actor(user_id=NO_USER, kind=ClientKind.API_CLIENT, client_id=9)
    assert policy.visible_webhook_owner(STAFF) == (None, True)
    assert policy.visible_webhook_owner(client) == (9, False)
