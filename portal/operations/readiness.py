"""Whether this process should be sent traffic: the database answers and is at the
migration head, Redis answers (where configured), the background workers run, and no
SIGTERM has been received."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from persistence.operations import head_revision, known_revisions, schema_revision
from resolvers.deps import Deps

#: A check that has not answered after this long has failed.
CHECK_SECONDS = 2.0
#: What the dependencies' checks found is reused for this long: probes from every
#: balancer, or anyone hammering the URL, cost one query a second per process at most.
REUSE_SECONDS = 1.0


class NotReady(Exception):
    """A check's own finding, said as it is."""


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    milliseconds: float


@dataclass
class Readiness:
    deps: Deps
    #: This process's background workers (set by the lifespan).
    workers: list[asyncio.Task[None]] = field(default_factory=list)
    #: Set on SIGTERM: from then on, not ready.
    draining: bool = False
    _found: tuple[float, list[Check]] | None = field(default=None, repr=False)
    _checking: asyncio.Lock = field(default_factory=asyncio.Lock, repr=False)

    async def checks(self) -> list[Check]:
        """The dependencies' checks (found afresh at most once a second), then the
        workers' and SIGTERM's, which cost nothing and are always current."""
        async with self._checking:
            if self._found is None or time.monotonic() - self._found[0] >= REUSE_SECONDS:
                found = [await _timed("database", self._database)]
                if self.deps.hub.uses_redis:
                    found.append(await _timed("redis", self._redis))
                self._found = (time.monotonic(), found)
        return [
            *self._found[1],
            await _timed("workers", self._workers),
            await _timed("shutdown", self._shutdown),
        ]

    async def _database(self) -> str:
        """Ready at this code's head, and past it: while a newer version rolls out, its
        migration ran first and this version still works on the schema (migrations add,
        never take away in one step). Behind, this code would fail."""
        at, head = await schema_revision(self.deps.database), head_revision()
        if at == head:
            return f"schema at {at}"
        if at is None or at in known_revisions():
            raise NotReady(f"schema at {at}, this code needs {head}: run `portal migrate`")
        return f"schema at {at}, newer than this code's {head}"

    async def _redis(self) -> str:
        await self.deps.hub.ping()
        return "answers"

    async def _workers(self) -> str:
        stopped = [task.get_name() for task in self.workers if task.done()]
        if stopped:
            raise NotReady(f"stopped: {', '.join(sorted(stopped))}")
        return f"{len(self.workers)} running"

    async def _shutdown(self) -> str:
        if self.draining:
            raise NotReady("shutting down")
        return "not asked to stop"


async def _timed(name: str, check: Callable[[], Awaitable[str]]) -> Check:
    started = time.perf_counter()
    try:
        detail = await asyncio.wait_for(check(), CHECK_SECONDS)
        ok = True
    except TimeoutError:
        detail, ok = f"no answer in {CHECK_SECONDS:g} s", False
    except NotReady as finding:
        detail, ok = str(finding), False
    except Exception as fault:
        detail, ok = f"{type(fault).__name__}: {str(fault)[:200]}", False
    return Check(name, ok, detail, round((time.perf_counter() - started) * 1000, 1))
