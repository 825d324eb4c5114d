"""A visit as an iCalendar file (RFC 5545, sent per RFC 6047): for email attachments and
calendar feeds, built with the `icalendar` package.

One `UID` per appointment for its whole life, `SEQUENCE` raised on every change, times in
the clinic's zone with its `VTIMEZONE`, where and with whom; never a note, a reason or a
diagnosis.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from urllib.parse import urlparse

from icalendar import Calendar, Event, vCalAddress

from domain.language import DEFAULT_LANGUAGE
from domain.messages import CalendarFile, CalendarMethod, Invite, VisitFacts
from domain.phrases import Phrase
from domain.words import translated

PRODUCT = "-//Clinic booking portal//Visits//EN"
#: A visit whose end is unknown is shown as this long.
DEFAULT_LENGTH = timedelta(minutes=30)


def uid(appointment_id: int, public_url: str) -> str:
    """Stable for the appointment's whole life; unique to this portal's address."""
    host = urlparse(public_url).hostname or "portal.invalid"
    return f"appointment-{appointment_id}@{host}"


def _event(
    visit: VisitFacts, public_url: str, stamp: datetime, status: str, language: str
) -> Event:
    event = Event()
    event.add("uid", uid(visit.appointment_id, public_url))
    event.add("sequence", visit.sequence)
    event.add("dtstamp", stamp)
    event.add("dtstart", visit.start.astimezone(visit.zone))
    event.add("dtend", (visit.end or visit.start + DEFAULT_LENGTH).astimezone(visit.zone))
    event.add(
        "summary", translated(Phrase("Appointment at {clinic}", clinic=visit.clinic_name), language)
    )
    event.add(
        "description", translated(Phrase("With {name}", name=visit.practitioner_name), language)
    )
    event.add("location", f"{visit.location_name}, {visit.clinic_name}")
    event.add("status", status)
    return event


def invite_file(
    invite: Invite, *, to: str, organizer: str, public_url: str, stamp: datetime
) -> CalendarFile:
    """The attachment of an email telling of a visit: METHOD:REQUEST puts it in (or
    updates it in) the recipient's calendar, METHOD:CANCEL takes it out."""
    calendar = _calendar(invite.method.value)
    cancelled = invite.method is CalendarMethod.CANCEL
    status = "CANCELLED" if cancelled else "TENTATIVE" if invite.tentative else "CONFIRMED"
    event = _event(invite.visit, public_url, stamp, status, invite.language)
    event.add("organizer", vCalAddress(f"mailto:{organizer}"))
    attendee = vCalAddress(f"mailto:{to}")
    attendee.params["ROLE"] = "REQ-PARTICIPANT"
    attendee.params["RSVP"] = "FALSE"
    event.add("attendee", attendee)
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return CalendarFile(invite.method.value, calendar.to_ical().decode())


def feed_file(
    name: str,
    visits: Iterable[tuple[VisitFacts, str]],
    *,
    public_url: str,
    stamp: datetime,
    language: str = DEFAULT_LANGUAGE,
) -> str:
    """A subscribed calendar (METHOD:PUBLISH): each visit with its status."""
    calendar = _calendar("PUBLISH")
    calendar.add("x-wr-calname", name)
    for visit, status in visits:
        calendar.add_component(_event(visit, public_url, stamp, status, language))
    calendar.add_missing_timezones()
    return str(calendar.to_ical().decode())


def _calendar(method: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("method", method)
    return calendar
