"""Schedule and Slot: where and when each practitioner may be booked online, computed
from availability (online sessions, notice, horizon) by the same use cases as
`availableSlots`, in the clinic's zone with its offset at each time.

Free times are for anyone (`status=free`, the default). Taken ones (`busy`, and
`busy-tentative` while only a hold takes them) tell when the clinic's patients come:
they are for those who may read the diary (staff, its practitioner, an API client with
appointments:read)."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from starlette.datastructures import QueryParams

from domain.actors import Actor
from domain.availability import Occupancy, OpenSlot
from domain.errors import NotFound
from persistence.repositories.catalog import OnlineSchedule
from portal.fhir import resources
from portal.fhir.answers import FhirProblem
from portal.settings import settings_of
from resolvers.booking.available_slots import MAX_WINDOW_DAYS, available_slots
from resolvers.booking.occupied_slots import occupied_slots
from resolvers.booking.schedules import Schedules, online_schedules
from resolvers.deps import Deps
from resolvers.setup.read_setup import clinic_for

SLOT_PARAMETERS = frozenset({"schedule", "start", "status", "service-type"})
_SCHEDULE = re.compile(r"(?:Schedule/)?(\d{1,18})-(\d{1,18})")
_SLOT = re.compile(r"(\d{1,18})-(\d{1,18})-(\d{1,18})-(\d{12})")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def schedule_resources(found: Schedules, public_url: str) -> list[dict[str, Any]]:
    horizon = (found.horizon_start, found.horizon_end)
    return [resources.schedule(s, found.names, horizon, public_url) for s in found.found]


def by_id(resource: dict[str, Any]) -> str:
    """Schedules in (practitioner, location) order."""
    return "-".join(f"{int(part):018d}" for part in resource["id"].split("-"))


def by_start(resource: dict[str, Any]) -> str:
    """Slots in start order, then by service: the tail of their ids, which is UTC."""
    _schedule_p, _schedule_l, service, utc = resource["id"].split("-")
    return f"{utc}-{int(service):018d}"


@dataclass(frozen=True)
class SlotSearch:
    practitioner_id: int
    location_id: int
    start: datetime
    end: datetime
    #: The service asked for, or None for every one the schedule offers.
    service_id: int | None
    start_inclusive: bool
    end_inclusive: bool
    #: The Slot statuses asked for: free (anyone), busy and busy-tentative (the diary's).
    statuses: frozenset[str] = frozenset({"free"})


async def slot_search(deps: Deps, actor: Actor | None, params: QueryParams) -> SlotSearch:
    zone = ZoneInfo((await clinic_for(deps, actor)).time_zone)
    schedule = _one(params, "schedule")
    matched = _SCHEDULE.fullmatch(schedule or "")
    if not matched:
        raise FhirProblem(400, "required", "schedule is required: Schedule/<id> from a Schedule.")
    statuses = _statuses(_one(params, "status"))
    lower, upper = window(params.getlist("start"), zone)
    if not lower[0] < upper[0] <= lower[0] + timedelta(days=MAX_WINDOW_DAYS):
        raise FhirProblem(
            400,
            "invalid",
            f"start's bounds must be in order and at most {MAX_WINDOW_DAYS} days apart.",
        )
    return SlotSearch(
        int(matched[1]),
        int(matched[2]),
        lower[0],
        upper[0],
        _service(_one(params, "service-type")),
        lower[1],
        upper[1],
        statuses,
    )


#: FHIR's Slot statuses served, and what each is of ours.
BUSY = {Occupancy.TAKEN: "busy", Occupancy.HELD: "busy-tentative"}
SERVED_STATUSES = frozenset({"free", *BUSY.values()})


def _statuses(given: str | None) -> frozenset[str]:
    if given is None:
        return frozenset({"free"})
    asked = frozenset(part.strip() for part in given.split(",")[:4])
    if not asked or not asked <= SERVED_STATUSES:
        raise FhirProblem(
            400, "not-supported", "status takes free, busy and busy-tentative, comma-separated."
        )
    return asked


async def slots_of(deps: Deps, actor: Actor | None, asked: SlotSearch) -> list[dict[str, Any]]:
    """The Slots asked for: free ones, and (for who may read the diary) taken ones."""
    found = await free_slots(deps, actor, asked) if "free" in asked.statuses else []
    if asked.statuses - {"free"}:
        found += await _taken_slots(deps, actor, asked)
    return sorted(found, key=by_start)


Opening = tuple[OpenSlot, str]
#: The openings of one service of a schedule up to a window's end, each with its status.
Openings = Callable[[OnlineSchedule, int, datetime], Awaitable[list[tuple[OpenSlot, str]]]]


async def _taken_slots(deps: Deps, actor: Actor | None, asked: SlotSearch) -> list[dict[str, Any]]:
    async def taken(schedule: OnlineSchedule, service_id: int, end: datetime) -> list[Opening]:
        occupied = await occupied_slots(
            deps,
            actor,
            practitioner_id=schedule.practitioner_id,
            service_id=service_id,
            start=asked.start,
            end=end,
        )
        return [(opening, BUSY[state]) for opening, state in occupied]

    return await _schedule_slots(deps, actor, asked, taken)


async def free_slots(deps: Deps, actor: Actor | None, asked: SlotSearch) -> list[dict[str, Any]]:
    async def free(schedule: OnlineSchedule, service_id: int, end: datetime) -> list[Opening]:
        open_ = await available_slots(
            deps,
            actor,
            practitioner_id=str(schedule.practitioner_id),
            service_id=str(service_id),
            start=asked.start,
            end=end,
        )
        return [(opening, "free") for opening in open_.slots]

    return sorted(await _schedule_slots(deps, actor, asked, free), key=by_start)


async def _schedule_slots(
    deps: Deps, actor: Actor | None, asked: SlotSearch, openings: Openings
) -> list[dict[str, Any]]:
    """The asked schedule's Slots of the statuses asked for, service by service, as
    `openings` finds them (a service the practitioner no longer offers has none)."""
    found = await online_schedules(deps, actor)
    schedule = _schedule_of(found, asked)
    if schedule is None:
        return []
    public_url = settings_of(deps).public_url
    ref = resources.schedule_id(schedule.practitioner_id, schedule.location_id)
    # Whole minutes either side, so an inclusive end or exclusive start is filtered here.
    window_end = asked.end + timedelta(minutes=1)
    slots: list[dict[str, Any]] = []
    for service_id in schedule.service_ids:
        if asked.service_id not in (None, service_id):
            continue
        try:
            found_openings = await openings(schedule, service_id, window_end)
        except NotFound:
            continue
        name = found.names["service"].get(service_id, "")
        slots += [
            {**resources.slot(ref, service_id, name, opening, public_url), "status": status}
            for opening, status in found_openings
            if status in asked.statuses
            and opening.location_id == schedule.location_id
            and _within(opening.start, asked)
        ]
    return slots


def _schedule_of(found: Schedules, asked: SlotSearch) -> OnlineSchedule | None:
    wanted = (asked.practitioner_id, asked.location_id)
    return next((s for s in found.found if (s.practitioner_id, s.location_id) == wanted), None)


async def slot_by_id(deps: Deps, actor: Actor | None, wanted: str) -> dict[str, Any] | None:
    matched = _SLOT.fullmatch(wanted)
    if not matched:
        return None
    try:
        start = datetime.strptime(matched[4], "%Y%m%d%H%M").replace(tzinfo=UTC)
    except ValueError:
        return None
    asked = SlotSearch(int(matched[1]), int(matched[2]), start, start, int(matched[3]), True, True)
    for found in await free_slots(deps, actor, asked):
        if found["id"] == wanted:
            return found
    return None


def _within(start: datetime, asked: SlotSearch) -> bool:
    after = start >= asked.start if asked.start_inclusive else start > asked.start
    before = start <= asked.end if asked.end_inclusive else start < asked.end
    return after and before


def _one(params: QueryParams, name: str) -> str | None:
    values = params.getlist(name)
    if len(values) > 1:
        raise FhirProblem(400, "invalid", f"{name} may be given once.")
    return values[0] if values else None


def window(
    values: list[str], zone: ZoneInfo, name: str = "start"
) -> tuple[tuple[datetime, bool], tuple[datetime, bool]]:
    """`start=ge…&start=lt…` (or gt, le): both bounds are required."""
    lower = upper = None
    if len(values) > 2:
        raise FhirProblem(400, "invalid", f"{name} may be given twice: a lower and an upper bound.")
    for value in values:
        prefix, instant = _prefixed(value, zone)
        if prefix in ("ge", "gt") and lower is None:
            lower = (instant, prefix == "ge")
        elif prefix in ("lt", "le") and upper is None:
            upper = (instant, prefix == "le")
        else:
            raise FhirProblem(400, "invalid", f"{name} takes ge or gt, and lt or le, once each.")
    if lower is None or upper is None:
        raise FhirProblem(
            400,
            "required",
            f"{name} needs both bounds, e.g. {name}=ge2027-01-04&{name}=lt2027-01-11.",
        )
    return lower, upper


#: The comparison operators of early FHIR, which `fhirclient` still sends (`$gte` as
#: `>=`), taken as R4's prefixes.
_OPERATORS = {">=": "ge", "<=": "le", ">": "gt", "<": "lt"}


def _prefixed(value: str, zone: ZoneInfo) -> tuple[str, datetime]:
    for operator, prefix in _OPERATORS.items():
        if value.startswith(operator):
            return prefix, instant(value[len(operator) :], zone)
    return value[:2], instant(value[2:], zone)


def instant(text: str, zone: ZoneInfo) -> datetime:
    """A FHIR date (the clinic's midnight) or dateTime with its offset."""
    if _DATE.fullmatch(text):
        try:
            return datetime.combine(date.fromisoformat(text), datetime.min.time(), zone)
        except ValueError:
            pass
    elif len(text) <= 35:
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            parsed = None
        if parsed is not None and parsed.tzinfo is not None and "T" in text:
            return parsed
    raise FhirProblem(
        400,
        "invalid",
        "A date must be a day (2027-01-04) or a time with its offset (2027-01-04T09:00:00+01:00).",
    )


def _service(text: str | None) -> int | None:
    """`service-type=<system>|<code>`, `|<code>` or `<code>`: one of the clinic's services."""
    if text is None:
        return None
    code = text.rsplit("|", 1)[-1]
    if not code.isdigit() or len(code) > 18:
        raise FhirProblem(400, "invalid", "service-type must name a service's code.")
    return int(code)
