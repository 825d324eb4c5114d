"""The emails about a user's own account: password reset and a change of email address.

Plain text and HTML, like every email the clinic sends (`domain.messages`).
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from domain.messages import Email, _email


def _until(expires: datetime, zone: ZoneInfo) -> str:
    local = expires.astimezone(zone)
    return f"{local:%d %B %Y, %H:%M} ({zone.key})"


def password_reset(
    to: str, clinic_name: str, link: str, expires: datetime, zone: ZoneInfo
) -> Email:
    return _email(
        "password_reset",
        to,
        f"{clinic_name}: choose a new password",
        [
            "Someone, hopefully you, asked to reset the password of your patient portal account.",
            f"Open this link to choose a new password: {link}",
            f"The link works once and until {_until(expires, zone)}. Choosing a new password"
            " signs your account out everywhere.",
            "If you did not ask for this, ignore this email: your password stays as it is.",
        ],
        [],
    )


def confirm_new_email(
    to: str, clinic_name: str, link: str, expires: datetime, zone: ZoneInfo
) -> Email:
    return _email(
        "email_change_confirm",
        to,
        f"{clinic_name}: confirm your new email address",
        [
            "Your patient portal account is to sign in with this email address from now on.",
            f"Open this link to confirm it: {link}",
            f"The link works once and until {_until(expires, zone)}; until then you still"
            " sign in with your previous address.",
            "If you did not ask for this, ignore this email.",
        ],
        [],
    )


def email_change_requested(to: str, clinic_name: str, new_email: str) -> Email:
    return _email(
        "email_change_notice",
        to,
        f"{clinic_name}: your sign-in email is being changed",
        [
            f"Someone signed in to your patient portal account asked to sign in with"
            f" {new_email} instead of this address. It takes effect once confirmed from"
            " that mailbox.",
            "If this was not you, change your password now (or reset it): that cancels the"
            " change and signs your account out everywhere.",
        ],
        [],
    )
