"""The waitlist's rules: what an entry may ask for, which free time fits whom, and who
in line is offered which time (first come, first served; staff may reorder)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from domain.errors import InvalidInput, NotAllowed
from domain.phrases import Phrase

#: How many entries one user may keep waiting at once.
MAX_ENTRIES_PER_USER = 10
#: How far ahead an entry's window may reach.
MAX_WINDOW_DAYS = 90


class EntryState(StrEnum):
    WAITING = "WAITING"
    OFFERED = "OFFERED"
    BOOKED = "BOOKED"
    LEFT = "LEFT"


#: States in line: waiting, or holding an offer.
IN_LINE: frozenset[EntryState] = frozenset({EntryState.WAITING, EntryState.OFFERED})


@dataclass(frozen=True)
class Window:
    """Days (inclusive) and times of day (start in [earliest, latest)) in the clinic's zone."""

    from_date: date
    until_date: date
    earliest: time
    latest: time

    def fits(self, start: datetime, zone: ZoneInfo) -> bool:
        local = start.astimezone(zone)
        return (
            self.from_date <= local.date() <= self.until_date
            and self.earliest <= local.time().replace(tzinfo=None) < self.latest
        )


def check_window(window: Window, today: date) -> Window:
    """A window to come, in order, at most MAX_WINDOW_DAYS ahead."""
    if window.until_date < window.from_date:
        raise InvalidInput("untilDate must not be before fromDate.", "untilDate")
    if window.until_date < today:
        raise InvalidInput("The window has passed.", "untilDate")
    if window.until_date > today + timedelta(days=MAX_WINDOW_DAYS):
        raise InvalidInput(
            Phrase(
                "A waitlist entry reaches at most {max_window_days} days ahead.",
                max_window_days=MAX_WINDOW_DAYS,
            ),
            "untilDate",
        )
    if window.latest <= window.earliest:
        raise InvalidInput("latest must be after earliest.", "latest")
    return window


def check_room(waiting: int) -> None:
    if waiting >= MAX_ENTRIES_PER_USER:
        raise NotAllowed(
            Phrase(
                "You are on the waitlist {max_entries_per_user} times already; leave an entry first.",
                max_entries_per_user=MAX_ENTRIES_PER_USER,
            )
        )


@dataclass(frozen=True)
class Waiting:
    """An entry in line as the offer rules read it."""

    entry_id: int
    user_id: int
    practitioner_ids: frozenset[int]
    service_id: int
    window: Window
    #: (practitioner, start) times it let go.
    passed: frozenset[tuple[int, datetime]]


@dataclass(frozen=True)
class FreeTime:
    practitioner_id: int
    service_id: int
    location_id: int
    start: datetime
    end: datetime


def offer_outcome(
    status: str | None, hold_expires_at: datetime | None, now: datetime
) -> EntryState | None:
    """What became of an offer (a hold placed for the entry), by its appointment's
    status: None while it is open; BOOKED once requested or booked; WAITING (back in
    line, the time passed on) once it lapsed, was released or cancelled, or is gone."""
    if status == "TEMPORARY" and hold_expires_at is not None and hold_expires_at > now:
        return None
    if status in ("REQUESTED", "PROVISIONAL", "BOOKED", "COMPLETED"):
        return EntryState.BOOKED
    return EntryState.WAITING


@dataclass(frozen=True)
class Offer:
    entry_id: int
    user_id: int
    time: FreeTime


def offers(
    line: Sequence[Waiting],
    free: Iterable[FreeTime],
    zone: ZoneInfo,
    *,
    users_with_offers: frozenset[int],
) -> list[Offer]:
    """Who is offered what: each entry in line order takes the earliest free time that fits
    it and that it has not let go; a time overlapping one already given goes to nobody
    else; one open offer per user."""
    times = sorted(free, key=lambda t: (t.start, t.practitioner_id))
    given: list[FreeTime] = []
    busy_users = set(users_with_offers)
    found = []
    for entry in line:
        if entry.user_id in busy_users:
            continue
        for candidate in times:
            if (
                candidate.service_id == entry.service_id
                and candidate.practitioner_id in entry.practitioner_ids
                and (candidate.practitioner_id, candidate.start) not in entry.passed
                and entry.window.fits(candidate.start, zone)
                and not any(_overlap(candidate, g) for g in given)
            ):
                given.append(candidate)
                busy_users.add(entry.user_id)
                found.append(Offer(entry.entry_id, entry.user_id, candidate))
                break
    return found


def _overlap(a: FreeTime, b: FreeTime) -> bool:
    return a.practitioner_id == b.practitioner_id and a.start < b.end and b.start < a.end
