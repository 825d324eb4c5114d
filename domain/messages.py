"""The emails the clinic sends: plain text and HTML, times in the clinic's time zone."""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from domain import words
from domain.language import DEFAULT_LANGUAGE
from domain.phrases import N_, Phrase


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
    #: The language its summary and description are written in.
    language: str = DEFAULT_LANGUAGE


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
    #: The language it is written in.
    language: str = DEFAULT_LANGUAGE


#: Who the clinic's emails come from, and who organizes the visits in calendar files.
SENDER = "portal@clinic.invalid"


@dataclass(frozen=True)
class Recipient:
    """Whom an email goes to, and the language they read (`domain.language`)."""

    address: str
    language: str = DEFAULT_LANGUAGE


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

    def when(self, language: str) -> str:
        """The visit's start as the reader's language writes it, on the clinic's clock."""
        return words.when(self.start, self.zone, language)

    def lines(self, language: str, *, service: bool = True) -> list[Phrase]:
        return [
            Phrase("Patient: {name}", name=self.patient_name),
            Phrase("When: {when}", when=self.when(language)),
            Phrase("With: {name}", name=self.practitioner_name),
            *([Phrase("Service: {name}", name=self.service_name)] if service else []),
            Phrase("Where: {name}", name=self.location_name),
        ]


def _email(
    kind: str,
    to: Recipient,
    subject: str | Phrase,
    paragraphs: Sequence[str | Phrase],
    facts: Sequence[str | Phrase],
) -> Email:
    """The email in the recipient's language: plain text, and HTML with every value
    escaped (names and reasons are shown as written)."""
    said = [words.translated(p, to.language) for p in paragraphs]
    listed = [words.translated(f, to.language) for f in facts]
    text = "\n\n".join([*said, "\n".join(listed)]) + "\n"
    body = "".join(f"<p>{html.escape(p)}</p>" for p in said)
    items = "".join(f"<li>{html.escape(f)}</li>" for f in listed)
    page = f'<html lang="{to.language}"><body dir="auto">{body}<ul>{items}</ul></body></html>'
    subject_said = words.translated(subject, to.language)
    return Email(kind, to.address, subject_said, text, page, language=to.language)


def _inviting(email: Email, visit: VisitFacts, *, tentative: bool = False) -> Email:
    invite = Invite(CalendarMethod.REQUEST, visit, tentative, email.language)
    return replace(email, invite=invite)


def _uninviting(email: Email, visit: VisitFacts) -> Email:
    return replace(email, invite=Invite(CalendarMethod.CANCEL, visit, language=email.language))


def request_received(to: Recipient, visit: VisitFacts) -> Email:
    email = _email(
        "request_received",
        to,
        Phrase("{clinic}: we received your appointment request", clinic=visit.clinic_name),
        [
            N_(
                "Thank you for your request. It is awaiting confirmation by the clinic;"
                " we will email you as soon as it is confirmed."
            ),
        ],
        visit.lines(to.language),
    )
    return _inviting(email, visit, tentative=True)


def new_request_for_clinic(to: Recipient, visit: VisitFacts, note: str | None) -> Email:
    facts = visit.lines(to.language) + ([Phrase("Note: {note}", note=note)] if note else [])
    return _email(
        "new_request",
        to,
        Phrase(
            "New online appointment request: {patient}, {when}",
            patient=visit.patient_name,
            when=visit.when(to.language),
        ),
        [N_("A patient requested an appointment online. Please accept or reject it.")],
        facts,
    )


def confirmed(to: Recipient, visit: VisitFacts) -> Email:
    email = _email(
        "confirmed",
        to,
        Phrase("{clinic}: your appointment is confirmed", clinic=visit.clinic_name),
        [N_("Your appointment is confirmed. We look forward to seeing you.")],
        visit.lines(to.language),
    )
    return _inviting(email, visit)


