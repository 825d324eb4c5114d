"""SMART Scheduling Links (`$bulk-publish`): the clinic's free times for anyone, as a
manifest naming one NDJSON file each of Location, Practitioner, Schedule and Slot, each
Slot with a deep link into the booking page at its time.

The data set is computed at most once a minute per process (a snapshot, shared by every
caller: a public endpoint must not compute two months of times per request), over the
booking horizon up to 62 days, by the same use cases as Slot search. `_since` is honoured
at the snapshot's grain: a manifest asked `_since` the snapshot's own `transactionTime`
or later lists no files (nothing newer); earlier, it lists them all, as the
specification lets a publisher do."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from portal.fhir import resources
from portal.fhir.answers import FhirProblem
from portal.fhir.slots import SlotSearch, by_start, free_slots, schedule_resources
from resolvers.booking.available_slots import MAX_WINDOW_DAYS
from resolvers.booking.schedules import online_schedules
from resolvers.deps import Deps
from resolvers.setup.read_setup import clinic, locations, practitioners

#: How long a snapshot serves, and how long clients are asked to wait before polling.
SNAPSHOT_SECONDS = 60
FILES = {
    "Location": "locations.ndjson",
    "Practitioner": "practitioners.ndjson",
    "Schedule": "schedules.ndjson",
    "Slot": "slots.ndjson",
}
DEEP_LINK = "http://fhir-registry.smarthealthit.org/StructureDefinition/booking-deep-link"


@dataclass(frozen=True)
class Snapshot:
    taken_at: datetime
    files: dict[str, bytes]

    def is_fresh(self, now: datetime) -> bool:
        return now - self.taken_at < timedelta(seconds=SNAPSHOT_SECONDS)


class Publisher:
    """This process's current snapshot, computed by one caller while others wait."""

    def __init__(self, deps: Deps, public_url: str) -> None:
        self._deps = deps
        self._public_url = public_url
        self._snapshot: Snapshot | None = None
        self._lock = asyncio.Lock()

    async def snapshot(self) -> Snapshot:
        if not (await clinic(self._deps)).publish_availability:
            raise FhirProblem(404, "not-found", "This clinic does not publish its free times.")
        current = self._snapshot
        if current is not None and current.is_fresh(self._deps.now()):
            return current
        async with self._lock:
            current = self._snapshot
            if current is None or not current.is_fresh(self._deps.now()):
                current = self._snapshot = await _taken(self._deps, self._public_url)
        return current


def manifest(snapshot: Snapshot, base: str, since: datetime | None) -> dict[str, Any]:
    published = since is None or since < snapshot.taken_at
    asked = f"?{urlencode({'_since': since.isoformat()})}" if since else ""
    return {
        "transactionTime": snapshot.taken_at.isoformat(timespec="milliseconds"),
        "request": f"{base}/$bulk-publish{asked}",
        "output": [
            {"type": kind, "url": f"{base}/$bulk-publish/{name}"}
            for kind, name in FILES.items()
            if published
        ],
        "error": [],
    }


async def _taken(deps: Deps, public_url: str) -> Snapshot:
    now = deps.now()  # to the millisecond, as transactionTime tells it
    taken_at = now.replace(microsecond=now.microsecond // 1000 * 1000)
    found = await online_schedules(deps, None)
    last_day = min(found.horizon_end, found.horizon_start + timedelta(days=MAX_WINDOW_DAYS))
    slots: list[dict[str, Any]] = []
    for schedule in found.found:
        window = SlotSearch(
            schedule.practitioner_id,
            schedule.location_id,
            found.horizon_start,
            last_day,
            None,
            True,
            False,
        )
        slots += [
            _linked(slot, schedule.practitioner_id, public_url)
            for slot in await free_slots(deps, None, window)
        ]
    files = {
        "Location": _ndjson(await _locations(deps)),
        "Practitioner": _ndjson(await _practitioners(deps)),
        "Schedule": _ndjson(schedule_resources(found, public_url)),
        "Slot": _ndjson(sorted(slots, key=by_start)),
    }
    return Snapshot(taken_at, files)


def _linked(slot: dict[str, Any], practitioner_id: int, public_url: str) -> dict[str, Any]:
    """The Slot with a deep link into the booking page at its time."""
    service = slot["serviceType"][0]["coding"][0]["code"]
    query = urlencode({"practitioner": practitioner_id, "service": service, "start": slot["start"]})
    return {**slot, "extension": [{"url": DEEP_LINK, "valueUrl": f"{public_url}/book/?{query}"}]}


async def _locations(deps: Deps) -> list[dict[str, Any]]:
    return [
        resources.location(row) for row in sorted(await locations(deps, None), key=lambda r: r.id)
    ]


async def _practitioners(deps: Deps) -> list[dict[str, Any]]:
    rows = await practitioners(deps, None, online_only=True)
    return [resources.practitioner(row) for row in sorted(rows, key=lambda r: r.id)]


def _ndjson(found: list[dict[str, Any]]) -> bytes:
    return b"".join(
        json.dumps(r, ensure_ascii=False, separators=(",", ":")).encode() + b"\n" for r in found
    )


def since_of(text: str | None) -> datetime | None:
    """`_since`: an instant with its offset, or FhirProblem."""
    if text is None:
        return None
    try:
        found = datetime.fromisoformat(text[:40].replace("Z", "+00:00"))
    except ValueError:
        found = None
    if found is None or found.tzinfo is None:
        raise FhirProblem(400, "invalid", "_since must be an instant with its offset.")
    return found
