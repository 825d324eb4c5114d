"""Per-process copies of the reads every portal repeats, dropped the moment what they
were read from changes.

At nine o'clock every portal asks for the same practitioner's slots, and every hold
reads the same clinic rules and offer. Each process keeps what it read, by the tables it
was read from, and drops it when a commit changes one of those tables: its own commits
at once (`Database.on_commit`, after the commit landed), other processes' through the
broadcaster (`READS_CHANNEL`, followed by `portal.workers.read_cache.follow_reads`). It keeps
nothing while it does not hear the other processes (before it listens, and after its
broadcaster connection failed until it listens again).

A read that was under way while a change was announced is not kept (its rows may be
older than the change). An entry may also carry a moment it is good until (a hold in it
lapses, a slot passes its notice), and none is kept longer than MAX_AGE_SECONDS, which
bounds what a lost announcement could cost.
"""

from __future__ import annotations

import json
import time
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from persistence.changes import ANY_TABLE, APPOINTMENTS, diary_table

T = TypeVar("T")

#: The clinic's catalogue: its rules, places, services, practitioners and their sessions.
CATALOG = frozenset(
    {"clinic", "locations", "services", "practitioners", "session_series", "practitioner_services"}
)
CLINIC = frozenset({"clinic"})
WEBHOOK_ENDPOINTS = frozenset({"webhook_endpoints"})


def diary(practitioner_id: int) -> frozenset[str]:
    """What one practitioner's appointments were read from: any appointment write that
    does not say whose diary it touched, or one that says it touched theirs."""
    return frozenset({APPOINTMENTS, diary_table(practitioner_id)})


#: Where a process announces the tables its commits changed.
READS_CHANNEL = "portal.reads"
#: What all entries may weigh together (an entry weighs its `size`, e.g. its slots, or
#: 1): past it the cache starts afresh, so windows asked for by the thousand (one
#: 62-day window of 5-minute slots holds 17,000) cannot fill the process's memory.
MAX_WEIGHT = 100_000
#: No entry is kept longer than this, whatever was (or was not) heard.
MAX_AGE_SECONDS = 30.0


@dataclass
class _Region:
    tables: frozenset[str]
    #: key -> (value, good until (clinic time), kept until (monotonic), weight)
    entries: dict[Hashable, tuple[Any, datetime | None, float, int]] = field(default_factory=dict)
    #: Rises with every change to the region's tables.
    generation: int = 0


class ReadCache:
    def __init__(self, *, origin: str = "") -> None:
        #: Who this process is on the channel, so it skips its own announcements.
        self.origin = origin
        self._regions: dict[frozenset[str], _Region] = {}
        self.listening = False
        self.hits = 0
        #: What the kept entries weigh together (see MAX_WEIGHT).
        self.weight = 0

    async def read(
        self,
        key: Hashable,
        tables: frozenset[str],
        fill: Callable[[], Awaitable[T]],
        *,
        now: datetime | None = None,
        good_until: Callable[[T], datetime | None] | None = None,
        size: Callable[[T], int] | None = None,
    ) -> T:
        """The kept value for `key`, or `fill()`'s, kept when nothing it was read from
        changed meanwhile."""
        region = self._regions.get(tables)
        if region is None:
            region = self._regions[tables] = _Region(tables)
        kept = region.entries.get(key) if self.listening else None
        if (
            kept is not None
            and (kept[1] is None or (now is not None and now < kept[1]))
            and time.monotonic() < kept[2]
        ):
            self.hits += 1
            return kept[0]
        generation = region.generation
        value = await fill()
        if self.listening and region.generation == generation:
            weight = max(1, size(value) if size else 1)
            if self.weight + weight > MAX_WEIGHT:
                self._forget_all()
            if (replaced := region.entries.get(key)) is not None:
                self.weight -= replaced[3]
            region.entries[key] = (
                value,
                good_until(value) if good_until else None,
                time.monotonic() + MAX_AGE_SECONDS,
                weight,
            )
            self.weight += weight
        return value

    def _forget_all(self) -> None:
        for region in self._regions.values():
            region.entries.clear()
        self.weight = 0

    def changed(self, tables: frozenset[str]) -> None:
        """Drop what was read from these tables."""
        for region in self._regions.values():
            if ANY_TABLE in tables or not region.tables.isdisjoint(tables):
                region.generation += 1
                self.weight -= sum(entry[3] for entry in region.entries.values())
                region.entries.clear()

    def concerns(self, tables: frozenset[str]) -> bool:
        """Whether a change to these tables could drop anything kept (here or elsewhere)."""
        return any(
            t == ANY_TABLE or t in CATALOG or t in WEBHOOK_ENDPOINTS or t.startswith(APPOINTMENTS)
            for t in tables
        )

    def listen(self) -> None:
        """This process now hears every other's changes: it may keep reads."""
        self.listening = True

    def deaf(self) -> None:
        """This process may have missed changes: drop everything, keep nothing."""
        self.listening = False
        self.changed(frozenset({ANY_TABLE}))

    def announcement(self, tables: frozenset[str]) -> str:
        return json.dumps({"origin": self.origin, "tables": sorted(tables)})

    def heard(self, message: str) -> None:
        """Another process's announcement (this process's own are skipped)."""
        try:
            data = json.loads(message)
            if data.get("origin") == self.origin:
                return
            tables = frozenset(str(t) for t in data["tables"])
        except (ValueError, KeyError, TypeError, AttributeError):
            tables = frozenset({ANY_TABLE})
        self.changed(tables)