def rejected(to: Recipient, visit: VisitFacts, reason: str | None) -> Email:
    paragraphs: list[str | Phrase] = [
        N_("We are sorry: the clinic could not accept your appointment request.")
    ]
    if reason:
        paragraphs.append(Phrase("Reason: {reason}", reason=reason))
    paragraphs.append(N_("Please choose another time in the portal or call the clinic."))
    email = _email(
        "rejected",
        to,
        Phrase("{clinic}: your appointment request", clinic=visit.clinic_name),
        paragraphs,
        visit.lines(to.language),
    )
    return _uninviting(email, visit)


def cancel_requested(to: Recipient, visit: VisitFacts) -> Email:
    return _email(
        "cancel_requested",
        to,
        Phrase(
            "Cancellation request: {patient}, {when}",
            patient=visit.patient_name,
            when=visit.when(to.language),
        ),
        [N_("The patient asked online to cancel this visit. Please cancel it officially.")],
        visit.lines(to.language),
    )


def uncancel_requested(to: Recipient, visit: VisitFacts) -> Email:
    return _email(
        "uncancel_requested",
        to,
        Phrase(
            "Cancellation withdrawn: {patient}, {when}",
            patient=visit.patient_name,
            when=visit.when(to.language),
        ),
        [N_("The patient withdrew their online cancellation request: they will attend.")],
        visit.lines(to.language),
    )


def cancelled_by_clinic(to: Recipient, visit: VisitFacts, reason: str | None) -> Email:
    paragraphs: list[str | Phrase] = [N_("The clinic has cancelled your appointment.")]
    if reason:
        paragraphs.append(Phrase("Reason: {reason}", reason=reason))
    email = _email(
        "cancelled",
        to,
        Phrase("{clinic}: your appointment is cancelled", clinic=visit.clinic_name),
        paragraphs,
        visit.lines(to.language),
    )
    return _uninviting(email, visit)


def rescheduled(
    to: Recipient, visit: VisitFacts, previous_start: datetime, *, tentative: bool
) -> Email:
    """The patient's (or their user's) news of a moved visit, with its new time."""
    before = words.when(previous_start, visit.zone, to.language)
    paragraphs: list[str | Phrase] = [
        Phrase(
            "Your appointment has moved from {before} to {after}.",
            before=before,
            after=visit.when(to.language),
        ),
    ]
    if tentative:
        paragraphs.append(
            N_("The clinic will confirm the new time; we will email you when it does.")
        )
    email = _email(
        "rescheduled",
        to,
        Phrase(
            "{clinic}: your appointment has moved to {when}",
            clinic=visit.clinic_name,
            when=visit.when(to.language),
        ),
        paragraphs,
        visit.lines(to.language),
    )
    return _inviting(email, visit, tentative=tentative)


def reminder(
    to: Recipient, clinic_name: str, visit: VisitFacts, confirm: str | None, cancel: str | None
) -> Email:
    """A reminder of a visit to come: the subject names only the clinic and the time."""
    when = visit.when(to.language)
    paragraphs: list[str | Phrase] = [Phrase("A reminder of your visit on {when}.", when=when)]
    if confirm:
        paragraphs.append(
            Phrase(
                "Confirm that you will attend (works once, without signing in): {link}",
                link=confirm,
            )
        )
    if cancel:
        paragraphs.append(Phrase("Cannot come? Ask the clinic to cancel: {link}", link=cancel))
    return _email(
        "reminder",
        to,
        Phrase("{clinic}: your visit on {when}", clinic=clinic_name, when=when),
        paragraphs,
        visit.lines(to.language, service=False),
    )


def waitlist_offer(to: Recipient, visit: VisitFacts, held_until: datetime, link: str) -> Email:
    """A time freed for someone on the waitlist, held for them for a while."""
    return _email(
        "waitlist_offer",
        to,
        Phrase(
            "{clinic}: a time is free for you, {when}",
            clinic=visit.clinic_name,
            when=visit.when(to.language),
        ),
        [
            Phrase(
                "A time you are waiting for has become free, and it is held for you until {until}.",
                until=words.clock(held_until, visit.zone, to.language),
            ),
            Phrase("Take it with this link (it works once, without signing in): {link}", link=link),
            N_(
                "Or take or decline it in the portal. If you do nothing, it goes to the next"
                " person waiting."
            ),
        ],
        visit.lines(to.language),
    )


