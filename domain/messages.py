"""The emails the clinic sends: plain text and HTML, times in the clinic's time zone."""

from __future__ import annotations

import html
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from zoneinfo import ZoneInfo


class CalendarMethod(StrEnum):
    """RFC 5546's methods a visit's calendar file is sent with."""

    REQUEST = "REQUEST"
    CANCEL = "CANCEL"


@dataclass(frozen=True)
class Invite:
    """The visit an email puts in (or takes out of) the recipient's calendar; the mail
    layer renders it as an iCalendar file (`resolvers/mail/calendar.py`)."""

    method: CalendarMethod
    visit: VisitFacts
    #: Whether the clinic has yet to confirm it (shown as tentative).
    tentative: bool = False


@dataclass(frozen=True)
class CalendarFile:
    """A rendered iCalendar attachment: its METHOD and its text."""

    method: str
    text: str


@dataclass(frozen=True)
class Email:
    kind: str
    to: str
    subject: str
    text: str
    html: str
    #: A visit to render as a calendar attachment, when the email tells of one.
    invite: Invite | None = None
    #: The rendered attachment (what the outbox keeps and the mailer attaches).
    calendar: CalendarFile | None = None


#: Who the clinic's emails come from, and who organizes the visits in calendar files.
SENDER = "portal@clinic.invalid"


@dataclass(frozen=True)
class VisitFacts:
    """What an email says about one appointment."""

    clinic_name: str
    zone: ZoneInfo
    patient_name: str
    practitioner_name: str
    service_name: str
    location_name: str
    start: datetime
    end: datetime | None = None
    appointment_id: int = 0
    #: iCalendar SEQUENCE: how often the visit changed since first sent.
    sequence: int = 0

    def when(self) -> str:
        local = self.start.astimezone(self.zone)
        return f"{local:%A %d %B %Y, %H:%M} ({self.zone.key})"

    def lines(self) -> list[str]:
        return [
            f"Patient: {self.patient_name}",
            f"When: {self.when()}",
            f"With: {self.practitioner_name}",
            f"Service: {self.service_name}",
            f"Where: {self.location_name}",
        ]


def _email(kind: str, to: str, subject: str, paragraphs: list[str], facts: list[str]) -> Email:
    text = "\n\n".join([*paragraphs, "\n".join(facts)]) + "\n"
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    items = "".join(f"<li>{html.escape(f)}</li>" for f in facts)
    return Email(kind, to, subject, text, f"<html><body>{body}<ul>{items}</ul></body></html>")


def _inviting(email: Email, visit: VisitFacts, *, tentative: bool = False) -> Email:
    return replace(email, invite=Invite(CalendarMethod.REQUEST, visit, tentative))


def _uninviting(email: Email, visit: VisitFacts) -> Email:
    return replace(email, invite=Invite(CalendarMethod.CANCEL, visit))


def request_received(to: str, visit: VisitFacts) -> Email:
    email = _email(
        "request_received",
        to,
        f"{visit.clinic_name}: we received your appointment request",
        [
            "Thank you for your request. It is awaiting confirmation by the clinic;"
            " we will email you as soon as it is confirmed.",
        ],
        visit.lines(),
    )
    return _inviting(email, visit, tentative=True)


def new_request_for_clinic(to: str, visit: VisitFacts, note: str | None) -> Email:
    facts = visit.lines() + ([f"Note: {note}"] if note else [])
    return _email(
        "new_request",
        to,
        f"New online appointment request: {visit.patient_name}, {visit.when()}",
        ["A patient requested an appointment online. Please accept or reject it."],
        facts,
    )


def confirmed(to: str, visit: VisitFacts) -> Email:
    email = _email(
        "confirmed",
        to,
        f"{visit.clinic_name}: your appointment is confirmed",
        ["Your appointment is confirmed. We look forward to seeing you."],
        visit.lines(),
    )
    return _inviting(email, visit)


def rejected(to: str, visit: VisitFacts, reason: str | None) -> Email:
    paragraphs = ["We are sorry: the clinic could not accept your appointment request."]
    if reason:
        paragraphs.append(f"Reason: {reason}")
    paragraphs.append("Please choose another time in the portal or call the clinic.")
    email = _email(
        "rejected", to, f"{visit.clinic_name}: your appointment request", paragraphs, visit.lines()
    )
    return _uninviting(email, visit)


def cancel_requested(to: str, visit: VisitFacts) -> Email:
    return _email(
        "cancel_requested",
        to,
        f"Cancellation request: {visit.patient_name}, {visit.when()}",
        ["The patient asked online to cancel this visit. Please cancel it officially."],
        visit.lines(),
    )


def uncancel_requested(to: str, visit: VisitFacts) -> Email:
    return _email(
        "uncancel_requested",
        to,
        f"Cancellation withdrawn: {visit.patient_name}, {visit.when()}",
        ["The patient withdrew their online cancellation request: they will attend."],
        visit.lines(),
    )


def cancelled_by_clinic(to: str, visit: VisitFacts, reason: str | None) -> Email:
    paragraphs = ["The clinic has cancelled your appointment."]
    if reason:
        paragraphs.append(f"Reason: {reason}")
    email = _email(
        "cancelled",
        to,
        f"{visit.clinic_name}: your appointment is cancelled",
        paragraphs,
        visit.lines(),
    )
    return _uninviting(email, visit)


