"""Email verification: single-use, expiring links that prove an account reads its mailbox.

The link's token is a signed link (`domain/signed_links.py`) under its own purpose,
so no other link's token is ever a verification token. The database holds
the nonce, never the token. A link verifies the address it was sent to, for the account it
was sent for; it stops working once used, after `LINK_LIFETIME`, or when the account's
email is no longer that address.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from domain import signed_links
from domain.errors import NotFound
from domain.phrases import N_

LINK_LIFETIME = timedelta(hours=24)
#: A resend within this long after the last link sends nothing new: that link still works.
RESEND_PAUSE = timedelta(minutes=1)

INVALID = N_("This verification link is not valid, was used already or has expired.")


PURPOSE = "verify-email"


def verification_token(secret: str, verification_id: int, nonce: str) -> str:
    return signed_links.sign(secret, PURPOSE, verification_id, nonce)


def token_verification_id(token: str) -> int:
    """The verification a token names (not yet proof that it is genuine)."""
    return signed_links.subject_of(token, INVALID)


def check_token(secret: str, token: str, verification_id: int, nonce: str) -> None:
    signed_links.check(secret, PURPOSE, token, verification_id, nonce, INVALID)


def check_usable(
    *, used_at: datetime | None, expires_at: datetime, sent_to: str, email_now: str, now: datetime
) -> None:
    """Used, expired and superseded (the account's email changed) links answer alike."""
    if used_at is not None or expires_at <= now or not same_email(sent_to, email_now):
        raise NotFound(INVALID)


def same_email(a: str | None, b: str | None) -> bool:
    """Addresses compare without case or surrounding spaces; a missing one equals none."""
    if not a or not b:
        return False
    return a.strip().casefold() == b.strip().casefold()


def proved(email: str | None, proved_emails: Iterable[str]) -> bool:
    """Whether `email` (say, a record's email on file) is one of the proved addresses."""
    return any(same_email(email, p) for p in proved_emails)


def may_send_again(last_sent: datetime | None, now: datetime) -> bool:
    return last_sent is None or now - last_sent >= RESEND_PAUSE


def link_for(public_url: str, token: str) -> str:
    return f"{public_url}/verify-email?token={token}"
