"""The emails about a user's own account: password reset and a change of email address.

Plain text and HTML, like every email the clinic sends (`domain.messages`).
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from domain import words
from domain.messages import Email, Recipient, _email
from domain.phrases import N_, Phrase


def password_reset(
    to: Recipient, clinic_name: str, link: str, expires: datetime, zone: ZoneInfo
) -> Email:
    return _email(
        "password_reset",
        to,
        Phrase("{clinic}: choose a new password", clinic=clinic_name),
        [
            N_(
                "Someone, hopefully you, asked to reset the password of your patient portal account."
            ),
            Phrase("Open this link to choose a new password: {link}", link=link),
            Phrase(
                "The link works once and until {until}. Choosing a new password signs your"
                " account out everywhere.",
                until=words.when(expires, zone, to.language),
            ),
            N_("If you did not ask for this, ignore this email: your password stays as it is."),
        ],
        [],
    )


def confirm_new_email(
    to: Recipient, clinic_name: str, link: str, expires: datetime, zone: ZoneInfo
) -> Email:
    return _email(
        "email_change_confirm",
        to,
        Phrase("{clinic}: confirm your new email address", clinic=clinic_name),
        [
            N_("Your patient portal account is to sign in with this email address from now on."),
            Phrase("Open this link to confirm it: {link}", link=link),
            Phrase(
                "The link works once and until {until}; until then you still sign in with"
                " your previous address.",
                until=words.when(expires, zone, to.language),
            ),
            N_("If you did not ask for this, ignore this email."),
        ],
        [],
    )


def email_change_requested(to: Recipient, clinic_name: str, new_email: str) -> Email:
    return _email(
        "email_change_notice",
        to,
        Phrase("{clinic}: your sign-in email is being changed", clinic=clinic_name),
        [
            Phrase(
                "Someone signed in to your patient portal account asked to sign in with"
                " {email} instead of this address. It takes effect once confirmed from"
                " that mailbox.",
                email=new_email,
            ),
            N_(
                "If this was not you, change your password now (or reset it): that cancels the"
                " change and signs your account out everywhere."
            ),
        ],
        [],
    )