def rescheduled(to: str, visit: VisitFacts, previous_start: datetime, *, tentative: bool) -> Email:
    """The patient's (or their user's) news of a moved visit, with its new time."""
    before = previous_start.astimezone(visit.zone)
    paragraphs = [
        f"Your appointment has moved from {before:%A %d %B %Y, %H:%M} to {visit.when()}.",
    ]
    if tentative:
        paragraphs.append("The clinic will confirm the new time; we will email you when it does.")
    email = _email(
        "rescheduled",
        to,
        f"{visit.clinic_name}: your appointment has moved to {visit.when()}",
        paragraphs,
        visit.lines(),
    )
    return _inviting(email, visit, tentative=tentative)


def reminder(
    to: str, clinic_name: str, visit: VisitFacts, confirm: str | None, cancel: str | None
) -> Email:
    """A reminder of a visit to come: the subject names only the clinic and the time."""
    paragraphs = [f"A reminder of your visit on {visit.when()}."]
    if confirm:
        paragraphs.append(
            f"Confirm that you will attend (works once, without signing in): {confirm}"
        )
    if cancel:
        paragraphs.append(f"Cannot come? Ask the clinic to cancel: {cancel}")
    lines = [line for line in visit.lines() if not line.startswith("Service:")]
    return _email("reminder", to, f"{clinic_name}: your visit on {visit.when()}", paragraphs, lines)


def waitlist_offer(to: str, visit: VisitFacts, held_until: datetime, link: str) -> Email:
    """A time freed for someone on the waitlist, held for them for a while."""
    until = held_until.astimezone(visit.zone)
    return _email(
        "waitlist_offer",
        to,
        f"{visit.clinic_name}: a time is free for you, {visit.when()}",
        [
            "A time you are waiting for has become free, and it is held for you"
            f" until {until:%H:%M} ({visit.zone.key}).",
            f"Take it with this link (it works once, without signing in): {link}",
            "Or take or decline it in the portal. If you do nothing, it goes to the next"
            " person waiting.",
        ],
        visit.lines(),
    )


def rescheduled_for_clinic(to: str, visit: VisitFacts, previous_start: datetime) -> Email:
    before = previous_start.astimezone(visit.zone)
    return _email(
        "rescheduled_for_clinic",
        to,
        f"Visit moved: {visit.patient_name}, {visit.when()}",
        [f"This visit was moved online from {before:%A %d %B %Y, %H:%M}."],
        visit.lines(),
    )


def email_verification(
    to: str, clinic_name: str, link: str, expires: datetime, zone: ZoneInfo
) -> Email:
    return _email(
        "email_verification",
        to,
        f"{clinic_name}: please confirm your email address",
        [
            f"Please confirm that this is your email address for {clinic_name}'s patient portal.",
            f"Open this link while signed in to your portal account: {link}",
            f"The link works once and until {expires.astimezone(zone):%d %B %Y, %H:%M} ({zone.key}).",
            "If you did not create an account, ignore this email: without the link nobody"
            " can use this address as yours.",
        ],
        [],
    )


def invitation(
    to: str,
    clinic_name: str,
    patient_name: str,
    link: str,
    needs_code: bool,
    expires: datetime,
    zone: ZoneInfo,
) -> Email:
    paragraphs = [
        f"{clinic_name} invites you to manage the appointments of {patient_name} online.",
        f"Open this link to create an account or sign in and accept: {link}",
        f"The link works once and until {expires.astimezone(zone):%d %B %Y}.",
    ]
    if needs_code:
        paragraphs.append("You will need the verification code the clinic gives you by phone.")
    return _email(
        "invitation", to, f"{clinic_name}: your invitation to the patient portal", paragraphs, []
    )


def account_setup(
    to: str, clinic_name: str, role: str, link: str, expires: datetime, zone: ZoneInfo
) -> Email:
    """A staff or practitioner user is invited to choose a password."""
    paragraphs = [
        f"{clinic_name} has given you online access as {role}.",
        f"Open this link to choose your password: {link}",
        f"The link works once and until {expires.astimezone(zone):%d %B %Y %H:%M}.",
    ]
    return _email("account-setup", to, f"{clinic_name}: set up your online access", paragraphs, [])


def webhook_endpoint_disabled(
    to: str, clinic_name: str, endpoint_id: int, url: str, failing_since: datetime
) -> Email:
    return _email(
        "webhook_disabled",
        to,
        f"{clinic_name}: a webhook endpoint was disabled",
        [
            "Every delivery to this webhook endpoint has failed for three days, so it is"
            " disabled and no more events are sent to it.",
            "Once the receiver works again, enable it with updateWebhookEndpoint"
            " (enabled: true); undelivered events are then sent, and any given up on can"
            " be sent again with redeliverWebhook.",
        ],
        [
            f"Endpoint: {endpoint_id}",
            f"URL: {url}",
            f"Failing since: {failing_since:%Y-%m-%d %H:%M} UTC",
        ],
    )
