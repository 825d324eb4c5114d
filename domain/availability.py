"""Online slots: which start times a practitioner's online sessions offer for a service.

Times the clinic types (session hours) are wall-clock times in the clinic's time zone;
every instant handed in or out is an aware datetime in UTC.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class SessionRule:
    """One recurring availability session series, as the slot rules need it."""

    location_id: int
    weekday: int  # ISO, 1 = Monday
    start_time: time
    end_time: time
    valid_from: date
    valid_until: date | None
    available_online: bool

    def runs_on(self, day: date) -> bool:
        if day.isoweekday() != self.weekday or day < self.valid_from:
            return False
        return self.valid_until is None or day <= self.valid_until


@dataclass(frozen=True)
class BookingRules:
    """The clinic's limits on online booking."""

    time_zone: ZoneInfo
    minimum_notice: timedelta
    horizon: timedelta


@dataclass(frozen=True)
class Interval:
    start: datetime
    end: datetime

    def overlaps(self, other: Interval) -> bool:
        return self.start < other.end and other.start < self.end


@dataclass(frozen=True)
class OpenSlot:
    location_id: int
    start: datetime
    end: datetime


def local_instant(day: date, clock: time, zone: ZoneInfo) -> datetime | None:
    """The UTC instant of a wall-clock time, or None when the clock skips it (spring forward).

    An ambiguous wall time (autumn, the hour that happens twice) is taken at its first
    occurrence, as a clinic's diary does.
    """
    wall = datetime.combine(day, clock, tzinfo=zone)
    instant = wall.astimezone(UTC)
    if instant.astimezone(zone).replace(tzinfo=None) != wall.replace(tzinfo=None):
        return None
    return instant


def session_slots(
    rule: SessionRule, day: date, duration: timedelta, zone: ZoneInfo
) -> Iterator[OpenSlot]:
    """Back-to-back slots of one session on one day, stepping by the service's duration.

    Steps are taken on the wall clock, so a 09:00 session starts at 09:00 on both sides of
    a daylight-saving change; a wall time that does not exist that day yields no slot, and
    a slot must end (in real elapsed time) by the session's end.
    """
    session_end = local_instant(day, rule.end_time, zone)
    if session_end is None:
        session_end = datetime.combine(day, rule.end_time, tzinfo=zone).astimezone(UTC)
    wall = datetime.combine(day, rule.start_time)
    wall_end = datetime.combine(day, rule.end_time)
    while wall + duration <= wall_end:
        start = local_instant(day, wall.time(), zone)
        if start is not None and start + duration <= session_end:
            yield OpenSlot(rule.location_id, start, start + duration)
        wall += duration


def local_days(start: datetime, end: datetime, zone: ZoneInfo) -> Iterator[date]:
    """Every clinic-local calendar day that the instant range [start, end) touches."""
    day = start.astimezone(zone).date()
    last = end.astimezone(zone).date()
    while day <= last:
        yield day
        day += timedelta(days=1)


def open_slots(
    *,
    rules: Sequence[SessionRule],
    duration: timedelta,
    busy: Iterable[Interval],
    booking: BookingRules,
    window_start: datetime,
    window_end: datetime,
    now: datetime,
) -> list[OpenSlot]:
    """Start times in [window_start, window_end) that online users may book, in order.

    A slot is offered when an online session covers it, it starts no earlier than
    now + minimum notice and no later than now + horizon, and no live appointment
    overlaps it. Two sessions offering the same start give one slot.
    """
    earliest = max(window_start, now + booking.minimum_notice)
    latest = min(window_end, now + booking.horizon)
    if latest <= earliest:
        return []
    busy_list = sorted(busy, key=lambda i: i.start)
    online = [r for r in rules if r.available_online]
    found: dict[datetime, OpenSlot] = {}
    for day in local_days(earliest, latest, booking.time_zone):
        for rule in online:
            if not rule.runs_on(day):
                continue
            for slot in session_slots(rule, day, duration, booking.time_zone):
                if not earliest <= slot.start < latest or slot.start in found:
                    continue
                candidate = Interval(slot.start, slot.end)
                if any(candidate.overlaps(b) for b in busy_list):
                    continue
                found[slot.start] = slot
    return [found[start] for start in sorted(found)]