def rescheduled_for_clinic(to: Recipient, visit: VisitFacts, previous_start: datetime) -> Email:
    return _email(
        "rescheduled_for_clinic",
        to,
        Phrase(
            "Visit moved: {patient}, {when}",
            patient=visit.patient_name,
            when=visit.when(to.language),
        ),
        [
            Phrase(
                "This visit was moved online from {before}.",
                before=words.when(previous_start, visit.zone, to.language),
            )
        ],
        visit.lines(to.language),
    )


def email_verification(
    to: Recipient, clinic_name: str, link: str, expires: datetime, zone: ZoneInfo
) -> Email:
    return _email(
        "email_verification",
        to,
        Phrase("{clinic}: please confirm your email address", clinic=clinic_name),
        [
            Phrase(
                "Please confirm that this is your email address for {clinic}'s patient portal.",
                clinic=clinic_name,
            ),
            Phrase("Open this link while signed in to your portal account: {link}", link=link),
            Phrase(
                "The link works once and until {until}.",
                until=words.when(expires, zone, to.language),
            ),
            N_(
                "If you did not create an account, ignore this email: without the link nobody"
                " can use this address as yours."
            ),
        ],
        [],
    )


def invitation(
    to: Recipient,
    clinic_name: str,
    patient_name: str,
    link: str,
    needs_code: bool,
    expires: datetime,
    zone: ZoneInfo,
) -> Email:
    paragraphs: list[str | Phrase] = [
        Phrase(
            "{clinic} invites you to manage the appointments of {patient} online.",
            clinic=clinic_name,
            patient=patient_name,
        ),
        Phrase("Open this link to create an account or sign in and accept: {link}", link=link),
        Phrase(
            "The link works once and until {until}.",
            until=words.day(expires, zone, to.language),
        ),
    ]
    if needs_code:
        paragraphs.append(N_("You will need the verification code the clinic gives you by phone."))
    return _email(
        "invitation",
        to,
        Phrase("{clinic}: your invitation to the patient portal", clinic=clinic_name),
        paragraphs,
        [],
    )


def account_setup(
    to: Recipient, clinic_name: str, role: str, link: str, expires: datetime, zone: ZoneInfo
) -> Email:
    """A staff or practitioner user is invited to choose a password."""
    paragraphs: list[str | Phrase] = [
        Phrase(
            "{clinic} has given you online access as {role}.",
            clinic=clinic_name,
            role=Phrase(role),
        ),
        Phrase("Open this link to choose your password: {link}", link=link),
        Phrase(
            "The link works once and until {until}.",
            until=words.when(expires, zone, to.language),
        ),
    ]
    return _email(
        "account-setup",
        to,
        Phrase("{clinic}: set up your online access", clinic=clinic_name),
        paragraphs,
        [],
    )


def webhook_endpoint_disabled(
    to: Recipient,
    clinic_name: str,
    endpoint_id: int,
    url: str,
    failing_since: datetime,
    zone: ZoneInfo,
) -> Email:
    return _email(
        "webhook_disabled",
        to,
        Phrase("{clinic}: a webhook endpoint was disabled", clinic=clinic_name),
        [
            N_(
                "Every delivery to this webhook endpoint has failed for three days, so it is"
                " disabled and no more events are sent to it."
            ),
            N_(
                "Once the receiver works again, enable it with updateWebhookEndpoint"
                " (enabled: true); undelivered events are then sent, and any given up on can"
                " be sent again with redeliverWebhook."
            ),
        ],
        [
            Phrase("Endpoint: {id}", id=endpoint_id),
            Phrase("URL: {url}", url=url),
            Phrase("Failing since: {when}", when=words.when(failing_since, zone, to.language)),
        ],
    )
