"""Links emailed to a user: resetting a forgotten password, confirming a new email.

The token in a link is 256 random bits; the database keeps only its SHA-256 digest (as
for bearer tokens), so a copy of the database opens no link. A link works once and
only until it expires; a used, expired or unknown link answers alike: not found.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol, TypeVar

from domain.errors import NotFound
from domain.phrases import N_


class LinkPurpose(StrEnum):
    PASSWORD_RESET = "PASSWORD_RESET"
    EMAIL_CHANGE = "EMAIL_CHANGE"


#: A reset link is a key to the account: it works for an hour at most.
RESET_LIFETIME = timedelta(hours=1)
#: Confirming a new address may wait until the user reads that mailbox.
EMAIL_CHANGE_LIFETIME = timedelta(hours=24)
#: Asking again within this pause sends no second email (no mail-bombing a stranger).
RESEND_PAUSE = timedelta(minutes=1)

RESET_GONE = N_("This password reset link was used or has expired; ask for a new one.")
EMAIL_CHANGE_GONE = N_("This confirmation link was used or has expired; change your email again.")

RESET_REQUESTED = N_(
    "If an account uses this email, a link to choose a new password is on its way."
    " It works once, within an hour."
)


def lifetime(purpose: LinkPurpose) -> timedelta:
    return RESET_LIFETIME if purpose is LinkPurpose.PASSWORD_RESET else EMAIL_CHANGE_LIFETIME


def gone_message(purpose: LinkPurpose) -> str:
    return RESET_GONE if purpose is LinkPurpose.PASSWORD_RESET else EMAIL_CHANGE_GONE


class _Link(Protocol):
    purpose: str
    used_at: datetime | None
    expires_at: datetime


L = TypeVar("L", bound=_Link)


def usable(purpose: LinkPurpose, link: L | None, now: datetime) -> L:
    """The link, if it is for this purpose, unused and unexpired; unknown, other-purpose,
    used and expired links all answer NotFound."""
    if link is None or link.purpose != purpose.value or link.used_at is not None:
        raise NotFound(gone_message(purpose))
    if link.expires_at <= now:
        raise NotFound(gone_message(purpose))
    return link


def reset_link(public_url: str, token: str) -> str:
    return f"{public_url}/reset-password?token={token}"


def email_change_link(public_url: str, token: str) -> str:
    return f"{public_url}/confirm-email?token={token}"