def is_open_slot(
    *,
    rules: Sequence[SessionRule],
    duration: timedelta,
    booking: BookingRules,
    start: datetime,
    now: datetime,
) -> OpenSlot | None:
    """The slot starting exactly at `start`, if the online rules offer it (ignoring busy times).

    The same answer as looking `start` up in `open_slots`, without listing the whole day.
    """
    if not now + booking.minimum_notice <= start < now + booking.horizon:
        return None
    zone = booking.time_zone
    wall = start.astimezone(zone)
    day = wall.date()
    if local_instant(day, wall.time().replace(tzinfo=None), zone) != start:
        return None
    wall_naive = wall.replace(tzinfo=None)
    for rule in rules:
        if not (rule.available_online and rule.runs_on(day)):
            continue
        session_start = datetime.combine(day, rule.start_time)
        offset = wall_naive - session_start
        if offset < timedelta(0) or offset % duration:
            continue
        if wall_naive + duration > datetime.combine(day, rule.end_time):
            continue
        session_end = local_instant(day, rule.end_time, zone) or datetime.combine(
            day, rule.end_time, tzinfo=zone
        ).astimezone(UTC)
        if start + duration <= session_end:
            return OpenSlot(rule.location_id, start, start + duration)
    return None


def open_until(
    *, rules: Sequence[SessionRule], booking: BookingRules, now: datetime
) -> datetime | None:
    """The last moment online booking is open: the horizon, or earlier where sessions end.

    None when the practitioner has no online session that still runs.
    """
    horizon_end = now + booking.horizon
    online = [r for r in rules if r.available_online]
    today = now.astimezone(booking.time_zone).date()
    live = [r for r in online if r.valid_until is None or r.valid_until >= today]
    if not live:
        return None
    if any(r.valid_until is None for r in live):
        return horizon_end
    last = None
    for rule in live:
        assert rule.valid_until is not None
        day = _last_run(rule, rule.valid_until)
        if day is None:
            continue
        end = datetime.combine(day, rule.end_time, tzinfo=booking.time_zone).astimezone(UTC)
        last = end if last is None or end > last else last
    if last is None:
        return None
    return min(last, horizon_end)


def _last_run(rule: SessionRule, until: date) -> date | None:
    """The last day on or before `until` on which the series runs."""
    back = (until.isoweekday() - rule.weekday) % 7
    day = until - timedelta(days=back)
    return day if day >= rule.valid_from else None


def offered_online(*, practitioner_online: bool, service_online: bool, offered: bool) -> bool:
    """A practitioner's service is bookable online when the practitioner has online
    access, the service is bookable online, and the practitioner offers it."""
    return practitioner_online and service_online and offered


class Occupancy(StrEnum):
    """How an online opening is taken: by a hold that may still lapse, or for good."""

    HELD = "HELD"
    TAKEN = "TAKEN"


@dataclass(frozen=True)
class Occupant:
    """A live appointment as occupancy sees it: when, and whether it is only a hold."""

    start: datetime
    end: datetime
    is_hold: bool


def occupied(
    openings: Sequence[OpenSlot], occupants: Sequence[Occupant]
) -> list[tuple[OpenSlot, Occupancy]]:
    """The openings a live appointment overlaps, each HELD when only holds overlap it,
    else TAKEN; the free ones are left out."""
    found: list[tuple[OpenSlot, Occupancy]] = []
    for opening in openings:
        over = [o for o in occupants if o.start < opening.end and opening.start < o.end]
        if over:
            held = all(o.is_hold for o in over)
            found.append((opening, Occupancy.HELD if held else Occupancy.TAKEN))
    return found
