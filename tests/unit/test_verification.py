"""Email verification links and the two questions the policy answers about identities."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain import verification as rules
from domain.actors import Actor, UserKind
from domain.errors import NotFound
from domain.invitations import invitation_token
from domain.policy import may_accept_invitation, may_verify_email

SECRET = "test-secret"
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def test_a_token_names_its_link_and_only_the_secret_makes_it() -> None:
    token = rules.verification_token(SECRET, 7, "nonce")
    assert rules.token_verification_id(token) == 7
    rules.check_token(SECRET, token, 7, "nonce")
    for wrong in (
        rules.verification_token("another-secret", 7, "nonce"),
        rules.verification_token(SECRET, 7, "another-nonce"),
        invitation_token(SECRET, 7, "nonce"),
    ):
        with pytest.raises(NotFound):
            rules.check_token(SECRET, wrong, 7, "nonce")


@pytest.mark.parametrize("token", ["", "7", "x.abc", "7.", ".abc", "1" * 19 + ".abc"])
def test_a_malformed_token_is_not_found(token: str) -> None:
    with pytest.raises(NotFound):
        rules.token_verification_id(token)


def usable(**changes: object) -> None:
    facts: dict = {
        "used_at": None,
        "expires_at": NOW + timedelta(hours=1),
        "sent_to": "lena@example.com",
        "email_now": "Lena@Example.com",
        "now": NOW,
    }
    rules.check_usable(**{**facts, **changes})


def test_an_unused_link_to_the_current_email_works_until_it_expires() -> None:
    usable()
    for changes in (
        {"used_at": NOW - timedelta(minutes=1)},
        {"expires_at": NOW},
        {"email_now": "lena.new@example.com"},
    ):
        with pytest.raises(NotFound):
            usable(**changes)


def test_links_expire_after_a_day_and_a_resend_waits_a_minute() -> None:
    assert timedelta(hours=24) == rules.LINK_LIFETIME
    assert rules.may_send_again(None, NOW)
    assert not rules.may_send_again(NOW - timedelta(seconds=30), NOW)
    assert rules.may_send_again(NOW - timedelta(minutes=1), NOW)


def test_a_proved_email_compares_without_case_and_a_missing_one_is_never_proved() -> None:
    assert rules.proved(" Anna@Example.com", {"anna@example.com"})
    assert not rules.proved("anna@example.com", {"other@example.com"})
    assert not rules.proved(None, {"anna@example.com"})
    assert not rules.proved("", {""})


def test_only_the_account_a_link_was_sent_for_may_use_it() -> None:
    lena = Actor(user_id=1, kind=UserKind.PROVISIONAL_PATIENT)
    staff = Actor(user_id=2, kind=UserKind.STAFF)
    assert may_verify_email(lena, 1)
    assert not may_verify_email(staff, 1)
    assert not may_verify_email(None, 1)


def test_an_invitation_is_for_the_proved_invitee_or_the_holder_of_its_code() -> None:
    assert may_accept_invitation("anna@example.com", "Anna@example.com", code_verified=False)
    assert not may_accept_invitation("anna@example.com", None, code_verified=False)
    assert not may_accept_invitation("anna@example.com", "other@example.com", code_verified=False)
    assert may_accept_invitation("anna@example.com", None, code_verified=True)


@pytest.mark.parametrize("head", ["\u00b2", "\u0661", "99999999999", "-1", ""])
def test_a_token_naming_no_plain_id_is_not_found(head: str) -> None:
    with pytest.raises(NotFound):
        rules.token_verification_id(f"{head}.mac")
